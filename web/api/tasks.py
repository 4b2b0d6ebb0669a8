"""API: task lists, one task with its form's JSON Schema, completing a task."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from engine import AccessKind, Forbidden, Role, TaskView
from web.access import READERS, allow, me
from web.api.schemas import (
    FORM_REFUSAL,
    CaseSchema,
    CompleteSchema,
    IdempotencyHeaders,
    TaskDetailSchema,
    TaskListQuery,
    TaskSchema,
    checked_beyond_schema,
)
from web.app_engine import engine_of
from web.reads import record_read

__all__ = ["blp"]

blp = Blueprint("api_tasks", __name__, description="User tasks at the desks")


def _locale() -> str:
    return request.accept_languages.best_match(["id", "en"]) or "id"


def _visible(task: TaskView) -> TaskView:
    """Officers read only the tasks of their desks."""
    user = me()
    if user.role == Role.OFFICER and task.desk not in user.desks:
        raise Forbidden(f"{user.name} does not work at desk {task.desk}")
    return task


@blp.route("", methods=["GET"])
@allow(*READERS)
@blp.arguments(TaskListQuery, location="query")
@blp.response(200, TaskSchema(many=True))
@blp.alt_response(403, schema="Error", description="an officer asked for another desk")
def list_tasks(query: dict[str, Any]) -> Any:
    """Tasks by desk, case and state, oldest first (officers: their desks only)."""
    user = me()
    desk: str | list[str] | None = query.get("desk")
    if user.role == Role.OFFICER:
        if desk is not None and desk not in user.desks:
            raise Forbidden(f"{user.name} does not work at desk {desk}")
        desk = desk or list(user.desks)
    state = query["state"]
    return engine_of().list_tasks(
        desk=desk,
        case_id=query.get("case"),
        state=None if state == "any" else state,
        limit=query["limit"],
        offset=query["offset"],
        office=user.office,
    )


@blp.route("/<int:task_id>", methods=["GET"])
@allow(*READERS)
@blp.response(200, TaskDetailSchema)
@blp.alt_response(403, schema="Error")
@blp.alt_response(404, schema="Error")
def get_task(task_id: int) -> Any:
    """One task; ``form`` is the JSON Schema of its form while it is ready."""
    task = _visible(engine_of().get_task(task_id, me().office))
    record_read(task.case_id, AccessKind.API_TASK)
    schema = task.form.json_schema(_locale()) if task.form is not None else None
    return {**vars(task), "form": schema}


@blp.route("/<int:task_id>/complete", methods=["POST"])
@allow(Role.OFFICER)
# instances, not classes: webargs would build a schema from a class on every request
@blp.arguments(CompleteSchema())
@blp.arguments(IdempotencyHeaders(), location="headers")
@blp.response(200, CaseSchema)
@blp.alt_response(422, schema="Error", description=FORM_REFUSAL)
@blp.doc(**checked_beyond_schema(FORM_REFUSAL))
@blp.alt_response(
    409, schema="Error", description="already completed, claimed by another, or the case changed"
)
@blp.alt_response(403, schema="Error", description="not the caller's desk")
@blp.alt_response(404, schema="Error")
def complete(body: dict[str, Any], headers: dict[str, Any], task_id: int) -> Any:
    """Complete a ready task with its form data."""
    return engine_of().complete_task(
        task_id,
        body["data"],
        me().actor,
        expected_revision=body.get("expected_revision"),
        locale=_locale(),
        idempotency_key=headers.get("idempotency_key"),
    )


@blp.route("/<int:task_id>/claim", methods=["POST"])
@allow(Role.OFFICER)
@blp.response(200, TaskSchema)
@blp.alt_response(409, schema="Error", description="done already, or claimed by another officer")
@blp.alt_response(403, schema="Error", description="not the caller's desk")
@blp.alt_response(404, schema="Error")
def claim(task_id: int) -> Any:
    """Claim a ready task for the caller, so colleagues at the desk leave it alone."""
    return engine_of().claim(task_id, me().actor)


@blp.route("/<int:task_id>/unclaim", methods=["POST"])
@allow(Role.OFFICER, Role.ADMIN)
@blp.response(200, TaskSchema)
@blp.alt_response(409, schema="Error", description="done already, or claimed by another officer")
@blp.alt_response(403, schema="Error", description="not the caller's desk")
@blp.alt_response(404, schema="Error")
def unclaim(task_id: int) -> Any:
    """Give a claimed task back to its desk (its holder, or an admin)."""
    return engine_of().unclaim(task_id, me().actor)
