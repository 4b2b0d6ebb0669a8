"""What a user could use instead of the engine: SpiffWorkflow alone.

`RawCase` is the floor: a workflow in memory, one user task completed and
the engine steps run. `NaiveCase` is how a plain SpiffWorkflow app stores a
case: read its JSON from SQLite, deserialize, complete, serialize, write,
commit. Both are built with SpiffWorkflow's own `CamundaParser` and
`BpmnWorkflowSerializer`, never with the engine's modules.
"""

from __future__ import annotations

import calendar
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

__all__ = ["Input", "NaiveCase", "RawCase", "Specs", "load_specs", "sqlite_commit_floor"]

# The engine's clock in the benchmark starts on this day; `today()` in the
# LTSA process must give the same answer here for the same path to be taken.
TODAY = "2026-03-02"


@dataclass(frozen=True)
class Input:
    """One input of a case: a user task completed, or a message received."""

    kind: str  # "task" | "message"
    name: str  # task spec name or message name
    data: dict[str, Any]


@dataclass
class Specs:
    """A parsed process and the processes it calls."""

    key: str
    spec: Any
    subprocess_specs: dict[str, Any]


def _add_months(day: str, months: int) -> str:
    start = date.fromisoformat(str(day)[:10])
    index = start.year * 12 + start.month - 1 + int(months)
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last)).isoformat()


def _years_between(start: str, end: str) -> int:
    first, last = date.fromisoformat(str(start)[:10]), date.fromisoformat(str(end)[:10])
    return last.year - first.year - ((last.month, last.day) < (first.month, first.day))


def script_engine() -> PythonScriptEngine:
    """SpiffWorkflow's plain script engine with the three helpers the LTSA process calls."""
    helpers: dict[str, Callable[..., Any]] = {
        "today": lambda: TODAY,
        "add_months": _add_months,
        "years_between": _years_between,
    }
    return PythonScriptEngine(environment=TaskDataEnvironment(helpers))


def load_specs(key: str, files: Sequence[Path]) -> Specs:
    """Parse BPMN and DMN files with SpiffWorkflow's CamundaParser."""
    parser = CamundaParser()
    for path in files:
        if path.suffix == ".dmn":
            parser.add_dmn_file(str(path))
        else:
            parser.add_bpmn_file(str(path))
    return Specs(key, parser.get_spec(key), parser.get_subprocess_specs(key))


def _make_serializer() -> BpmnWorkflowSerializer:
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))


SERIALIZER = _make_serializer()


def apply_input(workflow: BpmnWorkflow, step: Input) -> None:
    """Complete the ready user task named by the input (or deliver its message), then run."""
    if step.kind == "message":
        event = BpmnEvent(
            MessageEventDefinition(step.name), payload={"payload": step.data, "result_var": None}
        )
        workflow.send_event(event)
    else:
        task = workflow.get_next_task(state=TaskState.READY, manual=True, spec_name=step.name)
        if task is None:
            raise RuntimeError(
                f"no ready user task {step.name!r}: SpiffWorkflow reports the workflow "
                f"{'completed' if workflow.is_completed() else 'not completed'} "
                "(its TaskIterator stops at depth 1000)"
            )
        task.data.update(step.data)
        task.run()
    workflow.do_engine_steps()


class RawCase:
    """A workflow kept in memory: the cost floor of one step."""

    def __init__(self, specs: Specs) -> None:
        self.workflow = BpmnWorkflow(
            specs.spec, specs.subprocess_specs, script_engine=script_engine()
        )
        self.workflow.do_engine_steps()

    def apply(self, step: Input) -> None:
        """Apply one input in memory."""
        apply_input(self.workflow, step)

    def state_bytes(self) -> int:
        """The size of the workflow serialized the way a plain app would store it."""
        return len(SERIALIZER.serialize_json(self.workflow).encode())


class NaiveStore:
    """One SQLite file holding each case's serialized workflow (WAL, like the engine)."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(str(path), isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS workflows (id INTEGER PRIMARY KEY, state TEXT NOT NULL)"
        )

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


class NaiveCase:
    """A case stored whole as JSON in SQLite and loaded for every step."""

    def __init__(self, store: NaiveStore, specs: Specs) -> None:
        self.store = store
        workflow = BpmnWorkflow(specs.spec, specs.subprocess_specs, script_engine=script_engine())
        workflow.do_engine_steps()
        cursor = store.connection.execute(
            "INSERT INTO workflows (state) VALUES (?)", (SERIALIZER.serialize_json(workflow),)
        )
        self.case_id = cursor.lastrowid
        self.last_bytes = 0

    def apply(self, step: Input) -> None:
        """Load, deserialize, complete, serialize, write, commit."""
        connection = self.store.connection
        connection.execute("BEGIN IMMEDIATE")
        (text,) = connection.execute(
            "SELECT state FROM workflows WHERE id = ?", (self.case_id,)
        ).fetchone()
        workflow = SERIALIZER.deserialize_json(text)
        workflow.script_engine = script_engine()
        apply_input(workflow, step)
        text = SERIALIZER.serialize_json(workflow)
        connection.execute("UPDATE workflows SET state = ? WHERE id = ?", (text, self.case_id))
        connection.execute("COMMIT")
        self.last_bytes = len(text.encode())

    def state_bytes(self) -> int:
        """The size of the stored JSON after the last step."""
        return self.last_bytes


def sqlite_commit_floor(path: Path, commits: int = 200) -> float:
    """Milliseconds of the least a durable step costs in SQLite WAL (synchronous=NORMAL).

    One journal-sized INSERT, one case-row UPDATE and a commit, nothing else.
    """
    store = NaiveStore(path)
    connection = store.connection
    connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, case_id INT, body TEXT)")
    connection.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY, revision INT)")
    connection.execute("INSERT INTO cases VALUES (1, 0)")
    body = "x" * 600
    started = time.perf_counter()
    for revision in range(1, commits + 1):
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO events (case_id, body) VALUES (1, ?)", (body,))
        connection.execute("UPDATE cases SET revision = ? WHERE id = 1", (revision,))
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed / commits * 1000
