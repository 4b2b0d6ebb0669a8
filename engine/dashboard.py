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
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, select

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
    with db.engine.connect() as connection:
        name = connection.execute(
            select(OfficeRow.name).where(OfficeRow.code == office)
        ).scalar_one_or_none()
        if name is None:
            return None
        queues = {
            key.split("|", 1)[1]: n
            for (_, key), n in read_counts(connection, [office], "queue|").items()
        }
        by_desk, by_element = _waits(connection, office, start, end)
        desks = []
        for desk in sorted(set(queues) | set(by_desk)):
            oldest = _oldest(connection, office, desk) if queues.get(desk, 0) > 0 else None
            desks.append(
                DeskFigures(
                    desk=desk,
                    queue=queues.get(desk, 0),
                    oldest_since=oldest[0] if oldest else None,
                    oldest_case=oldest[1] if oldest else None,
                    oldest_applicant=oldest[2] if oldest else None,
                    waiting=_waiting(by_desk.get(desk, [])),
                )
            )
        first, last = week_of(start), week_of(end - timedelta(microseconds=1))
        weeks: dict[str, dict[str, int]] = {}
        for kind in OUTCOMES:
            for (_, key), n in read_counts(connection, [office], f"{kind}|").items():
                week = key.split("|", 1)[1]
                if first <= week <= last:
                    weeks.setdefault(week, dict.fromkeys(OUTCOMES, 0))[kind] = n
        sla: dict[str, int] = {}
        for (_, key), n in read_counts(connection, [office], "fired|").items():
            _, element, week = key.split("|")
            if first <= week <= last:
                sla[element] = sla.get(element, 0) + n
    return OfficeFigures(
        office=office,
        name=name,
        period_from=start.date(),
        period_to=end.date(),
        desks=tuple(desks),
        weeks=dict(sorted(weeks.items())),
        sla_fired=dict(sorted(sla.items())),
        elements={k: _waiting(v) for k, v in sorted(by_element.items())},
    )


def _oldest(
    connection: Connection, office: str, desk: str
) -> tuple[datetime, int, str | None] | None:
    """The ready task waiting longest at a desk: since when, its case and applicant."""
    row = connection.execute(
        select(TaskRow.created_at, TaskRow.case_id, CaseRow.applicant_name)
        .join(CaseRow, CaseRow.id == TaskRow.case_id)
        .where(
            TaskRow.office == office,
            TaskRow.state == "ready",
            TaskRow.desk == (None if desk == "-" else desk),
        )
        .order_by(TaskRow.created_at, TaskRow.id)
        .limit(1)
    ).first()
    return (row[0], row[1], row[2]) if row is not None else None


def _waits(
    connection: Connection, office: str, start: datetime, end: datetime
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    by_desk: dict[str, list[float]] = {}
    by_element: dict[str, list[float]] = {}
    rows = connection.execute(
        select(TaskRow.desk, TaskRow.name, TaskRow.created_at, TaskRow.completed_at).where(
            TaskRow.office == office,
            TaskRow.completed_at >= start,
            TaskRow.completed_at < end,
            TaskRow.state == "completed",
        )
    )
    for desk, name, created_at, completed_at in rows:
        seconds = ((completed_at or created_at) - created_at).total_seconds()
        by_desk.setdefault(desk or "-", []).append(seconds)
        by_element.setdefault(name, []).append(seconds)
    return by_desk, by_element
