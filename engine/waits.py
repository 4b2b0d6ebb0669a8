"""Waiting times of a period, exact, from a daily rollup the worker keeps and the live tasks.

A task's wait runs from the `recorded_at` of the event that created it to
that of the event that completed it (the projection's created_at and
completed_at, fixed by the completing input: a completed task row is never
updated or deleted after). The worker rolls up each day (in the engine's
default time zone) of each office once it closed more than `GRACE` ago: the
exact waits of the tasks completed that day, per desk and per task element,
as sorted microseconds, in one row. A period then reads its whole rolled-up
days from the rollup and everything else (today, its partial first and last
days, a day not rolled up yet or invalidated) from the tasks table, and
merges them: the figures are always exact, a missing rollup only costs time.
Anything that writes completed tasks into past days (a bulk load, a repair)
calls `invalidate_days` for them. A day is
recounted while it is one of the last two closed days; a count that grew (a
commit landed after the grace) marks it stale, and the worker rolls it again.
"""

from __future__ import annotations

import math
import statistics
import sys
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Connection,
    and_,
    cast,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from engine.state import DEFAULT_TIMEZONE
from engine.store.db import Database
from engine.store.models import OfficeRow, TaskRow, WaitDayRow

__all__ = [
    "GRACE",
    "Waiting",
    "invalidate_days",
    "percentile",
    "period_waits",
    "roll_up",
]

#: A day is rolled up once it closed this long ago (a commit may land after midnight).
GRACE = timedelta(minutes=10)
#: Rolled-up days this close to today are recounted on every run.
RECHECK_DAYS = 2
_ZONE = ZoneInfo(DEFAULT_TIMEZONE)
_DAY = timedelta(days=1)
_MICRO = timedelta(microseconds=1)
N = TypeVar("N", int, float)
Groups = dict[tuple[str, str], "array[int]"]  # ("desk" | "element", key) -> waits in µs


@dataclass(frozen=True)
class Waiting:
    """Waiting times (seconds) of the tasks completed in a period."""

    count: int
    median: float | None
    p90: float | None


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (the smallest value with `share` of values at or below)."""
    return _nearest_rank(sorted(values), share) if values else None


def _nearest_rank(ordered: list[N], share: float) -> N:
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _waiting(micros: array[int]) -> Waiting:
    """Count, median (the mean of the two middle values when even) and nearest-rank p90."""
    ordered = sorted(micros)
    n = len(ordered)
    middle = [ordered[(n - 1) // 2] / 1e6, ordered[n // 2] / 1e6]
    return Waiting(n, statistics.median(middle), _nearest_rank(ordered, 0.9) / 1e6)


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), _ZONE)


def _day_of(at: datetime) -> date:
    return at.astimezone(_ZONE).date()


def _pack(micros: array[int]) -> bytes:
    packed = array("q", sorted(micros))
    if sys.byteorder == "big":
        packed.byteswap()  # stored little-endian
    return packed.tobytes()


def _unpack(data: bytes) -> array[int]:
    values = array("q")
    values.frombytes(data)
    if sys.byteorder == "big":
        values.byteswap()
    return values


_WAIT_IN_SQL: tuple[Any, ...] = (
    cast(
        func.round(func.extract("epoch", TaskRow.completed_at - TaskRow.created_at) * 1_000_000),
        BigInteger,
    ),
)


def _completed(
    connection: Connection, office: str, spans: list[tuple[datetime, datetime]]
) -> Iterator[tuple[str, str, int]]:
    """(desk, element, wait in µs) of the office's tasks completed in any of `spans`.

    PostgreSQL subtracts (exact to the microsecond: the rounding undoes a
    float epoch's error for waits under a century); elsewhere Python does.
    """
    if not spans:
        return
    in_sql = connection.dialect.name == "postgresql"
    waits = _WAIT_IN_SQL if in_sql else (TaskRow.created_at, TaskRow.completed_at)
    rows = connection.execute(
        select(TaskRow.desk, TaskRow.name, *waits).where(
            TaskRow.office == office,
            or_(*(and_(TaskRow.completed_at >= a, TaskRow.completed_at < b) for a, b in spans)),
            TaskRow.state == "completed",
        )
    )
    for desk, name, *wait in rows:
        micros = int(wait[0]) if in_sql else (wait[1] - wait[0]) // _MICRO
        yield desk or "-", name, micros


def _group(rows: Iterable[tuple[str, str, int]], groups: Groups) -> int:
    n = 0
    for desk, name, micros in rows:
        groups.setdefault(("desk", desk), array("q")).append(micros)
        groups.setdefault(("element", name), array("q")).append(micros)
        n += 1
    return n


def period_waits(
    connection: Connection, office: str, start: datetime, end: datetime
) -> tuple[dict[str, Waiting], dict[str, Waiting]]:
    """Waiting times of the tasks completed in [start, end), per desk and per task element."""
    first = _day_of(start) if _start(_day_of(start)) >= start else _day_of(start) + _DAY
    last = _day_of(end) - _DAY  # the last day that ends by `end`
    groups: Groups = {}
    rolled: set[date] = set()
    if first <= last:
        rows = connection.execute(
            select(WaitDayRow.day, WaitDayRow.groups, WaitDayRow.waits).where(
                WaitDayRow.office == office,
                WaitDayRow.day >= first,
                WaitDayRow.day <= last,
                WaitDayRow.stale.is_(False),
            )
        )
        for day, header, waits in rows:
            rolled.add(day)
            values, at = _unpack(waits), 0
            for grouping, key, n in header:
                groups.setdefault((grouping, key), array("q")).extend(values[at : at + n])
                at += n
    spans, cursor = [], start
    for day in sorted(rolled):
        if _start(day) > cursor:
            spans.append((cursor, _start(day)))
        cursor = _start(day + _DAY)
    if cursor < end:
        spans.append((cursor, end))
    _group(_completed(connection, office, spans), groups)
    by_desk = {k: _waiting(v) for (g, k), v in groups.items() if g == "desk"}
    by_element = {k: _waiting(v) for (g, k), v in groups.items() if g == "element"}
    return by_desk, by_element


def roll_up(db: Database, now: datetime, limit: int = 50) -> int:
    """Roll up to `limit` (office, day) pairs that closed `GRACE` before `now`; return how many.

    New days first (oldest of them first, so each office's rolled days stay
    one run of days), then stale ones, then older history, newest first.
    Several workers may run it: a day another rolled meanwhile is skipped.
    """
    latest = _day_of(now - GRACE) - _DAY
    with db.engine.connect() as connection:
        _recheck(connection, latest)
        todo = _due_days(connection, latest, limit)
    done = 0
    for office, day in todo:
        try:
            with db.engine.begin() as connection:
                _roll_day(connection, office, day, now)
            done += 1
        except IntegrityError:
            continue  # another worker rolled it first
    return done


def _due_days(connection: Connection, latest: date, limit: int) -> list[tuple[str, date]]:
    offices = list(connection.execute(select(OfficeRow.code).order_by(OfficeRow.code)).scalars())
    spans = {
        office: (lo, hi)
        for office, lo, hi in connection.execute(
            select(WaitDayRow.office, func.min(WaitDayRow.day), func.max(WaitDayRow.day)).group_by(
                WaitDayRow.office
            )
        )
    }
    new: list[tuple[str, date]] = []
    older: list[tuple[str, date]] = []
    for office in offices:
        lo, hi = spans.get(office, (latest, latest - _DAY))  # none yet: from the latest day
        new.extend((office, hi + _DAY * (n + 1)) for n in range(min((latest - hi).days, limit)))
        earliest = connection.scalar(
            select(func.min(TaskRow.completed_at)).where(
                TaskRow.office == office, TaskRow.completed_at.is_not(None)
            )
        )
        if earliest is not None:
            back = min((lo - _day_of(earliest)).days, limit)
            older.extend((office, lo - _DAY * (n + 1)) for n in range(back))
    stale = connection.execute(
        select(WaitDayRow.office, WaitDayRow.day)
        .where(WaitDayRow.stale.is_(True))
        .order_by(WaitDayRow.day.desc())
        .limit(limit)
    ).all()
    older.sort(key=lambda pair: pair[1], reverse=True)
    return [*new, *((o, d) for o, d in stale), *older][:limit]


def _roll_day(connection: Connection, office: str, day: date, now: datetime) -> None:
    """Roll one office-day up in this transaction, which first claims the day's row.

    Raises:
        IntegrityError: another worker rolled the day first.
    """
    this_day = (WaitDayRow.office == office, WaitDayRow.day == day)
    claimed = connection.execute(
        update(WaitDayRow).where(*this_day, WaitDayRow.stale.is_(True)).values(rolled_at=now)
    ).rowcount
    if not claimed:  # a new day; if its row exists, another worker rolled it: IntegrityError
        connection.execute(
            insert(WaitDayRow),
            {"office": office, "day": day, "tasks": 0, "rolled_at": now, "stale": True}
            | {"groups": [], "waits": b""},
        )
    groups: Groups = {}
    n = _group(_completed(connection, office, [(_start(day), _start(day + _DAY))]), groups)
    ordered = sorted(groups.items())
    connection.execute(
        update(WaitDayRow)
        .where(*this_day)
        .values(
            tasks=n,
            stale=False,
            groups=[[g, k, len(v)] for (g, k), v in ordered],
            waits=b"".join(_pack(v) for _, v in ordered),
        )
    )


def _recheck(connection: Connection, latest: date) -> None:
    """Mark stale the recent rolled-up days whose completed tasks grew in number."""
    recent = connection.execute(
        select(WaitDayRow.office, WaitDayRow.day, WaitDayRow.tasks).where(
            WaitDayRow.day > latest - timedelta(days=RECHECK_DAYS),
            WaitDayRow.stale.is_(False),
        )
    ).all()
    for office, day, tasks in recent:
        now_counted = connection.scalar(
            select(func.count()).where(
                TaskRow.office == office,
                TaskRow.completed_at >= _start(day),
                TaskRow.completed_at < _start(day + _DAY),
                TaskRow.state == "completed",
            )
        )
        if now_counted != tasks:
            invalidate_days(connection, office, day, day)
    connection.commit()


def invalidate_days(connection: Connection, office: str | None, first: date, last: date) -> int:
    """Mark an office's (every office's if None) rolled-up days in [first, last] stale.

    For whatever writes completed task rows into days already rolled up
    (a bulk load, a repair): the period's figures are then read live until
    the worker rolls those days again. Returns how many days were marked.
    """
    query = update(WaitDayRow).where(WaitDayRow.day >= first, WaitDayRow.day <= last)
    if office is not None:
        query = query.where(WaitDayRow.office == office)
    return int(connection.execute(query.values(stale=True)).rowcount)
