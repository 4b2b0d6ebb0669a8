"""Checks of scenarios against the processes they test, before anything runs.

An unknown process, task, field, message, desk or status is a mistake in the
scenario file: it is reported with the file and line, like a syntax error,
rather than as a failing scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import forms
from engine.checks import BPMN_NS
from engine.coverage import bpmn_roots
from engine.definitions import ProcessBundle, SourceFile
from engine.desks import Desk
from engine.scenario_files import Expectation, Scenario
from engine.scenario_report import ScenarioFileError
from engine.views import CaseStatus

__all__ = ["Catalogue", "check_scenarios"]


@dataclass(frozen=True)
class Catalogue:
    """What scenarios may name: per process, its user tasks (with forms); message names."""

    tasks: Mapping[str, Mapping[str, forms.Form | None]]  # process key -> task id -> form
    messages: frozenset[str]

    @classmethod
    def of(cls, bundles: Mapping[str, ProcessBundle], files: Sequence[SourceFile]) -> Catalogue:
        """The catalogue of a validated deployment (a process includes the ones it calls)."""
        tasks: dict[str, dict[str, forms.Form | None]] = {}
        for key, bundle in bundles.items():
            found: dict[str, forms.Form | None] = {}
            for spec_name, task_name in bundle.desks:
                found[task_name] = bundle.forms.get((spec_name, task_name))
            tasks[key] = found
        return cls(tasks, frozenset(_message_names(files)))


def _message_names(files: Sequence[SourceFile]) -> set[str]:
    names: set[str] = set()
    for root in bpmn_roots(files):
        for message in root.iter(f"{{{BPMN_NS}}}message"):
            names.update(n for n in (message.get("name"), message.get("id")) if n)
    return names


def check_scenarios(scenarios: Sequence[Scenario], catalogue: Catalogue) -> None:
    """Refuse the first scenario that names something the processes do not have.

    Raises:
        ScenarioFileError: with the file and line of the mistake.
    """
    for scenario in scenarios:
        _check(scenario, catalogue)


def _check(scenario: Scenario, catalogue: Catalogue) -> None:
    def fail(line: int, message: str) -> ScenarioFileError:
        return ScenarioFileError(scenario.file, line, message)

    tasks = catalogue.tasks.get(scenario.process)
    if tasks is None:
        known = ", ".join(sorted(catalogue.tasks)) or "none"
        raise fail(scenario.line, f"unknown process {scenario.process!r} (processes: {known})")
    for step in scenario.steps:
        if step.kind == "task":
            if step.target not in tasks:
                raise fail(
                    step.line,
                    f"unknown task id {step.target!r} in process {scenario.process} "
                    f"(user tasks: {', '.join(sorted(tasks))})",
                )
            form = tasks[step.target]
            declared = {f.id: f for f in form.fields} if form is not None else {}
            for name, line in step.data_lines.items():
                if name not in declared:
                    raise fail(
                        line,
                        f"unknown field {name!r} in task {step.target} "
                        f"(fields: {', '.join(declared) or 'none'})",
                    )
                if declared[name].readonly:
                    raise fail(line, f"field {name!r} is read-only in task {step.target}")
        elif step.kind == "message" and step.target not in catalogue.messages:
            known = ", ".join(sorted(catalogue.messages)) or "none"
            raise fail(step.line, f"unknown message {step.target!r} (messages: {known})")
        if step.expect is not None:
            _check_expectation(step.expect, tasks, fail)
    if scenario.expect is not None:
        _check_expectation(scenario.expect, tasks, fail)


def _check_expectation(
    expect: Expectation,
    tasks: Mapping[str, forms.Form | None],
    fail: Callable[[int, str], ScenarioFileError],
) -> None:
    statuses = [s.value for s in CaseStatus]
    if expect.status is not None and expect.status not in statuses:
        raise fail(expect.line, f"unknown status {expect.status!r} (one of: {', '.join(statuses)})")
    desks = [d.value for d in Desk]
    for desk in expect.waiting_at or ():
        if desk not in desks:
            raise fail(expect.line, f"unknown desk {desk!r} in waiting_at ({', '.join(desks)})")
    for task in expect.tasks or ():
        if task not in tasks:
            raise fail(expect.line, f"unknown task id {task!r} in tasks")
