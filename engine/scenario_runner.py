"""Runs scenarios through the engine: a throw-away in-memory database with its own clock.

The runner drives a scratch `Engine` (made by the factory `engine.cases`
passes in) exactly as desks do: start, complete tasks through their forms,
deliver messages, let the clock run and fire timers, withdraw. It stops a
scenario at its first failure and describes it in the designer's words;
coverage comes from each case's own record of the path it took.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import forms
from engine.clock import ManualClock
from engine.coverage import coverage_of, process_graphs
from engine.definitions import SourceFile, validate_deployment
from engine.desks import Desk
from engine.errors import EngineError, ValidationFailed
from engine.examples import example_value, upload
from engine.scenario_checks import Catalogue, check_scenarios
from engine.scenario_files import Expectation, Scenario, Step, load_scenarios
from engine.scenario_report import ProcessCoverage, ScenarioReport, ScenarioResult
from engine.state import DEFAULT_TIMEZONE, CaseState
from engine.views import Actor, CaseView, DeployedProcess, Role, TaskView

__all__ = ["ScratchEngine", "run_scenario_files"]

ACTOR = Actor("scenario", Role.OFFICER, tuple(d.value for d in Desk if d != Desk.KEPALA))
HEAD = Actor("scenario_kepala", Role.KEPALA)  # the head of the office works the `kepala` lane
MAX_TIMER_ROUNDS = 1000


class ScratchEngine(Protocol):
    """The part of `engine.Engine` the runner drives."""

    def init_db(self) -> None: ...  # noqa: D102
    def close(self) -> None: ...  # noqa: D102
    def deploy(self, sources: Sequence[SourceFile], actor: str) -> list[DeployedProcess]: ...  # noqa: D102
    def start(self, process_key: str, data: dict[str, Any], actor: Actor) -> CaseView: ...  # noqa: D102
    def get_case(self, case_id: int) -> CaseView: ...  # noqa: D102
    def get_task(self, task_id: int) -> TaskView: ...  # noqa: D102
    def complete_task(  # noqa: D102
        self, task_id: int, data: dict[str, Any], actor: Actor, *, locale: str = "id"
    ) -> CaseView: ...
    def send_message(  # noqa: D102
        self, case_id: int, name: str, data: dict[str, Any], actor: Actor
    ) -> CaseView: ...
    def withdraw(self, case_id: int, reason: str, actor: Actor) -> CaseView: ...  # noqa: D102
    def fire_due_timers(self, limit: int = 100) -> int: ...  # noqa: D102
    def workflow_state(self, case_id: int) -> CaseState: ...  # noqa: D102


EngineFactory = Callable[[ManualClock, Path], ScratchEngine]


class _Failed(Exception):  # noqa: N818 - control flow inside one scenario, never raised out
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def run_scenario_files(
    make_engine: EngineFactory,
    sources: Sequence[SourceFile],
    scenario_files: Sequence[SourceFile],
    *,
    only_processes_given: bool = False,
) -> ScenarioReport:
    """Run every scenario in `scenario_files` against the processes in `sources`.

    With `only_processes_given`, scenarios of processes that `sources` do not
    define are left out (a deployment of some processes tests those only);
    otherwise such a scenario is an error in its file.

    Raises:
        DeploymentFailed: the process files themselves are invalid.
        ScenarioFileError: a scenario file is invalid (file and line named).
    """
    bundles = validate_deployment(sources)
    scenarios = load_scenarios(scenario_files)
    if only_processes_given:
        scenarios = [s for s in scenarios if s.process in bundles]
    check_scenarios(scenarios, Catalogue.of(bundles, sources))
    graphs = process_graphs(sources)
    nodes: set[tuple[str, str]] = set()
    flows: set[tuple[str, str, str]] = set()
    results: list[ScenarioResult] = []
    if scenarios:
        with tempfile.TemporaryDirectory(prefix="ltsa-scenarios-") as scratch_dir:
            clock = ManualClock(scenarios[0].clock)
            engine = make_engine(clock, Path(scratch_dir))
            try:
                engine.init_db()
                engine.deploy(sources, "scenario")
                for scenario in scenarios:
                    results.append(_Run(engine, clock, scenario, nodes, flows).result())
            finally:
                engine.close()
    coverage: list[ProcessCoverage] = [
        coverage_of(graphs[key], nodes, flows) for key in sorted(bundles) if key in graphs
    ]
    return ScenarioReport(tuple(results), tuple(coverage))


@dataclasses.dataclass
class _Run:
    """One scenario on the scratch engine; `nodes` and `flows` gather the coverage of all."""

    engine: ScratchEngine
    clock: ManualClock
    scenario: Scenario
    nodes: set[tuple[str, str]]
    flows: set[tuple[str, str, str]]
    filled: list[str] = dataclasses.field(default_factory=list)
    case_id: int | None = None

    def result(self) -> ScenarioResult:
        scenario = self.scenario
        failure = None
        try:
            self.play()
        except _Failed as failed:
            failure = f"SC {scenario.name}: {failed.message}"
        finally:
            self.record_path()
        return ScenarioResult(
            scenario.name,
            scenario.file,
            scenario.line,
            failure is None,
            failure,
            tuple(self.filled),
        )

    def play(self) -> None:
        scenario = self.scenario
        self.clock.set(scenario.clock)
        try:
            case = self.engine.start(scenario.process, dict(scenario.start), ACTOR)
        except EngineError as exc:
            raise _Failed(f"the case could not start: {exc}") from None
        self.case_id = case.id
        for step in scenario.steps:
            where = f"step {step.number} ({step.label})"
            try:
                case = self.apply(step, case, where)
            except ValidationFailed as exc:
                problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in sorted(exc.errors.items()))
                raise _Failed(f"{where}: the form refused the data: {problems}") from None
            except EngineError as exc:
                raise _Failed(f"{where}: {exc}") from None
            if step.expect is not None:
                self.check(step.expect, case, f"after {where}")
        if scenario.expect is not None:
            self.check(scenario.expect, case, "at the end")

    def apply(self, step: Step, case: CaseView, where: str) -> CaseView:
        assert self.case_id is not None
        if step.kind == "task":
            return self.complete(step, case, where)
        if step.kind == "message":
            if case.status != "active":
                raise _Failed(f"{where}: the case is {_status(case)}, no message can reach it")
            return self.engine.send_message(self.case_id, step.target, dict(step.data), ACTOR)
        if step.kind == "advance":
            assert step.duration is not None
            self.clock.set(step.duration.after(self.clock.now()))
            for _ in range(MAX_TIMER_ROUNDS):
                if not self.engine.fire_due_timers():
                    break
            return self.engine.get_case(self.case_id)
        if case.status != "active":
            raise _Failed(f"{where}: the case is {_status(case)}, it cannot be withdrawn")
        return self.engine.withdraw(self.case_id, step.target, ACTOR)

    def complete(self, step: Step, case: CaseView, where: str) -> CaseView:
        ready = [t for t in case.ready_tasks if t.name == step.target]
        if not ready:
            names = ", ".join(t.name for t in case.ready_tasks) or "none"
            raise _Failed(
                f"{where}: task {step.target} is not ready (case {_status(case)}; ready: {names})"
            )
        task = self.engine.get_task(ready[0].id)
        data = self.data_for(step, task.form, case)
        actor = HEAD if task.desk == Desk.KEPALA else ACTOR
        return self.engine.complete_task(task.id, data, actor, locale="en")

    def data_for(self, step: Step, form: forms.Form | None, case: CaseView) -> dict[str, Any]:
        """The step's data as the form takes it, with required fields it omits filled in."""
        if form is None:
            return dict(step.data)
        data: dict[str, Any] = {}
        for name, value in step.data.items():
            field = form.field(name)
            if field.type == "file" and isinstance(value, str):
                value = upload(value)
            elif field.type in ("string", "enum", "date") and not isinstance(value, str):
                value = step.texts.get(name, value)  # an unquoted 3201... or 2026-03-02
            data[name] = value
        today = self.clock.now().astimezone(ZoneInfo(DEFAULT_TIMEZONE)).date()
        missing = [f for f in form.fields if _needed(f, data, case.data)]
        # a NIK is made from the birth date and sex, so it is filled last
        for field in sorted(missing, key=lambda f: f.format == "nik"):
            view = {**case.data, **data}
            if field.id in case.data and case.data[field.id] is not None:
                data[field.id] = case.data[field.id]  # as the form shows it, pre-filled
                self.filled.append(f"step {step.number} ({step.label}): {field.id} (kept)")
            else:
                try:
                    data[field.id] = example_value(field, view, today)
                except ValueError as exc:
                    raise _Failed(f"step {step.number} ({step.label}): {exc}") from None
                self.filled.append(f"step {step.number} ({step.label}): {field.id}")
        return data

    def check(self, expect: Expectation, case: CaseView, when: str) -> None:
        for problem in _mismatches(expect, case):
            raise _Failed(f"{when} expected {problem}")

    def record_path(self) -> None:
        if self.case_id is None:
            return
        state = self.engine.workflow_state(self.case_id)
        self.flows.update(state.trail.flows_taken())  # also the way into the tasks still waiting
        self.nodes.update(state.trail.elements_reached())  # finished (a boundary event: fired)
        case = self.engine.get_case(self.case_id)
        if case.status == "active":  # its timers must not fire in later scenarios
            self.engine.withdraw(self.case_id, "scenario ended", ACTOR)


def _needed(field: forms.Field, data: dict[str, Any], current: dict[str, Any]) -> bool:
    if field.readonly or not field.required or field.id in data:
        return False
    condition = field.condition
    return condition is None or condition.evaluate({**current, **data})


def _status(case: CaseView) -> str:
    if case.status == "rejected" and case.rejection_reason:
        return f"rejected: {case.rejection_reason}"
    return case.status


def _mismatches(expect: Expectation, case: CaseView) -> list[str]:
    problems: list[str] = []
    if expect.status is not None and case.status != expect.status:
        problems.append(f"status {expect.status}, got {_status(case)}")
    if expect.reason_contains is not None:
        reason = case.rejection_reason or ""
        if expect.reason_contains.lower() not in reason.lower():
            got = repr(reason) if reason else f"no reason (status {case.status})"
            problems.append(f"the reason to contain {expect.reason_contains!r}, got {got}")
    if expect.waiting_at is not None and set(case.desks) != set(expect.waiting_at):
        problems.append(
            f"waiting at [{', '.join(expect.waiting_at)}], got [{', '.join(case.desks)}]"
        )
    if expect.tasks is not None:
        ready = [t.name for t in case.ready_tasks]
        if set(ready) != set(expect.tasks):
            problems.append(f"tasks [{', '.join(expect.tasks)}], got [{', '.join(ready)}]")
    for name, wanted in (expect.data or {}).items():
        if wanted is None and case.data.get(name) is None:
            continue  # null: the field has no value (never given, or cleared)
        if name not in case.data:
            problems.append(f"data {name} = {_show(wanted)}, got nothing (not set)")
        elif not _same(case.data[name], wanted):
            problems.append(f"data {name} = {_show(wanted)}, got {_show(case.data[name])}")
    return problems


def _same(actual: Any, wanted: Any) -> bool:
    if isinstance(actual, dict) and isinstance(wanted, str) and "sha256" in actual:
        return bool(actual.get("name") == wanted)  # a document, named by its file name
    if isinstance(actual, str) and isinstance(wanted, int | float) and not isinstance(wanted, bool):
        return actual == str(wanted)
    return bool(actual == wanted)


def _show(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, dict) and "sha256" in value:
        return str(value.get("name"))
    return repr(value) if isinstance(value, str) else str(value)
