"""Recording one applied input: the journal event, the case row, the projection.

Runs inside the input's transaction. The task projection (inbox) and the
timers table are brought in line with the workflow by difference with what
the case waited on before the input, so nothing is read back to do it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from engine.journal import FORMAT_VERSION, EventKind, JournalEvent, event_hash
from engine.state import CaseState, LoadedVersion
from engine.store.models import CaseRow, EventRow, SnapshotRow, TaskRow, TimerRow
from engine.views import Actor

__all__ = ["Input", "Outstanding", "record"]


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
    session: Session,
    case: CaseRow,
    loaded: LoadedVersion,
    state: CaseState,
    given: Input,
    *,
    before: Outstanding,
    snapshot_every: int,
) -> None:
    """Append the event, update the case row, projection and timers, snapshot when due."""
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
    session.execute(
        insert(EventRow).values(
            case_id=case.id,
            seq=seq,
            kind=str(given.kind),
            format_version=FORMAT_VERSION,
            recorded_at=given.at,
            actor=given.actor.name,
            desk=given.desk,
            task_ref=given.task_ref,
            payload=given.payload,
            state_digest=digest,
            prev_hash=case.head_hash,
            hash=chained,
        )
    )
    data = state.data()
    case.revision = seq
    case.head_hash = chained
    case.state_digest = digest
    case.status = state.status
    case.rejection_reason = state.rejection_reason
    case.updated_at = given.at
    case.data = json.loads(json.dumps(data, default=str))
    case.applicant_name = _text_or_none(data.get("full_name"))
    case.nik = _text_or_none(data.get("nik"))
    _project(session, case.id, loaded, state, given, before)
    if seq == 1 or seq % snapshot_every == 0 or state.status != "active":
        _snapshot(session, case.id, seq, state, digest)
    session.flush()


def _snapshot(session: Session, case_id: int, seq: int, state: CaseState, digest: str) -> None:
    row = session.get(SnapshotRow, case_id)
    if row is None:
        session.add(
            SnapshotRow(case_id=case_id, seq=seq, state=state.to_json(), state_digest=digest)
        )
    else:
        row.seq, row.state, row.state_digest = seq, state.to_json(), digest


def _project(
    session: Session,
    case_id: int,
    loaded: LoadedVersion,
    state: CaseState,
    given: Input,
    before: Outstanding,
) -> None:
    """Make the tasks and timers tables match the workflow, by difference."""
    after = Outstanding.of(state)
    for ref in sorted(before.ready - after.ready):
        done = given.kind is EventKind.TASK_COMPLETED and ref == given.task_ref
        session.execute(
            update(TaskRow)
            .where(TaskRow.case_id == case_id, TaskRow.ref == ref, TaskRow.state == "ready")
            .values(
                state="completed" if done else "cancelled",
                completed_at=given.at,
                completed_by=given.actor.name if done else None,
            )
        )
    new_tasks = [t for t in state.ready_tasks() if t.ref not in before.ready]
    if new_tasks:
        session.execute(
            insert(TaskRow),
            [
                {
                    "case_id": case_id,
                    "ref": task.ref,
                    "name": task.name,
                    "title": loaded.bundle.titles.get((task.process, task.name), task.name),
                    "desk": loaded.bundle.desks.get((task.process, task.name)),
                    "state": "ready",
                    "created_at": given.at,
                }
                for task in new_tasks
            ],
        )
    for ref, due_at in before.timers.items():
        if ref in after.timers:
            if after.timers[ref] != due_at:
                session.execute(
                    update(TimerRow)
                    .where(TimerRow.case_id == case_id, TimerRow.ref == ref)
                    .values(due_at=after.timers[ref])
                )
            continue
        fired = state.status == "active" and due_at <= given.at
        session.execute(
            update(TimerRow)
            .where(TimerRow.case_id == case_id, TimerRow.ref == ref, TimerRow.state == "waiting")
            .values(state="fired" if fired else "cancelled", fired_at=given.at if fired else None)
        )
    new_timers = [(r, d) for r, d in after.timers.items() if r not in before.timers]
    if new_timers:
        session.execute(
            insert(TimerRow),
            [
                {"case_id": case_id, "ref": r, "due_at": d, "state": "waiting"}
                for r, d in new_timers
            ],
        )


def _text_or_none(value: Any) -> str | None:
    return str(value)[:300] if isinstance(value, (str, int)) and str(value) else None
