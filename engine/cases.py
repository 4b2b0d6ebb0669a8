"""The case runtime: every state change of a case goes through `_apply_input`.

One input = one database transaction: lock the case, load its state, apply
the input to the workflow, append one journal event with the new state
digest, update the task projection and timers, and snapshot when due.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

import forms
from engine.audit import Auditor, CaseReplay, Verification
from engine.claims import set_assignee
from engine.clock import Clock, SystemClock
from engine.data import check_data
from engine.definitions import SourceFile
from engine.documents import DocumentStore
from engine.errors import (
    CaseNotActive,
    Conflict,
    EngineError,
    Forbidden,
    NotFound,
    ValidationFailed,
    known_id,
)
from engine.idempotency import Request, keep, kept_case
from engine.journal import (
    GENESIS_HASH,
    EventKind,
    JournalEvent,
)
from engine.reading import Reader, event_from_row, form_key
from engine.recording import (
    CaseHead,
    Input,
    Outstanding,
    StaleCase,
    insert_case,
    lock_case,
    record,
    task_for_input,
)
from engine.registry import Registry
from engine.state import DEFAULT_TIMEZONE, CaseState, LoadedVersion
from engine.store.db import Database, default_url
from engine.store.models import (
    CaseRow,
    EventRow,
    SnapshotRow,
)
from engine.timers import lease_due_timers
from engine.users import Users
from engine.views import Actor, CaseView, DeployedProcess, ProcessVersion, Role, TaskView

__all__ = ["Engine", "JournalDiverged"]

SNAPSHOT_EVERY = 10
CACHE_SIZE = 256


@contextmanager
def _transaction(session: Session) -> Iterator[Connection]:
    """One transaction on `session` (joining one a read began): commit, or roll back on error.

    The session stays usable afterwards, for a retry or the next transaction.
    """
    try:
        yield session.connection()
        session.commit()
    except BaseException:
        session.rollback()
        raise


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


class Engine:
    """The LTSA case engine: definitions, cases, tasks and the journal."""

    def __init__(
        self,
        *,
        database_url: str | None = None,
        data_dir: Path | str = Path("var"),
        clock: Clock | None = None,
        snapshot_every: int = SNAPSHOT_EVERY,
        timezone: str = DEFAULT_TIMEZONE,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db = Database(database_url or default_url(self.data_dir))
        self.clock: Clock = clock or SystemClock()
        self.documents = DocumentStore(self.data_dir / "documents")
        self.snapshot_every = max(1, snapshot_every)
        ZoneInfo(timezone)  # refuse an unknown zone now, not at the first case
        self.timezone = timezone
        self._cache: OrderedDict[int, tuple[int, CaseState]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.users = Users(self.db, self.clock)
        self.registry = Registry(self.db, self.clock)
        self.reader = Reader(self.db, self.registry)
        self.auditor = Auditor(self.db, self.data_dir, self.registry.loaded)

    @classmethod
    def from_env(cls, clock: Clock | None = None) -> Engine:
        """An engine configured by LTSA_DATABASE_URL and LTSA_DATA_DIR."""
        data_dir = Path(os.environ.get("LTSA_DATA_DIR") or "var")
        return cls(
            database_url=os.environ.get("LTSA_DATABASE_URL") or None,
            data_dir=data_dir,
            clock=clock,
            timezone=os.environ.get("LTSA_TIMEZONE") or DEFAULT_TIMEZONE,
        )

    # --- set-up -------------------------------------------------------------

    def init_db(self) -> None:
        """Create or upgrade the schema (Alembic migrations)."""
        self.db.upgrade()

    def close(self) -> None:
        """Release database connections."""
        self.db.dispose()

    # --- definitions --------------------------------------------------------

    def validate(self, sources: Sequence[Path] | Sequence[SourceFile]) -> list[str]:
        """Check a deployment without storing it; return the process keys.

        Raises:
            DeploymentFailed: with every problem found.
        """
        return self.registry.validate(sources)

    def deploy(
        self, sources: Sequence[Path] | Sequence[SourceFile], actor: str
    ) -> list[DeployedProcess]:
        """Validate and store a deployment; a process gets a version only when changed.

        Raises:
            DeploymentFailed: nothing is stored.
        """
        return self.registry.deploy(sources, actor)

    def processes(self) -> list[ProcessVersion]:
        """Every stored process version, newest first per key, with active case counts."""
        return self.registry.processes()

    def version_files(self, key: str, version: int) -> list[SourceFile]:
        """The stored files of one process version."""
        return self.registry.version_files(key, version)

    # --- cases: inputs --------------------------------------------------------

    def start(
        self,
        process_key: str,
        data: Mapping[str, Any],
        actor: Actor,
        *,
        idempotency_key: str | None = None,
    ) -> CaseView:
        """Start a case of the latest version of a process.

        With an `idempotency_key`, repeating the same request returns the case
        it started instead of starting another.
        """
        if actor.role not in (Role.OFFICER, Role.ADMIN, Role.SYSTEM):
            raise Forbidden(f"a {actor.role} may not start cases")
        clean = check_data(dict(data))
        request = Request.of(idempotency_key, actor, "start", process_key, clean)
        done = self._already_done(request)
        if done is not None:
            return done
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
                        "timezone": self.timezone,
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
                done = self._already_done(request)
                if done is None:
                    raise
                return done
            self._remember(case.id, case.revision, state)
            return view

    def complete_task(
        self,
        task_id: int,
        data: Mapping[str, Any],
        actor: Actor,
        *,
        expected_revision: int | None = None,
        locale: str = "id",
        idempotency_key: str | None = None,
    ) -> CaseView:
        """Complete a ready user task with the data of its form.

        With an `idempotency_key`, a client that retries after a lost answer
        gets the case (as it is now, the first attempt's change included), not
        a conflict, and nothing is applied twice.

        Raises:
            ValidationFailed: the form refused the data; nothing changed.
            Forbidden: the actor does not work at the task's desk.
            Conflict: the task was completed or the case changed meanwhile.
        """
        known_id(task_id, "task")
        request = Request.of(idempotency_key, actor, "complete", task_id, data)
        done = self._already_done(request)
        if done is not None:
            return done
        with self.db.session() as session:
            task = task_for_input(session.connection(), task_id)
            if task is None:
                raise NotFound(f"task {task_id} does not exist")
            if not actor.may_act_at(task.desk):
                raise Forbidden(f"{actor.name} does not work at desk {task.desk}")
            if task.state != "ready":
                done = self._already_done(request)  # its first attempt may just have won
                if done is not None:
                    return done
                raise Conflict(f"task {task_id} is already {task.state}")
            if task.assignee is not None and task.assignee != actor.name:
                raise Conflict(f"task {task_id} is claimed by {task.assignee}")
            case_id, ref, desk = task.case.id, task.ref, task.desk
            form = self.registry.loaded(session, task.case.process_version_id).bundle.forms.get(
                form_key(ref)
            )
            current = dict(task.case.data)
            cleaned = self._validate_form(form, data, current, locale)
            stored = check_data(self.documents.store_uploads(cleaned))
            return self._apply_input(
                case_id,
                EventKind.TASK_COMPLETED,
                actor,
                desk=desk,
                task_ref=ref,
                payload={"data": stored},
                expected_revision=expected_revision,
                request=request,
                session=session,
                known=task.case,
            )

    @staticmethod
    def _validate_form(
        form: forms.Form | None, data: Mapping[str, Any], current: dict[str, Any], locale: str
    ) -> dict[str, Any]:
        if form is None or not form.fields:
            return check_data(dict(data))
        try:
            return form.validate(data, current=current, locale=locale)
        except forms.ValidationFailed as exc:
            raise ValidationFailed(exc.errors) from None

    def send_message(
        self,
        case_id: int,
        name: str,
        data: Mapping[str, Any],
        actor: Actor,
        *,
        idempotency_key: str | None = None,
    ) -> CaseView:
        """Deliver a message from outside (embassy, P3MI) to a waiting case.

        The same message delivered twice with one `idempotency_key` changes the
        case once.
        """
        if actor.role not in (Role.OFFICER, Role.ADMIN, Role.SYSTEM):
            raise Forbidden(f"a {actor.role} may not send messages")
        clean = check_data(dict(data))
        payload = {"name": name, "data": clean}
        request = Request.of(idempotency_key, actor, "message", case_id, payload)
        done = self._already_done(request)
        if done is not None:
            return done
        return self._apply_input(
            case_id, EventKind.MESSAGE_RECEIVED, actor, payload=payload, request=request
        )

    def withdraw(
        self, case_id: int, reason: str, actor: Actor, *, idempotency_key: str | None = None
    ) -> CaseView:
        """End a case at the applicant's request (R16)."""
        if actor.role not in (Role.OFFICER, Role.ADMIN):
            raise Forbidden(f"a {actor.role} may not withdraw cases")
        if not reason.strip():
            raise ValidationFailed({"reason": ["a reason is required"]})
        payload = {"reason": reason.strip()[:2000]}
        request = Request.of(idempotency_key, actor, "withdraw", case_id, payload)
        done = self._already_done(request)
        if done is not None:
            return done
        return self._apply_input(
            case_id, EventKind.CASE_WITHDRAWN, actor, payload=payload, request=request
        )

    def correct(self, case_id: int, field: str, value: Any, reason: str, actor: Actor) -> CaseView:
        """Correct one field of the case data, with a reason (journaled)."""
        if actor.role not in (Role.OFFICER, Role.ADMIN):
            raise Forbidden(f"a {actor.role} may not correct case data")
        if not reason.strip():
            raise ValidationFailed({"reason": ["a reason is required"]})
        checked = check_data({field: value})
        return self._apply_input(
            case_id,
            EventKind.DATA_CORRECTED,
            actor,
            payload={"field": field, "value": checked[field], "reason": reason.strip()},
        )

    def fire_due_timers(self, limit: int = 100, worker: str | None = None) -> int:
        """Lease the timers due by the clock and fire each; return how many fired."""
        worker = worker or f"worker-{os.getpid()}-{threading.get_ident()}"
        fired = 0
        system = Actor("system:timer", Role.SYSTEM)
        for timer in lease_due_timers(self.db, self.clock.now(), worker, limit):
            try:
                self._apply_input(
                    timer.case_id,
                    EventKind.TIMER_FIRED,
                    system,
                    task_ref=timer.ref,
                    payload={"due_at": timer.due_at.isoformat()},
                    timer_ref=timer.ref,
                )
                fired += 1
            except Conflict:
                continue  # fired meanwhile, or the case has ended
        return fired

    # --- the one write path -----------------------------------------------------

    def _apply_input(
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
        session: Session | None = None,
        known: CaseHead | None = None,
    ) -> CaseView:
        """Journal the timers due by now, then apply the input (each in its own transaction).

        A timer fires as its own `timer_fired` event at its due time, whether a
        worker notices it first or another input reaches the case first; the
        workflow never fires a timer silently inside someone else's input.
        Every transaction runs on `session` (the caller's, which may have read
        the task already, or a new one). With the case row as the caller read
        it (`known`), the first attempt does not lock it: the journal's unique
        (case, seq) and the revision check when the row is updated catch an
        input recorded meanwhile, and the input is then applied again, locked.
        """
        known_id(case_id, "case")
        if session is None:
            with self.db.session() as own:
                return self._apply_input(
                    case_id,
                    kind,
                    actor,
                    payload=payload,
                    desk=desk,
                    task_ref=task_ref,
                    expected_revision=expected_revision,
                    timer_ref=timer_ref,
                    request=request,
                    session=own,
                )
        now = self.clock.now()

        def fire_due() -> list[str]:
            assert session is not None
            return self._fire_due(session, case_id, now)

        if kind is EventKind.TIMER_FIRED:
            if timer_ref not in self._retrying(case_id, fire_due):
                raise Conflict(f"timer {timer_ref} is not due or already fired")
            return self.get_case(case_id)

        unlocked = [known] if known is not None else []

        def attempt() -> CaseView:
            assert session is not None
            return self._apply_once(
                session,
                unlocked.pop() if unlocked else None,
                case_id,
                kind,
                actor,
                now=now,
                payload=payload,
                desk=desk,
                task_ref=task_ref,
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

    def _fire_due(self, session: Session, case_id: int, now: datetime) -> list[str]:
        """Fire the case's timers due by `now`, oldest first, each journaled at its due time."""
        fired: list[str] = []
        state: CaseState | None = None
        with _transaction(session) as connection:
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
        session: Session,
        known: CaseHead | None,
        case_id: int,
        kind: EventKind,
        actor: Actor,
        *,
        payload: dict[str, Any],
        now: datetime,
        desk: str | None,
        task_ref: str | None,
        expected_revision: int | None,
        request: Request | None,
    ) -> CaseView:
        state: CaseState | None = None
        try:
            with _transaction(session) as connection:
                case = known or lock_case(connection, case_id)
                if request is not None and kept_case(session, request) is not None:
                    return self.reader.case_view(session, case)
                loaded = self.registry.loaded(session, case.process_version_id)
                state = self._take_state(session, case, loaded)
                if any(timer.due_at <= now for timer in state.waiting_timers()):
                    self._remember(case_id, case.revision, state)
                    raise _TimersDue
                if expected_revision is not None and case.revision != expected_revision:
                    raise Conflict(
                        f"case {case_id} is at revision {case.revision}, "
                        f"not {expected_revision}: reload it"
                    )
                if case.status != "active":
                    raise CaseNotActive(f"case {case_id} is {case.status}")
                ready = self._apply_and_record(
                    connection,
                    case,
                    loaded,
                    state,
                    Input(kind, now, actor, desk, task_ref, payload),
                )
                keep(session, request, case_id, now)
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

    # --- claims ---------------------------------------------------------------------

    def claim(self, task_id: int, actor: Actor) -> TaskView:
        """Take a ready task for yourself, so colleagues at the desk leave it alone.

        Raises:
            Forbidden: the actor does not work at the task's desk.
            Conflict: the task is done, or another officer holds it.
        """
        known_id(task_id, "task")
        with self.db.session() as session, session.begin():
            return self.reader.task_view(session, set_assignee(session, task_id, actor, claim=True))

    def unclaim(self, task_id: int, actor: Actor) -> TaskView:
        """Give a claimed task back to the desk (its holder or an admin)."""
        known_id(task_id, "task")
        with self.db.session() as session, session.begin():
            return self.reader.task_view(
                session, set_assignee(session, task_id, actor, claim=False)
            )

    # --- idempotency ---------------------------------------------------------------

    def _already_done(self, request: Request | None) -> CaseView | None:
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
            state = CaseState.from_json(snapshot.state, loaded.bundle, loaded.spec_dicts)
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

    # --- reading --------------------------------------------------------------------

    def get_case(self, case_id: int) -> CaseView:
        """One case with its ready tasks."""
        return self.reader.get_case(case_id)

    def list_cases(
        self,
        *,
        status: str | None = None,
        process_key: str | None = None,
        search: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[CaseView]:
        """Cases, newest first, filtered by status, process, or NIK/name search."""
        return self.reader.list_cases(
            status=status, process_key=process_key, search=search, limit=limit, offset=offset
        )

    def get_task(self, task_id: int) -> TaskView:
        """One task, with its form when it is ready."""
        return self.reader.get_task(task_id)

    def list_tasks(
        self,
        *,
        desk: str | Iterable[str] | None = None,
        case_id: int | None = None,
        state: str | None = "ready",
        limit: int = 100,
        offset: int = 0,
    ) -> list[TaskView]:
        """The inbox: tasks by desk(s), case and state, oldest first."""
        return self.reader.list_tasks(
            desk=desk, case_id=case_id, state=state, limit=limit, offset=offset
        )

    def history(self, case_id: int) -> list[JournalEvent]:
        """The case's journal, oldest event first."""
        return self.reader.history(case_id)

    # --- audit ---------------------------------------------------------------------

    def verify(self, case_id: int) -> Verification:
        """Check one case's journal: chain, checkpoint, snapshot and full replay."""
        return self.auditor.verify(case_id)

    def verify_all(self) -> Iterator[Verification]:
        """Verify every case (and report cases a checkpoint knew that are gone)."""
        return self.auditor.verify_all()

    def replay(self, case_id: int, to: int | None = None, against: int | None = None) -> CaseReplay:
        """The case's state after event `to`; with `against`, where another version diverges."""
        return self.auditor.replay(case_id, to=to, against=against)

    def checkpoint(self) -> dict[str, Any]:
        """Sign and store the journal head of every case now."""
        return self.auditor.checkpoint(self.clock.now())

    def export_case(self, case_id: int) -> dict[str, Any]:
        """A signed, self-contained history of one case."""
        return self.auditor.export(case_id, self.clock.now())

    def public_key(self) -> str:
        """The installation's Ed25519 public key (PEM) that signs checkpoints and exports."""
        return self.auditor.public_key_pem()

    def case_path(self, case_id: int) -> tuple[list[str], list[str]]:
        """BPMN element ids the case passed through, and those it waits on (for diagrams)."""
        state = self.workflow_state(case_id)
        return state.path(), state.active_elements()

    def workflow_state(self, case_id: int) -> CaseState:
        """Rebuild a case's workflow from its snapshot and journal (read-only use)."""
        known_id(case_id, "case")
        with self.db.session() as session:
            case = session.get(CaseRow, case_id)
            if case is None:
                raise NotFound(f"case {case_id} does not exist")
            return self.rebuild_state(
                session, case, self.registry.loaded(session, case.process_version_id)
            )
