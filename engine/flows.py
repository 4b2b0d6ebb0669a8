"""The path a case takes, read off SpiffWorkflow's task tree (diagram and coverage).

A task's parent is the task it came from; the flow between the two BPMN
elements is the one taken. Helper specs without an element id (boundary
event split and join, start) sit between elements and are skipped. The tree
is pruned after each input, so the path is kept beside it (`Trail`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

__all__ = ["Trail", "flow_into"]

_REACHED = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.COMPLETED


def flow_into(task: Task) -> str | None:
    """``"process:source>target"`` ids of the flow that reached `task`, if it was reached.

    A reached task is live or completed; a join instance cancelled because
    another branch's instance went on was reached too. A pair that is no
    sequence flow (a boundary event under its task's predecessor) is simply
    not found by coverage.
    """
    target = getattr(task.task_spec, "bpmn_id", None)
    if not target:
        return None
    parent = task.parent
    if not task.state & _REACHED:
        joined = (
            task.state == TaskState.CANCELLED
            and isinstance(task.task_spec, UnstructuredJoin)
            and parent is not None
            and parent.state == TaskState.COMPLETED
        )
        if not joined:
            return None
    while parent is not None:
        source = getattr(parent.task_spec, "bpmn_id", None)
        if source:
            return f"{task.workflow.spec.name}:{source}>{target}"
        parent = parent.parent
    return None


@dataclass
class Trail:
    """What a case has passed through, in the order first seen.

    `visited`: element ids finished (the diagram's path); `flows`:
    ``"process:source>target"`` flows taken and `reached`: ``"process:element"``
    elements finished, qualified by the (sub-)process they ran in because
    element ids repeat across processes (coverage).
    """

    visited: list[str] = field(default_factory=list)
    flows: list[str] = field(default_factory=list)
    reached: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._seen = {*self.visited, *self.flows, *self.reached}

    def note(self, task: Task, *, completed: bool) -> None:
        """Record the flow into `task` and, when it is `completed`, the element itself."""
        flow = flow_into(task)
        if flow is not None:
            self._add(self.flows, flow)
        element_id = getattr(task.task_spec, "bpmn_id", None)
        if completed and element_id:
            self._add(self.visited, element_id)
            self._add(self.reached, f"{task.workflow.spec.name}:{element_id}")

    def _add(self, entries: list[str], entry: str) -> None:
        # the three kinds never collide: a flow has ">", a qualified element ":"
        if entry not in self._seen:
            self._seen.add(entry)
            entries.append(entry)

    def flows_taken(self) -> list[tuple[str, str, str]]:
        """(process, source, target) ids of the sequence flows taken."""
        taken = []
        for entry in self.flows:
            process, _, pair = entry.rpartition(":")
            source, _, target = pair.partition(">")
            taken.append((process, source, target))
        return taken

    def elements_reached(self) -> list[tuple[str, str]]:
        """(process, element) ids of the elements finished."""
        return [(entry.rpartition(":")[0], entry.rpartition(":")[2]) for entry in self.reached]

    def to_dict(self) -> dict[str, Any]:
        """The lists, as stored in a state snapshot."""
        return {"visited": self.visited, "flows": self.flows, "reached": self.reached}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Trail:
        """Read the lists back (snapshots written before a list existed lack it)."""
        return cls(
            list(raw.get("visited", [])), list(raw.get("flows", [])), list(raw.get("reached", []))
        )
