"""The engine's frozen values, field by field: built from a database row, and as JSON.

A view whose fields are named as its row's columns is copied by name
(`from_row`); a value's JSON-able form is its fields in their order (`as_json`).
Either takes the few fields that are computed, by keyword.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = ["JsonValue", "as_json", "from_row"]

V = TypeVar("V", bound="DataclassInstance")


def from_row(cls: type[V], row: object, /, **computed: Any) -> V:
    """A `cls` with each field read from the row's attribute of that name, but `computed`."""
    copied = {name: getattr(row, name) for name, _ in _names(cls) if name not in computed}
    return cls(**copied, **computed)


def as_json(value: DataclassInstance, /, **computed: Any) -> dict[str, Any]:
    """`value`'s fields in their order, a tuple as a list and a datetime in ISO 8601.

    A field is named as in the class unless its metadata gives a ``json`` name. A
    nested dataclass becomes a dict the same way; other values are not copied. A
    key of `computed` that names a field replaces its value in place; any other
    key follows the fields.
    """
    named = {key: _plain(getattr(value, name)) for name, key in _names(type(value))}
    return {**named, **computed}


class JsonValue:
    """A dataclass whose JSON-able form (`to_dict`) is its fields, as `as_json` gives them."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form: the fields in their order."""
        return as_json(self)


@cache
def _names(cls: type[DataclassInstance]) -> tuple[tuple[str, str], ...]:
    """Each field's name and its JSON name, read once per class (rows come by the page)."""
    return tuple((f.name, f.metadata.get("json", f.name)) for f in fields(cls))


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return as_json(value)
    return value
