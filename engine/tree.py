"""SpiffWorkflow's task tree, as a case needs it read and kept small.

Which tasks a case tracks, when a waiting timer is due, whether a process has timers,
pruning finished history, and naming the element an error happened at.
`engine.state` uses these; they hold no case state of their own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

__all__ = ["all_task_ids", "describe", "due_time", "has_timers", "is_tracked", "prune_tree"]


def is_tracked(task: Task) -> bool:
    """Whether the case gives the task a stable reference (user tasks, catching events)."""
    spec = task.task_spec
    return isinstance(spec, (UserTask, CatchingEvent))


def due_time(task: Task) -> datetime | None:
    """When a waiting timer event is due (UTC), once SpiffWorkflow has computed it."""
    value = task._get_internal_data("event_value")
    if isinstance(value, str):
        due = datetime.fromisoformat(value)
    elif isinstance(value, dict) and "next" in value:
        due = datetime.fromisoformat(value["next"])
    else:
        return None
    if due.tzinfo is None:
        due = due.replace(tzinfo=UTC)
    return due.astimezone(UTC)


def has_timers(workflow: BpmnWorkflow) -> bool:
    """Whether the workflow's process (or one it calls) has a timer event."""
    return any(
        isinstance(getattr(task_spec, "event_definition", None), TimerEventDefinition)
        for spec in (workflow.spec, *workflow.subprocess_specs.values())
        for task_spec in spec.task_specs.values()
    )


def all_task_ids(workflow: BpmnWorkflow) -> set[Any]:
    """The ids of every task of the workflow and of the processes it called."""
    ids = set(workflow.tasks)
    for subprocess in workflow.subprocesses.values():
        ids.update(subprocess.tasks)
    return ids


def prune_tree(workflow: Any) -> bool:
    """Re-root a workflow's tree at the nearest finished common ancestor of its live tasks.

    Returns whether anything was dropped.
    """
    tasks = workflow.tasks
    unfinished = [task for task in tasks.values() if task.state & TaskState.NOT_FINISHED_MASK]
    if not unfinished:
        return False
    chain: list[Task] = []
    node = unfinished[0]
    while node is not None:
        chain.append(node)
        node = tasks.get(node._parent)
    chain.reverse()  # root first
    # where each task's line to the root meets the chain (filled as walked, so O(tree))
    meets = {task.id: position for position, task in enumerate(chain)}
    lowest = len(chain) - 1
    for task in unfinished[1:]:
        path = []
        node = task
        while node.id not in meets:
            path.append(node.id)
            node = tasks[node._parent]
        position = meets[node.id]
        for task_id in path:
            meets[task_id] = position
        lowest = min(lowest, position)
    while lowest > 0 and not chain[lowest].state & TaskState.FINISHED_MASK:
        lowest -= 1
    if lowest <= 1:
        return False  # already directly under the root
    root, keep = chain[0], chain[lowest]
    kept: set[Any] = set()
    stack = [keep]
    while stack:
        task = stack.pop()
        kept.add(task.id)
        stack.extend(child for child in map(tasks.get, task._children) if child is not None)
    for task_id in [t for t in tasks if t not in kept and t != root.id]:
        del tasks[task_id]
    root._children = [keep.id]
    keep._parent = root.id
    if workflow.last_task is not None and workflow.last_task.id not in tasks:
        workflow.last_task = None
    return True


def describe(exc: BaseException) -> str:
    """An error's message, prefixed with the BPMN element it happened at."""
    task_spec = getattr(exc, "task_spec", None)
    where = ""
    if task_spec is not None:
        where = f"{getattr(task_spec, 'bpmn_id', None) or task_spec.name}: "
    return f"{where}{exc}"
