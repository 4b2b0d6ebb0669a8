"""The sequence flows a case takes, read off SpiffWorkflow's task tree (for coverage).

A task's parent is the task it came from; the flow between the two BPMN
elements is the one taken. Helper specs without an element id (boundary
event split and join, start) sit between elements and are skipped.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

__all__ = ["flow_into"]

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
