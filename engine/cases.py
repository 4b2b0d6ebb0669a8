"""The engine's facade: definitions, cases, tasks, the journal and its audit.

Inputs are checked here (who may give them, form validation, data limits)
and then applied by `engine.writing.Writer`, the one write path; reads go to
`engine.reading.Reader`, definitions to `engine.registry.Registry`.

Over 400 lines: the facade is every public engine method in one place, each a thin delegation.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Unpack
from zoneinfo import ZoneInfo

import forms
from engine.access import AccessLog
from engine.audit import Auditor, CaseReplay, Verification
from engine.claims import set_assignee
from engine.clock import Clock, ManualClock, SystemClock
from engine.dashboard import OfficeFigures, office_figures
from engine.data import check_data
from engine.definitions import SourceFile
from engine.deployments import Deployments
from engine.documents import DocumentStore
from engine.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
    known_id,
)
from engine.idempotency import Request
from engine.jobs import VerifyJobs
from engine.journal import EventKind, JournalEvent
from engine.keyfiles import stored_key
from engine.migration import Migrator
from engine.migration_plan import CaseImpact
from engine.offices import DEFAULT_OFFICE, Offices
from engine.reading import CaseFilters, Reader, TaskFilters, form_key
from engine.recording import task_for_input
from engine.registry import Registry
from engine.scenario_report import ScenarioReport
from engine.scenario_runner import run_scenario_files
from engine.search import CaseSearch
from engine.state import DEFAULT_TIMEZONE, CaseState
from engine.store.db import Database, default_url
from engine.store.models import CaseRow
from engine.subject import SubjectExports
from engine.timers import lease_due_timers
from engine.users import Users
from engine.views import Actor, CaseView, DeployedProcess, ProcessVersion, Role, TaskView
from engine.visibility import Visibility
from engine.waits import invalidate_days, roll_up
from engine.writing import JournalDiverged, Writer

__all__ = ["Engine", "JournalDiverged", "run_scenarios"]

SNAPSHOT_EVERY = 10


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
        self.users = Users(self.db, self.clock)
        self.offices = Offices(self.db, self.clock)
        self.registry = Registry(self.db, self.clock)
        self.reader = Reader(self.db, self.registry)
        self.auditor = Auditor(self.db, self.data_dir, self.registry.loaded)
        self.writer = Writer(self.db, self.clock, self.registry, self.reader, self.snapshot_every)
        self.deployments = Deployments(self.db, self.clock, self.registry, _scratch_engine)
        self.migrator = Migrator(self.db, self.clock, self.registry, self.writer, self.auditor)
        # who read what (UU 27/2022), who may see which field, the auditor's search and jobs
        self.access = AccessLog(self.db, self.clock)
        self.visibility = Visibility(self.db, self.registry)
        self.search = CaseSearch(self.db)
        self.jobs = VerifyJobs(self.db, self.clock, self.auditor, self.access, self.search)
        self.subjects = SubjectExports(self.db, self.reader, self.auditor, self.access)

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

    def installation_key(self, name: str) -> str:
        """A random key of this installation, kept in ``<data_dir>/<name>``, made on first use."""
        return stored_key(self.data_dir / name)

    # --- definitions --------------------------------------------------------

    def validate(self, sources: Sequence[Path] | Sequence[SourceFile]) -> list[str]:
        """Check a deployment without storing it; return the process keys.

        Raises:
            DeploymentFailed: with every problem found.
        """
        return self.registry.validate(sources)

    def deploy(
        self,
        sources: Sequence[Path] | Sequence[SourceFile],
        actor: str,
        *,
        scenarios: Sequence[SourceFile] | None = None,
        skip_tests: bool = False,
    ) -> list[DeployedProcess]:
        """Validate, run the scenarios, and store; a process gets a version only when changed.

        `scenarios` are the designer's scenario files (stored with the
        deployment); None runs the latest stored set, if any. With
        `skip_tests` nothing runs and the new versions record who skipped.

        Raises:
            ScenariosFailed: a scenario failed; nothing is stored.
            ScenarioFileError: a scenario file is invalid; nothing is stored.
            DeploymentFailed: a file is invalid; nothing is stored.
        """
        return self.deployments.deploy(sources, actor, scenarios=scenarios, skip_tests=skip_tests)

    def run_scenarios(
        self, sources: Sequence[SourceFile], scenarios: Sequence[SourceFile]
    ) -> ScenarioReport:
        """Run scenario files against the given process files (not the deployed ones)."""
        return self.deployments.run(sources, scenarios)

    def stored_scenarios(self) -> list[SourceFile]:
        """The scenario files stored with the latest deployment that gave some."""
        return self.deployments.stored_scenarios()

    def test_draft(
        self, sources: Sequence[SourceFile], scenarios: Sequence[SourceFile] | None = None
    ) -> ScenarioReport:
        """Run scenarios (given, or stored) against the deployed files overlaid with `sources`."""
        return self.deployments.test_draft(sources, scenarios)

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
        office: str | None = None,
    ) -> CaseView:
        """Start a case of the latest version of a process.

        The case belongs to the actor's office; a national actor may name one
        (`office`), else it goes to the default office. With an
        `idempotency_key`, repeating the same request returns the case it
        started instead of starting another.
        """
        if actor.role not in (Role.OFFICER, Role.ADMIN, Role.SYSTEM):
            raise Forbidden(f"a {actor.role} may not start cases")
        office = actor.office or office or DEFAULT_OFFICE
        if not self.offices.exists(office):
            raise ValidationFailed({"office": [f"unknown office: {office}"]})
        clean = check_data(dict(data))
        request = Request.of(idempotency_key, actor, "start", process_key, clean)
        done = self.writer.already_done(request)
        if done is not None:
            return done
        return self.writer.start(process_key, clean, actor, request, self.timezone, office)

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
        done = self.writer.already_done(request)
        if done is not None:
            return done
        with self.db.engine.connect() as connection:
            task = task_for_input(connection, task_id)
            if task is None:
                raise NotFound(f"task {task_id} does not exist")
            if not actor.sees(task.case.office):
                raise NotFound(f"task {task_id} does not exist")
            if not actor.may_act_at(task.desk):
                raise Forbidden(f"{actor.name} does not work at desk {task.desk}")
            if task.state != "ready":
                done = self.writer.already_done(request)  # its first attempt may just have won
                if done is not None:
                    return done
                raise Conflict(f"task {task_id} is already {task.state}")
            if task.assignee is not None and task.assignee != actor.name:
                raise Conflict(f"task {task_id} is claimed by {task.assignee}")
            case_id, ref, desk = task.case.id, task.ref, task.desk
            loaded = self.registry.loaded(
                self.db.session_on(connection), task.case.process_version_id
            )
            form = loaded.bundle.forms.get(form_key(ref))
            current = dict(task.case.data)
            cleaned = self._validate_form(form, data, current, locale)
            stored = check_data(self.documents.store_uploads(cleaned))
            return self.writer.apply_input(
                case_id,
                EventKind.TASK_COMPLETED,
                actor,
                desk=desk,
                task_ref=ref,
                payload={"data": stored},
                expected_revision=expected_revision,
                request=request,
                connection=connection,
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
        done = self.writer.already_done(request)
        if done is not None:
            return done
        return self.writer.apply_input(
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
        done = self.writer.already_done(request)
        if done is not None:
            return done
        return self.writer.apply_input(
            case_id, EventKind.CASE_WITHDRAWN, actor, payload=payload, request=request
        )

    def correct(self, case_id: int, field: str, value: Any, reason: str, actor: Actor) -> CaseView:
        """Correct one field of the case data, with a reason (journaled)."""
        if actor.role not in (Role.OFFICER, Role.ADMIN):
            raise Forbidden(f"a {actor.role} may not correct case data")
        if not reason.strip():
            raise ValidationFailed({"reason": ["a reason is required"]})
        checked = check_data({field: value})
        return self.writer.apply_input(
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
                self.writer.apply_input(
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

    # --- reading --------------------------------------------------------------------

    def get_case(self, case_id: int, office: str | None = None) -> CaseView:
        """One case with its ready tasks (NotFound if `office` is given and not the case's)."""
        return self.reader.get_case(case_id, office)

    def list_cases(self, **filters: Unpack[CaseFilters]) -> list[CaseView]:
        """Cases, newest first, filtered by office, status, process, or NIK/name search."""
        return self.reader.list_cases(**filters)

    def get_task(self, task_id: int, office: str | None = None) -> TaskView:
        """One task, with its form when it is ready (NotFound outside `office`)."""
        return self.reader.get_task(task_id, office)

    def list_tasks(self, **filters: Unpack[TaskFilters]) -> list[TaskView]:
        """The inbox: tasks by office, desk(s), case and state (default: ready), oldest first."""
        return self.reader.list_tasks(**filters)

    def history(self, case_id: int, office: str | None = None) -> list[JournalEvent]:
        """The case's journal, oldest event first."""
        return self.reader.history(case_id, office)

    def dashboard(self, office: str, start: datetime, end: datetime) -> OfficeFigures | None:
        """An office's dashboard figures for the period [start, end); None for no such office."""
        return office_figures(self.db, office, start, end)

    def roll_up_waits(self, limit: int = 50) -> int:
        """Roll up the waits of up to `limit` closed office-days (engine.waits); return how many."""
        return roll_up(self.db, self.clock.now(), limit)

    def invalidate_waits(self, office: str | None, first: date, last: date) -> int:
        """Mark rolled-up days stale (read live until rolled again); return how many."""
        with self.db.engine.begin() as connection:
            return invalidate_days(connection, office, first, last)

    # --- migration: running cases onto another version (engine/migration.py) ----------

    def preview_migration(
        self, key: str, to: int, actor: Actor, **options: Any
    ) -> Iterator[CaseImpact]:
        """Impact of version `to` on every active case of `key` on another version, streamed.

        Options: `from_version`, `cases`, `mapping`, `after` (a case id: the next page).
        Raises when called, before any case is judged: Forbidden (designers and
        admins only), NotFound or ValidationFailed (process, version, case, mapping).
        """
        return self.migrator.preview(self.migrator.plan(actor, key, to, **options))

    def migrate(
        self,
        key: str,
        to: int,
        actor: Actor,
        *,
        previewed: Mapping[int, int] | None = None,
        **options: Any,
    ) -> Iterator[CaseImpact]:
        """Move the cases that would have run identically (or that `mapping` places), streamed.

        Each case moves in its own transaction, proven again on its journal as it
        is then; the others are yielded with their verdict, unchanged. `previewed`:
        case id -> the revision a preview judged. Options and errors as the preview's.
        """
        plan = self.migrator.plan(actor, key, to, **options)
        return self.migrator.migrate(plan, actor, dict(previewed or {}))

    def compare_versions(self, key: str, old: int, new: int) -> dict[str, Any]:
        """Elements `new` adds, removes and changes against `old`, and both versions' elements."""
        return self.migrator.compare(key, old, new)

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
        """Sign and store the journal head of every case (and access record day) now."""
        return self.auditor.checkpoint(self.clock.now(), {"access": self.access.heads()})

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
            return self.writer.rebuild_state(
                session, case, self.registry.loaded(session, case.process_version_id)
            )


def _scratch_engine(clock: ManualClock, data_dir: Path) -> Engine:
    """A throw-away engine for scenarios: in-memory SQLite, the runner's clock."""
    return Engine(database_url="sqlite://", data_dir=data_dir, clock=clock)


def run_scenarios(sources: Sequence[SourceFile], scenarios: Sequence[SourceFile]) -> ScenarioReport:
    """Run scenario files against process files in a throw-away engine.

    Raises:
        DeploymentFailed: a process file is invalid.
        ScenarioFileError: a scenario file is invalid (file and line named).
    """
    return run_scenario_files(_scratch_engine, Registry.as_files(sources), scenarios)
