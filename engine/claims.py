"""Claims: an officer takes a ready task so colleagues at the desk leave it alone.

A claim is a conditional UPDATE on the task projection: of two officers
claiming at once, exactly one wins. Claims are not inputs to the case and
are not journaled; completing a claimed task is refused to anyone else.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, update
from sqlalchemy.orm import Session

from engine.errors import Conflict, Forbidden, NotFound
from engine.store.models import TaskRow
from engine.views import Actor, Role

__all__ = ["set_assignee"]


def set_assignee(session: Session, task_id: int, actor: Actor, *, claim: bool) -> TaskRow:
    """Claim (or give back) a ready task for `actor`; return the refreshed row.

    Raises:
        NotFound: no such task.
        Forbidden: the actor does not work at the task's desk (admins may give back).
        Conflict: the task is no longer ready, or another officer holds it.
    """
    task = session.get(TaskRow, task_id)
    if task is None or not actor.sees(task.office):
        raise NotFound(f"task {task_id} does not exist")
    if not (actor.may_act_at(task.desk) or (not claim and actor.role == Role.ADMIN)):
        raise Forbidden(f"{actor.name} does not work at desk {task.desk}")
    guard: ColumnElement[bool] = TaskRow.assignee.is_(None) | (TaskRow.assignee == actor.name)
    if not claim and actor.role == Role.ADMIN:
        guard = TaskRow.id == task_id
    result = session.execute(
        update(TaskRow)
        .where(TaskRow.id == task_id, TaskRow.state == "ready", guard)
        .values(assignee=actor.name if claim else None)
    )
    changed = cast(CursorResult[Any], result).rowcount
    session.refresh(task)
    if not changed:
        if task.state != "ready":
            raise Conflict(f"task {task_id} is already {task.state}")
        if task.assignee not in (None, actor.name):
            raise Conflict(f"task {task_id} is claimed by {task.assignee}")
    return task
