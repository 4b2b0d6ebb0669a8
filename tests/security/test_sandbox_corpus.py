"""Hostile BPMN and DMN files: every expression is refused at deployment, or stopped at run time.

The files in `corpus/` try to run code (write the file named by LTSA_SANDBOX_MARKER) through
gateway conditions, script tasks and DMN inputs, entries and outputs, or to exhaust the
machine. `rce_*` files must be refused by the static check; `limit_*` files pass it (their
syntax is harmless) and must be stopped by the run-time budget. Both kinds are also run on a
real workflow with the sandboxed engine, and no marker file may appear. A control test runs
a few of them on SpiffWorkflow's stock engine to prove the payloads are live.
"""

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.exceptions import WorkflowException

from engine.sandbox import (
    ExpressionRejected,
    SandboxLimitExceeded,
    check_dmn_entry,
    check_expression,
    check_script,
    make_script_engine,
)

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(path for path in CORPUS.iterdir() if path.suffix in (".bpmn", ".dmn"))
DATA = {"x": 1, "age": 20, "status": "kawin"}

# Runs a corpus DMN file through a business rule task.
DMN_RUNNER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="hostile" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="decide" camunda:decisionRef="hostile_decision">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def marker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "pwned"
    monkeypatch.setenv("LTSA_SANDBOX_MARKER", str(path))
    yield path
    path.unlink(missing_ok=True)


def load(path: Path) -> BpmnWorkflow:
    parser = CamundaParser()
    if path.suffix == ".dmn":
        parser.add_dmn_file(str(path))
        parser.add_bpmn_str(DMN_RUNNER.encode())
    else:
        parser.add_bpmn_file(str(path))
    return BpmnWorkflow(parser.get_spec("hostile"))


def sources(workflow: BpmnWorkflow) -> Iterator[tuple[str, str]]:
    """Yield (kind, text) for every expression, script and DMN entry of the workflow."""
    for spec in workflow.spec.task_specs.values():
        for condition, _ in getattr(spec, "cond_task_specs", None) or []:
            if condition is not None:
                yield "expression", condition.args[0]
        if isinstance(getattr(spec, "script", None), str):
            yield "script", spec.script
        dmn_engine = getattr(spec, "dmnEngine", None)
        if dmn_engine is None:
            continue
        table = dmn_engine.decision_table
        for table_input in table.inputs:
            yield "expression", table_input.expression
        for rule in table.rules:
            for entry in rule.inputEntries:
                for lhs in entry.lhs:
                    yield "dmn_entry", lhs
            for output in rule.outputEntries:
                yield "expression", output.text


def check(kind: str, source: str) -> None:
    {"expression": check_expression, "script": check_script, "dmn_entry": check_dmn_entry}[kind](
        source
    )


def sandbox_error(error: BaseException) -> BaseException | None:
    """The sandbox's exception behind SpiffWorkflow's wrappers, if there is one."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, (ExpressionRejected, SandboxLimitExceeded)):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def test_corpus_has_at_least_twenty_files_of_each_kind_of_attack() -> None:
    names = [path.name for path in FILES]
    assert len(names) >= 20
    for kind in ("condition", "script", "dmn"):
        assert any(f"_{kind}_" in name for name in names)
    assert any(name.startswith("limit_") for name in names)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_hostile_file_is_refused_by_the_static_check(path: Path) -> None:
    refused = []
    for kind, source in sources(load(path)):
        try:
            check(kind, source)
        except ExpressionRejected as error:
            refused.append(error)
    if path.name.startswith("rce_"):
        assert refused, f"{path.name}: nothing was refused"
    else:
        assert not refused, f"{path.name}: resource attacks should pass the static check"


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_hostile_file_is_stopped_at_run_time_without_side_effects(path: Path, marker: Path) -> None:
    workflow = load(path)
    workflow.script_engine = make_script_engine(lambda: datetime(2024, 5, 6, tzinfo=UTC))
    workflow.get_tasks()[0].data.update(DATA)
    with pytest.raises(WorkflowException) as stopped:
        workflow.do_engine_steps()
    expected = ExpressionRejected if path.name.startswith("rce_") else SandboxLimitExceeded
    assert isinstance(sandbox_error(stopped.value), expected)
    assert not workflow.is_completed()
    assert not marker.exists()


@pytest.mark.parametrize(
    "name",
    [
        "rce_condition_import_os_system.bpmn",
        "rce_condition_open_write.bpmn",
        "rce_condition_subclasses_walk.bpmn",
        "rce_script_import.bpmn",
        "rce_dmn_output_import.dmn",
        "rce_dmn_input_expression_open.dmn",
    ],
)
def test_payload_runs_on_the_stock_engine(name: str, marker: Path) -> None:
    workflow = load(CORPUS / name)
    workflow.script_engine = PythonScriptEngine()
    workflow.get_tasks()[0].data.update(DATA)
    with contextlib.suppress(WorkflowException):  # some payloads fail after their damage
        workflow.do_engine_steps()
    assert marker.exists(), "the corpus payload should be live without the sandbox"
