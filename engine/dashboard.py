"""The head of office's figures: queues, oldest waiting, waiting times, SLA, weekly outcomes.

Queues, weekly outcomes and fired SLA timers are read from the counters the
inputs keep (engine.counters): a few rows per office and figure, whatever
the history. The oldest applicant waiting at a desk is one index seek per
desk (tasks by office, state, desk, created_at). Waiting times are the
tasks completed in the chosen period, from the `recorded_at` of the event
that created the task to that of the event that completed it (the task
projection's created_at and completed_at), read by (office, completed_at).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, Connection, func, literal, select, union_all

from engine.counters import read_counts, week_of
from engine.store.db import Database
from engine.store.models import CaseRow, OfficeRow, TaskRow

__all__ = ["DeskFigures", "OfficeFigures", "Waiting", "office_figures", "percentile"]

OUTCOMES = ("started", "completed", "rejected", "withdrawn")


@dataclass(frozen=True)
class Waiting:
    """Waiting times (seconds) of the tasks completed in a period."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class DeskFigures:
    """One desk of one office: its queue now, the oldest waiting, waiting times."""

    desk: str
    queue: int
    oldest_since: datetime | None = None
    oldest_case: int | None = None
    oldest_applicant: str | None = None
    waiting: Waiting = Waiting(0, None, None)


@dataclass(frozen=True)
class OfficeFigures:
    """One office's dashboard over a period."""

    office: str
    name: str
    period_from: date
    period_to: date
    desks: tuple[DeskFigures, ...]
    weeks: dict[str, dict[str, int]] = field(default_factory=dict)  # week -> outcome -> n
    sla_fired: dict[str, int] = field(default_factory=dict)  # timer element -> n
    elements: dict[str, Waiting] = field(default_factory=dict)  # task element -> waiting


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (the smallest value with `share` of values at or below)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _waiting(values: list[float]) -> Waiting:
    if not values:
        return Waiting(0, None, None)
    return Waiting(len(values), statistics.median(values), percentile(values, 0.9))


def office_figures(
    db: Database, office: str, start: datetime, end: datetime
) -> OfficeFigures | None:
    """The figures of `office` for tasks completed and weeks in [start, end); None if unknown."""
    with db.reads.connect() as connection:
        name = connection.execute(
            select(OfficeRow.name).where(OfficeRow.code == office)
        ).scalar_one_or_none()
        if name is None:
            return None
        every = read_counts(connection, [office], "")  # one office's few hundred rows
        queues = {k.split("|", 1)[1]: n for (_, k), n in every.items() if k.startswith("queue|")}
        by_desk, by_element = _waits(connection, office, start, end)
        oldest = _oldest(connection, office, [d for d, n in queues.items() if n > 0])
        desks = []
        for desk in sorted(set(queues) | set(by_desk)):
            since, case_id, applicant = oldest.get(desk, (None, None, None))
            desks.append(
                DeskFigures(
                    desk=desk,
                    queue=queues.get(desk, 0),
                    oldest_since=since,
                    oldest_case=case_id,
                    oldest_applicant=applicant,
                    waiting=by_desk.get(desk, Waiting(0, None, None)),
                )
            )
        first, last = week_of(start), week_of(end - timedelta(microseconds=1))
        weeks: dict[str, dict[str, int]] = {}
        sla: dict[str, int] = {}
        for (_, key), n in every.items():
            kind, _, rest = key.partition("|")
            week = rest.rpartition("|")[2]
            if not first <= week <= last:
                continue
            if kind in OUTCOMES:
                weeks.setdefault(week, dict.fromkeys(OUTCOMES, 0))[kind] = n
            elif kind == "fired":
                element = rest.partition("|")[0]
                sla[element] = sla.get(element, 0) + n
    return OfficeFigures(
        office=office,
        name=name,
        period_from=start.date(),
        period_to=end.date(),
        desks=tuple(desks),
        weeks=dict(sorted(weeks.items())),
        sla_fired=dict(sorted(sla.items())),
        elements=dict(sorted(by_element.items())),
    )


def _oldest(
    connection: Connection, office: str, desks: list[str]
) -> dict[str, tuple[datetime, int, str | None]]:
    """Per desk, the ready task waiting longest: since when, its case and applicant.

    One statement: per desk, one seek on (office, state, desk, created_at).
    """
    if not desks:
        return {}
    firsts = [
        select(
            literal(desk).label("desk"),
            TaskRow.created_at.label("since"),
            TaskRow.case_id.label("case_id"),
        )
        .where(
            TaskRow.office == office,
            TaskRow.state == "ready",
            TaskRow.desk == (None if desk == "-" else desk),
        )
        .order_by(TaskRow.created_at, TaskRow.id)
        .limit(1)
        .subquery()
        for desk in sorted(desks)
    ]
    each = union_all(*(select(f.c.desk, f.c.since, f.c.case_id) for f in firsts)).subquery()
    rows = connection.execute(
        select(each.c.desk, each.c.since, each.c.case_id, CaseRow.applicant_name).join(
            CaseRow, CaseRow.id == each.c.case_id
        )
    )
    return {desk: (_aware(since), case_id, applicant) for desk, since, case_id, applicant in rows}


def _aware(value: datetime | str) -> datetime:
    """A timestamp read through a union (SQLite gives text, naive UTC)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _waits(
    connection: Connection, office: str, start: datetime, end: datetime
) -> tuple[dict[str, Waiting], dict[str, Waiting]]:
    """Waiting times of the tasks completed in [start, end), per desk and per task element.

    PostgreSQL computes the median (percentile_cont) and the nearest-rank p90
    (percentile_disc) itself; elsewhere the rows come back and Python does.
    """
    where = (
        TaskRow.office == office,
        TaskRow.completed_at >= start,
        TaskRow.completed_at < end,
        TaskRow.state == "completed",
    )
    if connection.dialect.name == "postgresql":
        return _waits_in_sql(connection, where)
    by_desk: dict[str, list[float]] = {}
    by_element: dict[str, list[float]] = {}
    rows = connection.execute(
        select(TaskRow.desk, TaskRow.name, TaskRow.created_at, TaskRow.completed_at).where(*where)
    )
    for desk, name, created_at, completed_at in rows:
        seconds = ((completed_at or created_at) - created_at).total_seconds()
        by_desk.setdefault(desk or "-", []).append(seconds)
        by_element.setdefault(name, []).append(seconds)
    return (
        {k: _waiting(v) for k, v in by_desk.items()},
        {k: _waiting(v) for k, v in by_element.items()},
    )


def _waits_in_sql(
    connection: Connection, where: tuple[ColumnElement[bool], ...]
) -> tuple[dict[str, Waiting], dict[str, Waiting]]:
    """Both groupings in one pass over the period's tasks (GROUPING SETS)."""
    seconds = func.extract("epoch", TaskRow.completed_at - TaskRow.created_at)
    query = (
        select(
            func.grouping(TaskRow.desk),
            TaskRow.desk,
            TaskRow.name,
            func.count(),
            func.percentile_cont(0.5).within_group(seconds),
            func.percentile_disc(0.9).within_group(seconds),
        )
        .where(*where)
        .group_by(func.grouping_sets(TaskRow.desk, TaskRow.name))
    )
    by_desk: dict[str, Waiting] = {}
    by_element: dict[str, Waiting] = {}
    for by_name, desk, name, n, median, p90 in connection.execute(query):
        waiting = Waiting(int(n), float(median), float(p90))
        if by_name:
            by_element[name] = waiting
        else:
            by_desk[desk or "-"] = waiting
    return by_desk, by_element
