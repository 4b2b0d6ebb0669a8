"""The live state of one case: its SpiffWorkflow workflow plus stable refs.

Inputs are applied here and only here, by the same function whether they
come from a desk officer (live) or from the journal (replay), so a replay
reproduces the live state exactly. Task references are stable across runs:
``<process>/<element>#<occurrence>``, never SpiffWorkflow's random UUIDs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine import sandbox, spiff
from engine.clock import applying_input_at, input_time
from engine.definitions import ProcessBundle
from engine.errors import Conflict, EngineError
from engine.flows import Trail
from engine.journal import EventKind, canonical_json, sha256_hex
from engine.spiff import external_message, iter_all_tasks, serializer, state_to_dict
from engine.tree import all_task_ids, describe, due_time, has_timers, is_tracked, prune_tree

__all__ = ["CaseState", "LoadedVersion", "ProcessError", "ReadyTask", "WaitingTimer"]


class ProcessError(EngineError):
    """The process itself failed on an input (a gateway with no true branch...)."""

    code = "process_error"


@dataclass(frozen=True)
class ReadyTask:
    """A user task waiting for a desk."""

    ref: str
    name: str
    process: str


@dataclass(frozen=True)
class WaitingTimer:
    """A timer event the case waits on, with its due time."""

    ref: str
    due_at: datetime


MAX_STEPS_PER_INPUT = 10_000
DEFAULT_TIMEZONE = "Asia/Jakarta"
_LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
_FLOWS_TO = _LIVE | TaskState.COMPLETED | TaskState.CANCELLED


@dataclass(frozen=True)
class _Scan:
    """What one walk over the task tree found (valid until the next input)."""

    live: list[tuple[str, Task]]
    data: dict[str, Any]
    unfinished: bool


@dataclass(frozen=True)
class LoadedVersion:
    """A process version ready to run: its bundle and its serialized specs."""

    bundle: ProcessBundle
    spec_dicts: dict[str, Any]

    @classmethod
    def of(cls, bundle: ProcessBundle) -> LoadedVersion:
        """Serialize the bundle's specs once, for restoring snapshots."""
        as_dict = serializer.to_dict(CaseState.new(bundle).workflow)
        return cls(
            bundle, {"spec": as_dict["spec"], "subprocess_specs": as_dict["subprocess_specs"]}
        )


@dataclass
class CaseState:
    """A case's workflow, its task references and its status."""

    workflow: BpmnWorkflow
    refs: dict[str, str] = field(default_factory=dict)  # task UUID -> ref
    counters: dict[str, int] = field(default_factory=dict)
    status: str = "active"
    rejection_reason: str | None = None
    withdraw_reason: str | None = None
    final_data: dict[str, Any] | None = None
    timezone: str = DEFAULT_TIMEZONE
    trail: Trail = field(default_factory=Trail)
    _scan: _Scan | None = field(default=None, repr=False, compare=False)
    _timers: bool | None = field(default=None, repr=False, compare=False)

    # --- construction -----------------------------------------------------

    @classmethod
    def new(cls, bundle: ProcessBundle) -> CaseState:
        """A fresh workflow of the bundle's process, not yet started."""
        workflow = BpmnWorkflow(bundle.spec, bundle.subprocess_specs)
        state = cls(workflow=workflow)
        state._use_timezone(DEFAULT_TIMEZONE)
        return state

    def _use_timezone(self, name: str) -> None:
        """Expressions' `today()` is the date in the office's time zone."""
        self.timezone = name
        self.workflow.script_engine = sandbox.make_script_engine(
            input_time, timezone=ZoneInfo(name)
        )

    def to_json(self) -> str:
        """Serialize the whole state (workflow without its specs)."""
        return json.dumps(
            {
                "workflow": state_to_dict(self.workflow),
                "refs": self.refs,
                "counters": self.counters,
                "status": self.status,
                "rejection_reason": self.rejection_reason,
                "withdraw_reason": self.withdraw_reason,
                "final_data": self.final_data,
                "timezone": self.timezone,
                **self.trail.to_dict(),
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str, bundle: ProcessBundle) -> CaseState:
        """Restore a state written by `to_json` on the bundle's parsed (shared) specs."""
        raw = json.loads(text)
        workflow = spiff.state_from_dict(raw["workflow"], bundle.spec, bundle.subprocess_specs)
        state = cls(
            workflow=workflow,
            refs=raw["refs"],
            counters=raw["counters"],
            status=raw["status"],
            rejection_reason=raw["rejection_reason"],
            withdraw_reason=raw["withdraw_reason"],
            final_data=raw.get("final_data"),
            trail=Trail.from_dict(raw),
        )
        state._use_timezone(raw.get("timezone", DEFAULT_TIMEZONE))
        return state

    # --- reading ----------------------------------------------------------

    def _scanned(self) -> _Scan:
        if self._scan is None:
            self._scan = self._rescan(assign=False)
        return self._scan

    def _rescan(self, *, assign: bool) -> _Scan:
        """One walk over the task tree: live tasks, their data, references, the path.

        With `assign`, tasks that just became ready or started waiting get
        their stable reference, numbered per element in walk order.
        """
        live: list[tuple[str, Task]] = []
        data: dict[str, Any] = {}
        unfinished = False
        for task in iter_all_tasks(self.workflow):
            state = task.state
            if state & _FLOWS_TO:
                self.trail.note(task, completed=state == TaskState.COMPLETED)
            if state & TaskState.NOT_FINISHED_MASK:
                unfinished = True
                if state & _LIVE:
                    data.update(task.data)
                    if state & (TaskState.READY | TaskState.WAITING) and is_tracked(task):
                        live.append((self._ref_for(task, assign), task))
        data.pop("data_objects", None)
        return _Scan([(r, t) for r, t in live if r], data, unfinished)

    def _ref_for(self, task: Task, assign: bool) -> str:
        key = str(task.id)
        ref = self.refs.get(key)
        if ref is None and assign:
            name = f"{task.workflow.spec.name}/{task.task_spec.name}"
            count = self.counters.get(name, 0) + 1
            self.counters[name] = count
            ref = self.refs[key] = f"{name}#{count}"
        return ref or ""

    def rescan(self) -> None:
        """Look at the workflow afresh after it was rebuilt (a migration moved it)."""
        self._scan = self._rescan(assign=True)
        self._timers = None

    def ready_tasks(self) -> list[ReadyTask]:
        """User tasks that wait for a desk, in a stable order."""
        if self.status != "active":
            return []
        return [
            ReadyTask(ref, task.task_spec.name, task.workflow.spec.name)
            for ref, task in self._scanned().live
            if task.state == TaskState.READY and isinstance(task.task_spec, UserTask)
        ]

    def waiting_timers(self) -> list[WaitingTimer]:
        """Timer events the case waits on (due time known once they started)."""
        if self.status != "active":
            return []
        timers = []
        for ref, task in self._scanned().live:
            if task.state != TaskState.WAITING:
                continue
            due = due_time(task)
            if due is not None:
                timers.append(WaitingTimer(ref, due))
        return timers

    def find(self, ref: str) -> Task:
        """The ready or waiting task with a stable reference.

        Raises:
            Conflict: when no such task waits any more.
        """
        for candidate_ref, task in self._scanned().live:
            if candidate_ref == ref:
                return task
        raise Conflict(f"task {ref} is no longer part of the case")

    def data(self) -> dict[str, Any]:
        """The case data: the data of the tasks the case waits on, merged.

        Called processes come after the top process in the task order, so
        their (newer) data wins. An ended case keeps its last data.
        """
        if self.final_data is not None:
            return dict(self.final_data)
        if self.status != "active":
            merged = dict(self.workflow.data)
            merged.pop("data_objects", None)
            return merged
        return dict(self._scanned().data)

    def projection(self) -> dict[str, Any]:
        """What the case is, canonically: status, data and the tasks and events it waits on."""
        tasks = sorted([ref, TaskState.get_name(task.state)] for ref, task in self._scanned().live)
        return {
            "status": self.status,
            "rejection_reason": self.rejection_reason,
            "withdraw_reason": self.withdraw_reason,
            "data": self.data(),
            "tasks": tasks if self.status == "active" else [],
        }

    def digest(self) -> str:
        """The hash of `projection()`, recorded in every journal event."""
        return sha256_hex(canonical_json(self.projection()))

    def path(self) -> list[str]:
        """BPMN element ids the case has passed through (for the diagram)."""
        return list(self.trail.visited)

    def active_elements(self) -> list[str]:
        """BPMN element ids of the tasks and events the case waits on."""
        ids: list[str] = []
        for _, task in self._scanned().live:
            ids.append(task.task_spec.bpmn_id)
            workflow = task.workflow
            # a task inside a called process also lights up the call activity around it
            while workflow is not self.workflow and workflow.parent_task_id is not None:
                caller = self.workflow.get_task_from_id(workflow.parent_task_id)
                ids.append(caller.task_spec.bpmn_id)
                workflow = caller.workflow
        return list(dict.fromkeys(ids))

    # --- applying inputs --------------------------------------------------

    def apply(
        self, kind: EventKind, at: datetime, task_ref: str | None, payload: dict[str, Any]
    ) -> None:
        """Apply one journaled input at time `at` and run the engine forward."""
        with applying_input_at(at):
            try:
                self._apply(kind, task_ref, payload)
                self._scan = None
                if self.status == "active":
                    self._run()
            except EngineError:
                raise
            except (
                WorkflowException,
                sandbox.SandboxLimitExceeded,
                sandbox.ExpressionRejected,
            ) as exc:
                raise ProcessError(describe(exc)) from exc
            except (KeyError, TypeError, ValueError, NameError, ZeroDivisionError) as exc:
                raise ProcessError(describe(exc)) from exc
            self._scan = self._rescan(assign=True)
            self._update_status()
            if self.status == "active":
                self._prune()

    def _apply(self, kind: EventKind, task_ref: str | None, payload: dict[str, Any]) -> None:
        if kind is EventKind.CASE_STARTED:
            self._use_timezone(str(payload.get("timezone", DEFAULT_TIMEZONE)))
            start = self.workflow.get_next_task(state=TaskState.READY)
            start.data.update(payload.get("data", {}))
        elif kind is EventKind.TASK_COMPLETED:
            task = self.find(task_ref or "")
            if task.state != TaskState.READY:
                raise Conflict(f"task {task_ref} is not ready (already done?)")
            task.data.update(payload.get("data", {}))
            task.run()
        elif kind is EventKind.MESSAGE_RECEIVED:
            try:
                self.workflow.send_event(external_message(payload["name"], payload.get("data", {})))
            except WorkflowException as exc:
                raise Conflict(f"the case is not waiting for message {payload['name']!r}") from exc
        elif kind is EventKind.TIMER_FIRED:
            self.workflow.refresh_timers()
        elif kind is EventKind.CASE_WITHDRAWN:
            self.final_data = self.data()
            self.workflow.cancel()
            self.status = "withdrawn"
            self.withdraw_reason = str(payload.get("reason", ""))
        elif kind is EventKind.DATA_CORRECTED:
            # Waiting tasks re-inherit their parent's data when refreshed, so
            # the parent gets the corrected value too.
            for task in iter_all_tasks(self.workflow):
                if task.state & _LIVE:
                    task.data[payload["field"]] = payload["value"]
                    if task.parent is not None and task.parent.state == TaskState.COMPLETED:
                        task.parent.data[payload["field"]] = payload["value"]
        else:
            raise ProcessError(f"unknown event kind {kind}")

    def _run(self) -> None:
        steps = 0

        def count_step(task: Task) -> None:
            nonlocal steps
            steps += 1
            if steps > MAX_STEPS_PER_INPUT:
                raise ProcessError(
                    f"{task.task_spec.bpmn_id or task.task_spec.name}: more than "
                    f"{MAX_STEPS_PER_INPUT} automatic steps for one input — a loop without "
                    "a user task or event in it?"
                )

        # do_engine_steps ends by refreshing timers; a timer that fired there
        # leaves its successors ready, so run once more only when it did.
        self.workflow.do_engine_steps(will_complete_task=count_step)
        if self._has_timers() and self.workflow._do_engine_steps(will_complete_task=count_step):
            self.workflow.do_engine_steps(will_complete_task=count_step)

    def _has_timers(self) -> bool:
        if self._timers is None:
            self._timers = has_timers(self.workflow)
        return self._timers

    def _prune(self) -> None:
        """Drop finished history no pending task can need, so cost stays flat.

        SpiffWorkflow walks the whole task tree on every step and stops
        looking at depth 1,000, so an unpruned loop slows down and, after
        about 333 rounds, seems to have nothing left to do. Everything above
        the nearest finished common ancestor of the unfinished tasks is
        finished and out of every pending join's reach; its inputs stay in
        the journal, and the path it took is kept in `visited`.
        """
        pruned = [prune_tree(w) for w in (self.workflow, *self.workflow.subprocesses.values())]
        if not any(pruned):
            return
        present = all_task_ids(self.workflow)
        for task_id in [k for k in self.refs if UUID(k) not in present]:
            del self.refs[task_id]
        for parent_id, subprocess in list(self.workflow.subprocesses.items()):
            if parent_id not in present and subprocess.is_completed():
                del self.workflow.subprocesses[parent_id]

    def _update_status(self) -> None:
        if self.status != "active" or self._scanned().unfinished:
            return
        reason = self.workflow.data.get("rejection_reason")
        if reason:
            self.status = "rejected"
            self.rejection_reason = str(reason)
        else:
            self.status = "completed"
