"""Moving running cases to another version: the impact preview and the batch migration.

The preview replays each active case's journal on the target (`prove`),
streamed in chunks of case ids, and caches its verdict per (case, revision,
target) with the state it proved (`ProvenStates`, bounded). A migration moves
one case per transaction: it locks the case and, if its journal is still the
one the preview proved (same revision, same hash-chain head), takes that
state; otherwise it proves the case again on the journal as it is then
(never on a stale preview). It records `case_migrated` with the proof and
switches the case to the target. A batch cut short leaves each case migrated
or not; run again, it moves the rest, and a case already on the target is
never moved twice.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, Unpack

from sqlalchemy import Connection, and_, select, update
from sqlalchemy.orm import Session

from engine.audit import Auditor, what_if
from engine.clock import Clock
from engine.counters import add_counts
from engine.errors import EngineError, Forbidden
from engine.journal import EventKind, JournalEvent
from engine.migration_plan import CaseImpact, MigrationOptions, MigrationPlan, plan_migration
from engine.proven import ProvenStates
from engine.reading import event_from_row
from engine.recording import CaseHead, Input, Outstanding, lock_case, record
from engine.registry import Registry
from engine.state import CaseState, LoadedVersion
from engine.store.db import Database
from engine.store.models import CaseRow, EventRow, ProcessVersionRow, TaskRow, TimerRow
from engine.transplant import compare_elements, prove, transplant
from engine.views import Actor, Role
from engine.writing import Writer

__all__ = ["Migrator"]


@dataclass(frozen=True)
class _Head:
    """A case as the preview lists it (the columns a verdict needs)."""

    id: int
    process_version_id: int
    revision: int
    process_key: str


CHUNK = 200
CACHE_SIZE = 50_000


class Migrator:
    """Impact previews and migrations over one engine's database."""

    def __init__(
        self, db: Database, clock: Clock, registry: Registry, writer: Writer, auditor: Auditor
    ) -> None:
        self.db = db
        self.clock = clock
        self.registry = registry
        self.writer = writer
        self.auditor = auditor
        self._cache: OrderedDict[tuple[int, int, int], CaseImpact] = OrderedDict()
        self._lock = threading.Lock()
        self._hashes: dict[int, str] = {}
        self._proven = ProvenStates()

    # --- the request -------------------------------------------------------------

    def plan(
        self, actor: Actor, key: str, to: int, **options: Unpack[MigrationOptions]
    ) -> MigrationPlan:
        """Check who asks and what (see `plan_migration`)."""
        if actor.role not in (Role.DESIGNER, Role.ADMIN):
            raise Forbidden(f"a {actor.role} may not migrate cases")
        with self.db.session() as session:
            return plan_migration(session, self.registry, key, to, **options)

    def compare(self, key: str, old: int, new: int) -> dict[str, Any]:
        """Elements added, removed and changed between two versions of `key`."""
        with self.db.session() as session:
            before, after = (
                self.registry.loaded(session, self.registry.version_row(session, key, v).id)
                for v in (old, new)
            )
        return compare_elements(before, after)

    # --- which cases ---------------------------------------------------------------

    def candidates(self, plan: MigrationPlan) -> Iterator[tuple[int, int, int]]:
        """(case id, version id, revision) of the active cases the plan takes, by id."""
        for chunk in self._chunks(plan):
            yield from chunk

    def _chunks(self, plan: MigrationPlan) -> Iterator[list[tuple[int, int, int]]]:
        """The plan's cases, a chunk of ids at a time (never all of them in memory)."""
        last = plan.after
        while True:
            query = select(CaseRow.id, CaseRow.process_version_id, CaseRow.revision).where(
                CaseRow.process_key == plan.key,
                CaseRow.status == "active",
                CaseRow.process_version_id != plan.target_id,
                CaseRow.id > last,
            )
            if plan.from_ids:
                query = query.where(CaseRow.process_version_id.in_(plan.from_ids))
            if plan.cases:
                query = query.where(CaseRow.id.in_(plan.cases))
            with self.db.session() as session:
                rows = [
                    (int(r[0]), int(r[1]), int(r[2]))
                    for r in session.execute(query.order_by(CaseRow.id).limit(CHUNK))
                ]
            if not rows:
                return
            yield rows
            last = rows[-1][0]

    # --- preview -------------------------------------------------------------------

    def preview(self, plan: MigrationPlan) -> Iterator[CaseImpact]:
        """The verdict on every case the plan takes, one at a time."""
        for chunk in self._chunks(plan):
            with self._lock:
                known = {c: self._cache.get((c, r, plan.target_id)) for c, _, r in chunk}
            todo = [c for c, verdict in known.items() if verdict is None]
            with self.db.session() as session:
                journals = _journals(session, todo)
                for case_id, version_id, revision in chunk:
                    verdict = known[case_id]
                    events = journals.get(case_id, [])
                    if verdict is None:
                        if not events or events[-1].seq != revision:
                            continue  # changed since listed: the next preview sees it
                        head = _Head(case_id, version_id, revision, plan.key)
                        verdict, proven = self._judge(session, head, plan, events)
                        key = (case_id, revision, plan.target_id)
                        self._keep(key, verdict)
                        if proven is not None:
                            self._proven.keep(
                                (case_id, plan.target_id), revision, events[-1].hash, proven
                            )
                    yield verdict

    def forget_verdicts(self) -> None:
        """Drop the cached verdicts (the next preview or migration proves every case again)."""
        with self._lock:
            self._cache.clear()
        self._proven.clear()

    def _keep(self, key: tuple[int, int, int], impact: CaseImpact) -> None:
        with self._lock:
            self._cache[key] = impact
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    def _judge(
        self,
        session: Session,
        case: CaseHead | _Head,
        plan: MigrationPlan,
        events: list[JournalEvent],
        *,
        proven_before: bool = False,
    ) -> tuple[CaseImpact, CaseState | None]:
        """Prove the case on the target; the verdict and, when `same`, the state reached.

        `proven_before`: a preview proved these very events, so only the end is compared.
        """
        target = self.registry.loaded(session, plan.target_id)
        source = self.registry.loaded(session, case.process_version_id)
        from_version = self.registry.number(session, case.process_version_id)
        proven, bad, why = prove(target.bundle, events, trusted=proven_before)
        base = CaseImpact(case.id, from_version, plan.to_version, case.revision, "same")
        if bad is None:
            return replace(base, current=tuple(proven.active_elements())), proven
        row = session.get(CaseRow, case.id)
        assert row is not None
        live = self.writer.rebuild_state(session, row, source)
        current = tuple(live.active_elements())
        missing = [e for e in current if e not in plan.kinds]
        if missing:
            reason = f"waits at {', '.join(missing)}, which version {plan.to_version} does not have"
            return replace(base, outcome="cannot", seq=bad, reason=reason, current=current), None
        if why is None:
            loader = self.auditor.loader(session, case.process_key)
            divergence = what_if(loader, from_version, target.bundle, events[:bad])
            why = divergence.reason if divergence is not None else "the state would differ"
        return replace(base, outcome="diverges", seq=bad, reason=why, current=current), None

    def _content_hash(self, session: Session, version_id: int) -> str:
        if version_id not in self._hashes:
            row = session.get(ProcessVersionRow, version_id)
            assert row is not None
            self._hashes[version_id] = row.content_hash
        return self._hashes[version_id]

    # --- migration -----------------------------------------------------------------

    def migrate(
        self, plan: MigrationPlan, actor: Actor, previewed: dict[int, int] | None = None
    ) -> Iterator[CaseImpact]:
        """Move every case the plan takes that may move, each in its own transaction.

        `previewed` (case id -> revision seen by a preview): a case whose revision
        differs is marked as re-checked (it always is proven again, locked).
        """
        for case_id, _, revision in self.candidates(plan):
            seen = (previewed or {}).get(case_id, revision)
            outcome = self.migrate_case(plan, case_id, actor, seen)
            if outcome is not None:
                yield outcome

    def migrate_case(
        self, plan: MigrationPlan, case_id: int, actor: Actor, seen_revision: int | None = None
    ) -> CaseImpact | None:
        """Prove and move one case, locked; None when it left the plan meanwhile."""
        with self.db.session() as session, session.begin():
            connection = session.connection()
            case = lock_case(connection, case_id)
            if case.status != "active" or case.process_version_id == plan.target_id:
                return None  # ended, or moved by another batch: never twice
            rechecked = seen_revision is not None and seen_revision != case.revision
            # the preview's proven state, if the journal is still the one it proved
            impact, proven = self._kept(session, case, plan)
            if impact is None:
                with self._lock:
                    seen = self._cache.get((case_id, case.revision, plan.target_id))
                trusted = seen is not None and seen.outcome == "same"
                events = _events(session, case_id)
                impact, proven = self._judge(session, case, plan, events, proven_before=trusted)
            mapping: dict[str, str] = {}
            state = proven
            if proven is None:
                mapping = {k: v for k, v in plan.mapping.items() if k in impact.current}
                unmapped = [e for e in impact.current if e not in plan.kinds and e not in mapping]
                if not mapping or unmapped:
                    return replace(impact, rechecked=rechecked)
                source = self.registry.loaded(session, case.process_version_id)
                live = self.writer.rebuild_state(session, case, source)
                try:
                    state = transplant(live, self.registry.loaded(session, plan.target_id), mapping)
                except EngineError as exc:
                    return replace(impact, reason=f"{impact.reason}; the mapping fails: {exc}")
            assert state is not None
            self._record(connection, session, case, plan, state, impact, mapping, actor)
        revision = impact.revision + 1
        return replace(
            impact, outcome="migrated", mapping=mapping, rechecked=rechecked, revision=revision
        )

    def _kept(
        self, session: Session, case: CaseHead, plan: MigrationPlan
    ) -> tuple[CaseImpact | None, CaseState | None]:
        """The state a preview proved, if the journal is still the one it replayed."""
        target = self.registry.loaded(session, plan.target_id)
        head = (case.revision, case.head_hash, case.state_digest)
        state = self._proven.take((case.id, plan.target_id), head, target.bundle)
        if state is None:
            return None, None
        from_version = self.registry.number(session, case.process_version_id)
        current = tuple(state.active_elements())
        impact = CaseImpact(case.id, from_version, plan.to_version, case.revision, "same")
        return replace(impact, current=current), state

    def _record(
        self,
        connection: Connection,
        session: Session,
        case: CaseHead,
        plan: MigrationPlan,
        state: CaseState,
        impact: CaseImpact,
        mapping: dict[str, str],
        actor: Actor,
    ) -> None:
        """Journal the migration and switch the case row, projection, timers and snapshot."""
        source = self.registry.loaded(session, case.process_version_id)
        target = self.registry.loaded(session, plan.target_id)
        payload: dict[str, Any] = {
            "from_version": impact.from_version,
            "to_version": plan.to_version,
            "from_content_hash": self._content_hash(session, case.process_version_id),
            "to_content_hash": plan.content_hash,
            "proof": None if mapping else state.digest(),
            "replayed_events": case.revision,
            "mapping": mapping or None,
            "timers": {t.ref: t.due_at.isoformat() for t in state.waiting_timers()},
        }
        if mapping:
            payload["diverged_at"] = impact.seq
            payload["reason"] = impact.reason
        before = _outstanding(connection, case.id)
        now = self.clock.now()
        record(
            connection,
            case,
            target,
            state,
            Input(EventKind.CASE_MIGRATED, now, actor, None, None, payload),
            before=before,
            snapshot_every=1,  # the old snapshot is of the old version: always a new one
        )
        connection.execute(
            update(CaseRow).where(CaseRow.id == case.id).values(process_version_id=plan.target_id)
        )
        case.process_version_id = plan.target_id
        _retitle(connection, case, state, source, target)


def _events(session: Session, case_id: int) -> list[JournalEvent]:
    rows = session.scalars(
        select(EventRow).where(EventRow.case_id == case_id).order_by(EventRow.seq)
    ).all()
    return [event_from_row(r) for r in rows]


def _journals(session: Session, case_ids: list[int]) -> dict[int, list[JournalEvent]]:
    """The journals of several cases in one query."""
    journals: dict[int, list[JournalEvent]] = {}
    if case_ids:
        rows = session.scalars(
            select(EventRow)
            .where(EventRow.case_id.in_(case_ids))
            .order_by(EventRow.case_id, EventRow.seq)
        )
        for row in rows:
            journals.setdefault(row.case_id, []).append(event_from_row(row))
    return journals


def _outstanding(connection: Connection, case_id: int) -> Outstanding:
    """What the case waited on before the move, as the projection and timers table hold it."""
    ready = connection.execute(
        select(TaskRow.ref).where(TaskRow.case_id == case_id, TaskRow.state == "ready")
    ).scalars()
    timers = connection.execute(
        select(TimerRow.ref, TimerRow.due_at).where(
            TimerRow.case_id == case_id, TimerRow.state == "waiting"
        )
    )
    return Outstanding(frozenset(ready), {ref: due for ref, due in timers})


def _retitle(
    connection: Connection,
    case: CaseHead,
    state: CaseState,
    source: LoadedVersion,
    target: LoadedVersion,
) -> None:
    """Kept ready tasks take the target's title and desk where the target changed them.

    A task that moves desk moves in the desks' queue counters too.
    """
    case_id = case.id
    for task in state.ready_tasks():
        spec = (task.process, task.name)
        new = (target.bundle.titles.get(spec, task.name), target.bundle.desks.get(spec))
        if new != (source.bundle.titles.get(spec, task.name), source.bundle.desks.get(spec)):
            connection.execute(
                update(TaskRow)
                .where(
                    and_(
                        TaskRow.case_id == case_id,
                        TaskRow.ref == task.ref,
                        TaskRow.state == "ready",
                    )
                )
                .values(title=new[0], desk=new[1])
            )
            old_desk = source.bundle.desks.get(spec)
            if new[1] != old_desk:
                moved = {f"queue|{old_desk or '-'}": -1, f"queue|{new[1] or '-'}": 1}
                add_counts(connection, case.office, case_id, moved)
