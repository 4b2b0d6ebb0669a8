"""Recording one applied input: the journal event, the case row, the projection.

Runs inside the input's transaction, on its connection, with statements
built once at import: this is the hot path of every click at a desk, and
building a statement (and its cache key) costs more than SQLite takes to
run it. The task projection (inbox) and the timers table are brought in
line with the workflow by difference with what the case waited on before
the input, so nothing is read back to do it. The dashboard's counters
(engine.counters) change in the same transaction.
Over 400 lines: one hot path whose statements are built together at import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Table, Update, and_, bindparam, insert, literal, select, update

from engine.counters import add_counts, count, form_key, outcome_counts, week_of
from engine.errors import NotFound
from engine.journal import FORMAT_VERSION, EventKind, JournalEvent, event_hash
from engine.state import CaseState, LoadedVersion
from engine.store.models import Base, CaseRow, EventRow, SnapshotRow, TaskRow, TimerRow
from engine.views import Actor

__all__ = [
    "CaseHead",
    "Input",
    "Outstanding",
    "StaleCase",
    "TaskToComplete",
    "insert_case",
    "lock_case",
    "ready_task_rows",
    "record",
    "task_for_input",
]

_CASES, _EVENTS, _TASKS, _TIMERS, _SNAPSHOTS = (
    Base.metadata.tables[row.__tablename__]
    for row in (CaseRow, EventRow, TaskRow, TimerRow, SnapshotRow)
)
_cases, _tasks, _timers, _snapshots = _CASES.c, _TASKS.c, _TIMERS.c, _SNAPSHOTS.c


class StaleCase(Exception):  # noqa: N818 - a signal to the write path, which retries locked
    """The case row changed since it was read: another input was recorded first."""


@dataclass
class CaseHead:
    """The columns of a case row an input reads and writes."""

    id: int
    process_version_id: int
    process_key: str
    status: str
    rejection_reason: str | None
    revision: int
    head_hash: str
    state_digest: str
    applicant_name: str | None
    nik: str | None
    data: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    office: str


_HEAD_COLUMNS = [_cases[f.name] for f in fields(CaseHead)]  # in CaseHead's order

# A write takes the row lock on PostgreSQL and SQLite's write lock, so the
# row returned is the latest commit and a second writer waits for this one.
_LOCK = (
    update(_CASES)
    .where(_cases.id == bindparam("p_case_id"))
    .values(revision=_cases.revision)
    .returning(*_HEAD_COLUMNS)
)
_INSERT_CASE = insert(_CASES).returning(*_HEAD_COLUMNS)
_INSERT_EVENT = insert(_EVENTS)


def _close(table: Table, live: str, **values: Any) -> Update:
    """An UPDATE of one of a case's task or timer rows, by ref, while it is still `live`."""
    return (
        update(table)
        .where(
            and_(
                table.c.case_id == bindparam("p_case_id"),
                table.c.ref == bindparam("p_ref"),
                table.c.state == literal(live),
            )
        )
        .values(**values)
    )


_HEAD_FIELDS = ("revision", "head_hash", "state_digest", "updated_at", "data")
# Columns that rarely change, most of them indexed: set only when they do, as
# an UPDATE naming an indexed column rewrites its index entries regardless.
_INDEXED_FIELDS = ("status", "rejection_reason", "applicant_name", "nik")
_UPDATE_CASE, _UPDATE_CASE_INDEXED = (
    update(_CASES)
    .where(and_(_cases.id == bindparam("p_case_id"), _cases.revision == bindparam("p_read")))
    .values({name: bindparam(f"p_{name}") for name in fields})
    for fields in (_HEAD_FIELDS, _HEAD_FIELDS + _INDEXED_FIELDS)
)
_CLOSE_TASK = _close(
    _TASKS,
    "ready",
    state=bindparam("p_new_state"),
    completed_at=bindparam("p_at"),
    completed_by=bindparam("p_by"),
).returning(_tasks.desk)
_INSERT_TASK = insert(_TASKS).returning(_tasks.id)
_NEW_TASK_NULLS = {"assignee": None, "due_at": None, "completed_at": None, "completed_by": None}
_MOVE_TIMER = (
    update(_TIMERS)
    .where(and_(_timers.case_id == bindparam("p_case_id"), _timers.ref == bindparam("p_ref")))
    .values(due_at=bindparam("p_due_at"))
)
_CLOSE_TIMER = _close(
    _TIMERS, "waiting", state=bindparam("p_new_state"), fired_at=bindparam("p_fired_at")
)
_INSERT_TIMER = insert(_TIMERS)
_UPDATE_SNAPSHOT = (
    update(_SNAPSHOTS)
    .where(_snapshots.case_id == bindparam("p_case_id"))
    .values(seq=bindparam("p_seq"), state=bindparam("p_state"), state_digest=bindparam("p_digest"))
)
_INSERT_SNAPSHOT = insert(_SNAPSHOTS)
_READY_TASKS = (
    select(_TASKS)
    .where(and_(_tasks.case_id == bindparam("p_case_id"), _tasks.state == literal("ready")))
    .order_by(_tasks.id)
)


def lock_case(connection: Connection, case_id: int) -> CaseHead:
    """Lock a case row for this transaction and read it.

    Raises:
        NotFound: no such case.
    """
    row = connection.execute(_LOCK, {"p_case_id": case_id}).first()
    if row is None:
        raise NotFound(f"case {case_id} does not exist")
    return CaseHead(*row)


def insert_case(connection: Connection, **columns: Any) -> CaseHead:
    """Insert a new case row and return its head."""
    return CaseHead(*connection.execute(_INSERT_CASE, columns).one())


def ready_task_rows(connection: Connection, case_id: int) -> list[Any]:
    """The case's ready task rows, oldest first."""
    return list(connection.execute(_READY_TASKS, {"p_case_id": case_id}).all())


@dataclass(frozen=True)
class Input:
    """One input as the journal records it."""

    kind: EventKind
    at: datetime
    actor: Actor
    desk: str | None
    task_ref: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class Outstanding:
    """What a case waits on: ready user tasks and timers with their due times."""

    ready: frozenset[str]
    timers: dict[str, datetime]

    @classmethod
    def of(cls, state: CaseState) -> Outstanding:
        """What `state` waits on now."""
        return cls(
            frozenset(t.ref for t in state.ready_tasks()),
            {t.ref: t.due_at for t in state.waiting_timers()},
        )


def record(
    connection: Connection,
    case: CaseHead,
    loaded: LoadedVersion,
    state: CaseState,
    given: Input,
    *,
    before: Outstanding,
    snapshot_every: int,
) -> list[Any] | None:
    """Append the event, update the case row, projection and timers, snapshot when due.

    Returns the case's ready task rows when every one of them is new (as
    inserted), or None when some were ready before: then read them.
    """
    seq = case.revision + 1
    digest = state.digest()
    event = JournalEvent(
        case_id=case.id,
        seq=seq,
        kind=given.kind,
        recorded_at=given.at,
        actor=given.actor.name,
        desk=given.desk,
        task_ref=given.task_ref,
        payload=given.payload,
        state_digest=digest,
        prev_hash=case.head_hash,
        hash="",
    )
    chained = event_hash(case.head_hash, event.content())
    connection.execute(
        _INSERT_EVENT,
        {
            "case_id": case.id,
            "seq": seq,
            "kind": str(given.kind),
            "format_version": FORMAT_VERSION,
            "recorded_at": given.at,
            "actor": given.actor.name,
            "desk": given.desk,
            "task_ref": given.task_ref,
            "payload": given.payload,
            "state_digest": digest,
            "prev_hash": case.head_hash,
            "hash": chained,
        },
    )
    data = state.data()
    counts = outcome_counts(seq, case.status, state.status, given.at)
    indexed_before = _indexed(case)
    case.revision = seq
    case.head_hash = chained
    case.state_digest = digest
    case.status = state.status
    case.rejection_reason = state.rejection_reason
    case.updated_at = given.at
    case.data = json.loads(json.dumps(data, default=str))
    case.applicant_name = _text_or_none(data.get("full_name"))
    case.nik = _text_or_none(data.get("nik"))
    indexed = _indexed(case)
    values = {
        "p_case_id": case.id,
        "p_read": seq - 1,
        "p_revision": seq,
        "p_head_hash": chained,
        "p_state_digest": digest,
        "p_updated_at": given.at,
        "p_data": case.data,
    }
    if indexed == indexed_before:
        updated = connection.execute(_UPDATE_CASE, values)
    else:
        values.update((f"p_{name}", v) for name, v in zip(_INDEXED_FIELDS, indexed, strict=True))
        updated = connection.execute(_UPDATE_CASE_INDEXED, values)
    if updated.rowcount != 1:
        raise StaleCase(f"case {case.id} is no longer at revision {seq - 1}")
    ready = _project(connection, case, loaded, state, given, before, counts)
    add_counts(connection, case.office, case.id, counts)
    if seq == 1 or seq % snapshot_every == 0 or state.status != "active":
        _snapshot(connection, case.id, seq, state, digest)
    return ready


def _indexed(case: CaseHead) -> tuple[Any, ...]:
    return tuple(getattr(case, name) for name in _INDEXED_FIELDS)


def _snapshot(
    connection: Connection, case_id: int, seq: int, state: CaseState, digest: str
) -> None:
    text = state.to_json()
    values = {"p_case_id": case_id, "p_seq": seq, "p_state": text, "p_digest": digest}
    if connection.execute(_UPDATE_SNAPSHOT, values).rowcount == 0:
        connection.execute(
            _INSERT_SNAPSHOT,
            {"case_id": case_id, "seq": seq, "state": text, "state_digest": digest},
        )


def _project(
    connection: Connection,
    case: CaseHead,
    loaded: LoadedVersion,
    state: CaseState,
    given: Input,
    before: Outstanding,
    counts: dict[str, int],
) -> list[Any] | None:
    """Make the tasks and timers tables match the workflow, by difference.

    Adds the changes of the desks' queues and the fired timers to `counts`.
    Returns the ready task rows when all are new, None when some were kept.
    """
    case_id = case.id
    after = Outstanding.of(state)
    closed = []
    for ref in sorted(before.ready - after.ready):
        done = given.kind is EventKind.TASK_COMPLETED and ref == given.task_ref
        closed.append(
            {
                "p_case_id": case_id,
                "p_ref": ref,
                "p_new_state": "completed" if done else "cancelled",
                "p_at": given.at,
                "p_by": given.actor.name if done else None,
            }
        )
    for closing in closed:  # the desk as stored: a migration may have moved the task
        gone = connection.execute(_CLOSE_TASK, closing).first()
        if gone is not None:
            count(counts, f"queue|{gone.desk or '-'}", -1)
    ready = state.ready_tasks()
    new_tasks = [t for t in ready if t.ref not in before.ready]
    rows = [
        {
            "case_id": case_id,
            "ref": task.ref,
            "name": task.name,
            "title": loaded.bundle.titles.get((task.process, task.name), task.name),
            "desk": loaded.bundle.desks.get((task.process, task.name)),
            "state": "ready",
            "created_at": given.at,
            "office": case.office,
        }
        for task in new_tasks
    ]
    inserted: list[Any] = []
    for row in rows:  # one at a time: a batch with RETURNING costs more than one statement
        count(counts, f"queue|{row['desk'] or '-'}", 1)
        task_id = connection.execute(_INSERT_TASK, row).scalar_one()
        inserted.append(SimpleNamespace(id=task_id, **row, **_NEW_TASK_NULLS))
    moved, ended = [], []
    for ref, due_at in before.timers.items():
        if ref in after.timers:
            if after.timers[ref] != due_at:
                moved.append({"p_case_id": case_id, "p_ref": ref, "p_due_at": after.timers[ref]})
            continue
        fired = state.status == "active" and due_at <= given.at
        if fired:
            count(counts, f"fired|{form_key(ref)[1]}|{week_of(given.at)}", 1)
        ended.append(
            {
                "p_case_id": case_id,
                "p_ref": ref,
                "p_new_state": "fired" if fired else "cancelled",
                "p_fired_at": given.at if fired else None,
            }
        )
    if moved:
        connection.execute(_MOVE_TIMER, moved)
    if ended:
        connection.execute(_CLOSE_TIMER, ended)
    new_timers = [(r, d) for r, d in after.timers.items() if r not in before.timers]
    if new_timers:
        connection.execute(
            _INSERT_TIMER,
            [
                {"case_id": case_id, "ref": r, "due_at": d, "state": "waiting"}
                for r, d in new_timers
            ],
        )
    return inserted if len(inserted) == len(ready) else None


def _text_or_none(value: Any) -> str | None:
    return str(value)[:300] if isinstance(value, (str, int)) and str(value) else None


_TASK_FOR_INPUT = (
    select(_tasks.ref, _tasks.desk, _tasks.state, _tasks.assignee, *_HEAD_COLUMNS)
    .join_from(_TASKS, _CASES, _cases.id == _tasks.case_id)
    .where(_tasks.id == bindparam("p_task_id"))
)


@dataclass(frozen=True)
class TaskToComplete:
    """A task as completing it needs it, with its case as read (not locked)."""

    ref: str
    desk: str | None
    state: str
    assignee: str | None
    case: CaseHead


def task_for_input(connection: Connection, task_id: int) -> TaskToComplete | None:
    """A task with its case's row, read without a lock, or None."""
    row = connection.execute(_TASK_FOR_INPUT, {"p_task_id": task_id}).first()
    if row is None:
        return None
    ref, desk, state, assignee = row[:4]
    return TaskToComplete(ref, desk, state, assignee, CaseHead(*row[4:]))
