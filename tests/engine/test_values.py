"""The engine's values field by field: from a row by column name, and to JSON in field order."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from engine.values import as_json, from_row

WHEN = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Inner:
    code: str
    at: datetime


@dataclass(frozen=True)
class Record:
    id: int
    seq: int | None = field(default=None, metadata={"json": "event"})
    names: tuple[str, ...] = ()
    at: datetime | None = None
    inner: Inner | None = None
    extra: dict[str, int] = field(default_factory=dict)


def test_json_keeps_the_field_order_and_makes_tuples_lists_and_times_iso_text() -> None:
    value = Record(7, 3, ("a", "b"), WHEN, Inner("x", WHEN), {"n": 1})
    assert json.dumps(as_json(value)) == json.dumps(
        {
            "id": 7,
            "event": 3,
            "names": ["a", "b"],
            "at": "2026-03-01T08:30:00+00:00",
            "inner": {"code": "x", "at": "2026-03-01T08:30:00+00:00"},
            "extra": {"n": 1},
        }
    )


def test_a_computed_value_replaces_its_field_in_place_and_a_new_key_comes_last() -> None:
    shown = as_json(Record(7, at=WHEN), at="then", percent=50)
    assert list(shown) == ["id", "event", "names", "at", "inner", "extra", "percent"]
    assert (shown["at"], shown["percent"]) == ("then", 50)


def test_a_row_is_copied_by_column_name_with_the_computed_fields_given() -> None:
    row = SimpleNamespace(id=7, seq=3, names=["a"], at=WHEN, inner=None, extra={}, other=1)
    assert from_row(Record, row, names=("a",)) == Record(7, 3, ("a",), WHEN)


def test_a_row_lacking_a_field_is_refused_not_filled_with_the_default() -> None:
    with pytest.raises(AttributeError) as raised:
        from_row(Record, SimpleNamespace(id=7))
    assert "seq" in str(raised.value)
