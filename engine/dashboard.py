"""The head of office's figures: queues, oldest waiting, waiting times, SLA, weekly outcomes.

Queues, weekly outcomes and fired SLA timers are read from the counters the
inputs keep (engine.counters): a few rows per office and figure, whatever
the history. The oldest applicant waiting at a desk is one index seek per
desk (tasks by office, state, desk, created_at). Waiting times of the
tasks completed in the chosen period come from engine.waits: whole days from
the worker's daily rollup, the rest (today, partial days) from the tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, literal, select, union_all

from engine.counters import read_counts, week_of
from engine.store.db import Database
from engine.store.models import CaseRow, OfficeRow, TaskRow
from engine.waits import Waiting, percentile, period_waits

__all__ = ["DeskFigures", "OfficeFigures", "Waiting", "office_figures", "percentile"]

OUTCOMES = ("started", "completed", "rejected", "withdrawn")


@dataclass(frozen=True)
class DeskFigures:
    """One desk of one office: its queue now, the oldest waiting, waiting times."""

    desk: str
    queue: int
    oldest_since: datetime | None  # the ready task waiting longest: since when,
    oldest_case: int | None  # its case,
    oldest_applicant: str | None  # and the applicant's name (None: nobody waits)
    waiting: Waiting


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
        by_desk, by_element = period_waits(connection, office, start, end)
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
    """Per desk, the ready task waiting longest: since when, its case and applicant."""
    if not desks:
        return {}
    rows = connection.execute(_oldest_query(tuple(sorted(desks))), {"office": office})
    return {desk: (_aware(since), case_id, applicant) for desk, since, case_id, applicant in rows}


@lru_cache(maxsize=64)
def _oldest_query(desks: tuple[str, ...]) -> Select[tuple[Any, ...]]:
    """One statement: per desk, one seek on (office, state, desk, created_at); built once."""
    firsts = [
        select(
            literal(desk).label("desk"),
            TaskRow.created_at.label("since"),
            TaskRow.case_id.label("case_id"),
        )
        .where(
            TaskRow.office == bindparam("office"),
            TaskRow.state == "ready",
            TaskRow.desk == (None if desk == "-" else desk),
        )
        .order_by(TaskRow.created_at, TaskRow.id)
        .limit(1)
        .subquery()
        for desk in desks
    ]
    each = union_all(*(select(f.c.desk, f.c.since, f.c.case_id) for f in firsts)).subquery()
    return select(each.c.desk, each.c.since, each.c.case_id, CaseRow.applicant_name).join(
        CaseRow, CaseRow.id == each.c.case_id
    )


def _aware(value: datetime | str) -> datetime:
    """A timestamp read through a union (SQLite gives text, naive UTC)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
