"""The one write path: every state change of a case goes through `Writer.apply_input`.

One input = one database transaction: read (or lock) the case, load its
state, apply the input to the workflow, append one journal event with the
new state digest, update the task projection and timers, and snapshot when
due. Timers that came due are journaled first, each in its own transaction.
States are cached per case and revision, so a desk's next click does not
rebuild the workflow.

Over 400 lines: one input's transaction (lock, apply, journal, retry, cache) reads best whole.
"""

from __future__ import annotations

import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.errors import CaseNotActive, Conflict, EngineError, NotFound, known_id
from engine.idempotency import Request, keep, kept_case
from engine.journal import GENESIS_HASH, EventKind
from engine.reading import Reader, event_from_row
from engine.recording import (
    CaseHead,
    Input,
    Outstanding,
    StaleCase,
    insert_case,
    lock_case,
    record,
)
from engine.registry import Registry
from engine.state import CaseState, LoadedVersion
from engine.store.db import Database
from engine.store.models import CaseRow, EventRow, SnapshotRow
from engine.views import Actor, CaseView, Role

__all__ = ["JournalDiverged", "Writer"]

CACHE_SIZE = 256


@contextmanager
def _transaction(connection: Connection) -> Iterator[Session]:
    """One transaction on `connection` (joining one a read began): commit, or roll back on error.

    Statements go to the connection itself; the session yielded is for the few
    ORM reads and writes (idempotency keys, rebuilding a state from the store)
    and joins the transaction. The connection stays usable afterwards, for a
    retry or the next transaction.
    """
    session = Database.session_on(connection)
    try:
        yield session
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        session.close()


class _TimersDue(Exception):  # noqa: N818 - a signal inside the write path, never raised out
    """The case has timers due: journal them (own transaction) before the input."""


class JournalDiverged(EngineError):
    """Replaying a case's journal did not reproduce a recorded state."""

    code = "journal_diverged"

    def __init__(self, case_id: int, seq: int, message: str) -> None:
        self.case_id = case_id
        self.seq = seq
        super().__init__(f"case {case_id}, event {seq}: {message}")


RETRIES = 5
MAX_TIMERS_PER_CATCH_UP = 100
_T = TypeVar("_T")


def _transient(exc: OperationalError) -> bool:
    """A lock timeout, serialization failure or deadlock: worth another try."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code in ("40001", "40P01", "55P03") or "locked" in str(exc.orig).lower()


class Writer:
    """Applies inputs to cases and records them; keeps recent case states in memory."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        registry: Registry,
        reader: Reader,
        snapshot_every: int,
    ) -> None:
        self.db = db
        self.clock = clock
        self.registry = registry
        self.reader = reader
        self.snapshot_every = max(1, snapshot_every)
        self._cache: OrderedDict[int, tuple[int, CaseState]] = OrderedDict()
        self._cache_lock = threading.Lock()

    def start(
        self,
        process_key: str,
        clean: dict[str, Any],
        actor: Actor,
        request: Request | None,
        timezone: str,
        office: str,
    ) -> CaseView:
        """Start a case of the latest version of a process (data checked, request new)."""
        now = self.clock.now()
        with self.db.session() as session:
            try:
                with session.begin():
                    version = self.registry.version_row(session, process_key, None)
                    loaded = self.registry.loaded(session, version.id)
                    state = CaseState.new(loaded.bundle)
                    payload = {
                        "data": clean,
                        "process": process_key,
                        "version": version.version,
                        "content_hash": version.content_hash,
                        "timezone": timezone,
                    }
                    connection = session.connection()
                    case = insert_case(
                        connection,
                        process_version_id=version.id,
                        process_key=process_key,
                        status="active",
                        rejection_reason=None,
                        revision=0,
                        head_hash=GENESIS_HASH,
                        state_digest="",
                        applicant_name=None,
                        nik=None,
                        data={},
                        created_at=now,
                        updated_at=now,
                        started_by=actor.name,
                        office=office,
                    )
                    self._apply_and_record(
                        connection,
                        case,
                        loaded,
                        state,
                        Input(EventKind.CASE_STARTED, now, actor, None, None, payload),
                    )
                    keep(session, request, case.id, now)
                    view = self.reader.case_view(session, case)
            except IntegrityError:
                done = self.already_done(request)
                if done is None:
                    raise
                return done
            self._remember(case.id, case.revision, state)
            return view

    def apply_input(
        self,
        case_id: int,
        kind: EventKind,
        actor: Actor,
        *,
        payload: dict[str, Any],
        desk: str | None = None,
        task_ref: str | None = None,
        expected_revision: int | None = None,
        timer_ref: str | None = None,
        request: Request | None = None,
        connection: Connection | None = None,
        known: CaseHead | None = None,
    ) -> CaseView:
        """Journal the timers due by now, then apply the input (each in its own transaction).

        A timer fires as its own `timer_fired` event at its due time, whether a
        worker notices it first or another input reaches the case first; the
        workflow never fires a timer silently inside someone else's input.
        Every transaction runs on `connection` (the caller's, which may have
        read the task already, or a new one). With the case row as the caller read
        it (`known`), the first attempt does not lock it: the journal's unique
        (case, seq) and the revision check when the row is updated catch an
        input recorded meanwhile, and the input is then applied again, locked.
        """
        known_id(case_id, "case")
        with ExitStack() as stack:
            live = connection or stack.enter_context(self.db.engine.connect())
            now = self.clock.now()

            def fire_due() -> list[str]:
                return self._fire_due(live, case_id, now)

            if kind is EventKind.TIMER_FIRED:
                if timer_ref not in self._retrying(case_id, fire_due):
                    raise Conflict(f"timer {timer_ref} is not due or already fired")
                return self.reader.get_case(case_id)

            unlocked = [known] if known is not None else []
            given = Input(kind, now, actor, desk, task_ref, payload)

            def attempt() -> CaseView:
                return self._apply_once(
                    live,
                    unlocked.pop() if unlocked else None,
                    case_id,
                    given,
                    expected_revision=expected_revision,
                    request=request,
                )

            for _ in range(RETRIES):
                try:
                    return self._retrying(case_id, attempt)
                except _TimersDue:
                    self._retrying(case_id, fire_due)
                except StaleCase:
                    continue  # another input came first: again, under the lock
            raise Conflict(f"case {case_id} is busy firing its timers; try again")

    @staticmethod
    def _retrying(case_id: int, attempt_once: Callable[[], _T]) -> _T:
        """Run one transaction, again after a lock timeout, deadlock or serialization failure."""
        for attempt in range(RETRIES):
            try:
                return attempt_once()
            except OperationalError as exc:
                if not _transient(exc) or attempt == RETRIES - 1:
                    raise Conflict(f"case {case_id} is busy; try again") from None
                time.sleep(0.01 * 2**attempt * (1 + random.random()))  # noqa: S311 - jitter
        raise AssertionError("unreachable")

    def _fire_due(self, connection: Connection, case_id: int, now: datetime) -> list[str]:
        """Fire the case's timers due by `now`, oldest first, each journaled at its due time."""
        fired: list[str] = []
        state: CaseState | None = None
        with _transaction(connection) as session:
            case = lock_case(connection, case_id)
            if case.status != "active":
                return []
            loaded = self.registry.loaded(session, case.process_version_id)
            state = self._take_state(session, case, loaded)
            system = Actor("system:timer", Role.SYSTEM)
            for _ in range(MAX_TIMERS_PER_CATCH_UP):
                due = [t for t in state.waiting_timers() if t.due_at <= now]
                if not due or state.status != "active":
                    break
                timer = min(due, key=lambda t: (t.due_at, t.ref))
                payload = {"due_at": timer.due_at.isoformat(), "noticed_at": now.isoformat()}
                self._apply_and_record(
                    connection,
                    case,
                    loaded,
                    state,
                    Input(EventKind.TIMER_FIRED, timer.due_at, system, None, timer.ref, payload),
                )
                fired.append(timer.ref)
        self._remember(case_id, case.revision, state)
        return fired

    def _apply_once(
        self,
        connection: Connection,
        known: CaseHead | None,
        case_id: int,
        given: Input,
        *,
        expected_revision: int | None,
        request: Request | None,
    ) -> CaseView:
        state: CaseState | None = None
        try:
            with _transaction(connection) as session:
                case = known or lock_case(connection, case_id)
                if not given.actor.sees(case.office):
                    raise NotFound(f"case {case_id} does not exist")
                if request is not None and kept_case(session, request) is not None:
                    # the case as it is now, the first attempt's change included
                    now_case = case if known is None else lock_case(connection, case_id)
                    return self.reader.case_view(session, now_case)
                loaded = self.registry.loaded(session, case.process_version_id)
                state = self._take_state(session, case, loaded)
                if any(timer.due_at <= given.at for timer in state.waiting_timers()):
                    self._remember(case_id, case.revision, state)
                    raise _TimersDue
                if expected_revision is not None and case.revision != expected_revision:
                    raise Conflict(
                        f"case {case_id} is at revision {case.revision}, "
                        f"not {expected_revision}: reload it"
                    )
                if case.status != "active":
                    raise CaseNotActive(f"case {case_id} is {case.status}")
                ready = self._apply_and_record(connection, case, loaded, state, given)
                keep(session, request, case_id, given.at)
                view = self.reader.case_view(session, case, ready=ready)
        except (IntegrityError, EngineError) as exc:
            if known is not None:
                # Judged on the case as read, without the lock: the answer may be
                # stale (a write came first) or wrong for the case as it is now.
                raise StaleCase(f"case {case_id}: again, locked") from None
            if isinstance(exc, IntegrityError):
                raise Conflict(f"case {case_id} was changed by someone else; reload it") from None
            raise
        self._remember(case_id, case.revision, state)
        return view

    def _apply_and_record(
        self,
        connection: Connection,
        case: CaseHead,
        loaded: LoadedVersion,
        state: CaseState,
        given: Input,
    ) -> list[Any] | None:
        """Apply one input to the locked case's state and record it (journal, projection).

        Returns the ready task rows when all are new (see `record`).
        """
        before = Outstanding.of(state)
        state.apply(given.kind, given.at, given.task_ref, given.payload)
        return record(
            connection,
            case,
            loaded,
            state,
            given,
            before=before,
            snapshot_every=self.snapshot_every,
        )

    def already_done(self, request: Request | None) -> CaseView | None:
        """The case a request with this idempotency key already changed, if any."""
        if request is None:
            return None
        with self.db.session() as session:
            case_id = kept_case(session, request)
            if case_id is None:
                return None
            case = session.get(CaseRow, case_id)
            assert case is not None
            return self.reader.case_view(session, case)

    def _take_state(self, session: Session, case: CaseHead, loaded: LoadedVersion) -> CaseState:
        """The case's state at its current revision: from the cache or rebuilt."""
        with self._cache_lock:
            cached = self._cache.pop(case.id, None)
        if cached is not None and cached[0] == case.revision:
            return cached[1]
        return self.rebuild_state(session, case, loaded)

    def rebuild_state(
        self,
        session: Session,
        case: CaseRow | CaseHead,
        loaded: LoadedVersion,
        *,
        check: bool = True,
    ) -> CaseState:
        """Load the latest snapshot and replay the journal events after it."""
        snapshot = session.get(SnapshotRow, case.id)
        start_seq = 0
        state: CaseState | None = None
        if snapshot is not None and snapshot.seq <= case.revision:
            state = CaseState.from_json(snapshot.state, loaded.bundle)
            start_seq = snapshot.seq
        rows = session.scalars(
            select(EventRow)
            .where(EventRow.case_id == case.id, EventRow.seq > start_seq)
            .order_by(EventRow.seq)
        ).all()
        if state is None:
            state = CaseState.new(loaded.bundle)
        for row in rows:
            event = event_from_row(row)
            state.apply(event.kind, event.recorded_at, event.task_ref, event.payload)
            if check and state.digest() != event.state_digest:
                raise JournalDiverged(case.id, event.seq, "replayed state differs from the journal")
        return state

    def _remember(self, case_id: int, revision: int, state: CaseState | None) -> None:
        if state is None:
            return
        with self._cache_lock:
            self._cache[case_id] = (revision, state)
            self._cache.move_to_end(case_id)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    def forget_cached(self) -> None:
        """Drop every cached state (the next input of each case rebuilds it)."""
        with self._cache_lock:
            self._cache.clear()
