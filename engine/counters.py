"""Dashboard figures kept as counters, changed in the input's own transaction.

A figure of an office is a key (``queue|disnaker``, ``completed|2026-03-02``,
``fired|sla_verifikasi|2026-03-02``) summed over a few shard rows: an input
adds to the shard of its case (case id modulo `SHARDS`), so inputs of
different cases rarely wait on one row. Rows are changed in key order, so two
transactions never take them in opposite orders. Weeks start on Monday in
the engine's default time zone (Asia/Jakarta).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects import postgresql, sqlite

from engine.state import DEFAULT_TIMEZONE
from engine.store.models import FigureCounterRow

__all__ = ["SHARDS", "add_counts", "count", "form_key", "outcome_counts", "read_counts", "week_of"]

SHARDS = 8
_ZONE = ZoneInfo(DEFAULT_TIMEZONE)
_TABLE = FigureCounterRow.__table__


def week_of(at: datetime) -> str:
    """The Monday of the week of `at` (ISO date), in the engine's default time zone."""
    day = at.astimezone(_ZONE).date()
    return (day - timedelta(days=day.weekday())).isoformat()


def count(counts: dict[str, int], key: str, delta: int) -> None:
    """Add `delta` to `key` in a transaction's pending changes."""
    counts[key] = counts.get(key, 0) + delta


def outcome_counts(seq: int, before: str, after: str, at: datetime) -> dict[str, int]:
    """The weekly outcome figures an input changes: a case started, or ended how."""
    counts: dict[str, int] = {}
    if seq == 1:
        counts[f"started|{week_of(at)}"] = 1
    if before == "active" and after != "active":
        counts[f"{after}|{week_of(at)}"] = 1
    return counts


def form_key(ref: str) -> tuple[str, str]:
    """(process, element) of a task or timer reference (``process/element#n``)."""
    path = ref.split("#", 1)[0]
    process, _, name = path.rpartition("/")
    return process, name


def add_counts(
    connection: Connection, office: str, case_id: int, changes: Mapping[str, int]
) -> None:
    """Add `changes` (key -> delta) to the office's figures, in this transaction."""
    rows = [
        {"office": office, "key": key, "shard": case_id % SHARDS, "value": delta}
        for key, delta in sorted(changes.items())
        if delta
    ]
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    # One statement (one round trip); its VALUES are upserted in order, so in key order.
    statement = dialect.insert(_TABLE).values(rows)
    upsert = statement.on_conflict_do_update(
        index_elements=["office", "key", "shard"],
        set_={"value": _TABLE.c.value + statement.excluded.value},
    )
    connection.execute(upsert)


def read_counts(
    connection: Connection, offices: Iterable[str] | None, prefix: str
) -> dict[tuple[str, str], int]:
    """(office, key) -> figure for every key starting with `prefix` (every office if None)."""
    row = FigureCounterRow
    query = (
        select(row.office, row.key, func.sum(row.value))
        .where(row.key.startswith(prefix, autoescape=True))
        .group_by(row.office, row.key)
    )
    if offices is not None:
        query = query.where(row.office.in_(list(offices)))
    return {(o, k): int(v) for o, k, v in connection.execute(query)}
