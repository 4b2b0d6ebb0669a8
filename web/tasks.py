"""The officer's inbox and the task form.

An officer sees and completes only the tasks of their own desks (the engine
enforces it; these pages also hide the others).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from werkzeug.wrappers import Response

import forms
from engine import AccessKind, CaseNotActive, CaseView, Conflict, Role, TaskView, ValidationFailed
from web.access import allow, me
from web.app_engine import engine_of
from web.i18n import current_locale, gettext
from web.reads import record_read

__all__ = ["bp"]

bp = Blueprint("tasks", __name__, url_prefix="/tasks")


def _page() -> int:
    page = request.args.get("page", "1")
    return max(1, int(page)) if page.isdigit() else 1


@bp.route("")
@allow(Role.OFFICER, Role.KEPALA)
def inbox() -> str:
    """Ready tasks of the officer's desks, oldest first, with the applicant and waiting time."""
    eng = engine_of()
    my_desks = me().desks
    desk = request.args.get("desk", "")
    if desk and desk not in my_desks:
        abort(403)
    size = int(current_app.config["LTSA_PAGE_SIZE"])
    page = _page()
    found = eng.list_tasks(
        desk=desk or list(my_desks),
        state="ready",
        limit=size + 1,
        offset=(page - 1) * size,
        office=me().office,
    )
    now = eng.clock.now()
    rows = [{"task": t, "waiting": now - t.created_at} for t in found[:size]]
    return render_template(
        "tasks/inbox.html",
        rows=rows,
        desks=my_desks,
        desk=desk,
        page=page,
        has_next=len(found) > size,
        me=me().name,
    )


@bp.route("/<int:task_id>/claim", methods=["POST"])
@allow(Role.OFFICER, Role.KEPALA)
def claim(task_id: int) -> Response:
    """Take a ready task for yourself; colleagues see who holds it."""
    return _change_claim(task_id, claim=True)


@bp.route("/<int:task_id>/unclaim", methods=["POST"])
@allow(Role.OFFICER, Role.KEPALA)
def unclaim(task_id: int) -> Response:
    """Give a task you hold back to the desk."""
    return _change_claim(task_id, claim=False)


def _change_claim(task_id: int, *, claim: bool) -> Response:
    eng = engine_of()
    task = _task_for_me(task_id)
    try:
        task = eng.claim(task.id, me().actor) if claim else eng.unclaim(task.id, me().actor)
    except Conflict:
        task = eng.get_task(task.id)
        flash(_claim_refused(task))
    else:
        if claim:
            flash(
                gettext("You took: %(title)s (case %(case)s).", title=task.title, case=task.case_id)
            )
        else:
            flash(gettext("Given back: %(title)s.", title=task.title))
    if request.form.get("back") == "task" and task.state == "ready":
        return redirect(url_for("tasks.show", task_id=task.id))
    return redirect(url_for("tasks.inbox"))


def _claim_refused(task: TaskView) -> str:
    if task.state != "ready":
        return gettext("This task is already closed; nothing was saved.")
    return gettext("%(who)s holds this task already.", who=task.assignee or "?")


def _task_for_me(task_id: int) -> TaskView:
    task = engine_of().get_task(task_id, me().office)
    if task.desk not in me().desks:
        abort(403)
    return task


def _form_html(task: TaskView, values: dict[str, Any], errors: dict[str, list[str]] | None) -> Any:
    action = url_for("tasks.show", task_id=task.id)
    if task.form is None or not task.form.fields:
        return None
    return forms.render_html(
        task.form,
        values=values,
        errors=errors,
        locale=current_locale(),
        csrf_token=generate_csrf(),
        action=action,
        submit_label=gettext("Complete task"),
    )


def _render_task(
    task: TaskView,
    case: CaseView,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    notice: str | None = None,
) -> str:
    form_html: Markup | None = None
    held_by_other = task.assignee is not None and task.assignee != me().name
    if task.state == "ready" and notice is None and not held_by_other:
        form_html = _form_html(task, values if values is not None else dict(case.data), errors)
    return render_template(
        "tasks/task.html",
        task=task,
        case=case,
        form_html=form_html,
        errors=errors,
        notice=notice,
        held_by_other=held_by_other,
        me=me().name,
    )


@bp.route("/<int:task_id>", methods=["GET", "POST"])
@allow(Role.OFFICER, Role.KEPALA)
def show(task_id: int) -> Response | str | tuple[str, int]:
    """Show a task's generated form, or complete the task with the submitted form."""
    eng = engine_of()
    task = _task_for_me(task_id)
    case = eng.get_case(task.case_id)
    if request.method == "GET":
        record_read(case.id, AccessKind.TASK_FORM)
        return _render_task(task, case)
    if task.state != "ready":
        return _render_task(task, case, notice=_done_message(task)), 409
    data: dict[str, Any] = {}
    if task.form is not None and task.form.fields:
        data = forms.from_html_form(task.form, request.form, request.files, current=case.data)
    try:
        eng.complete_task(task.id, data, me().actor, locale=current_locale())
    except ValidationFailed as exc:
        values = {**case.data, **data}
        return _render_task(task, case, values=values, errors=exc.errors), 422
    except CaseNotActive:
        notice = gettext("This case is no longer active; nothing was saved.")
        return _render_task(eng.get_task(task.id), eng.get_case(case.id), notice=notice), 409
    except Conflict:
        task = eng.get_task(task.id)
        return _render_task(task, eng.get_case(case.id), notice=_done_message(task)), 409
    flash(gettext("Task completed: %(title)s (case %(case)s).", title=task.title, case=case.id))
    return redirect(url_for("tasks.inbox"))


def _done_message(task: TaskView) -> str:
    if task.state == "ready" and task.assignee and task.assignee != me().name:
        return gettext("%(who)s holds this task already.", who=task.assignee)
    if task.state == "ready":
        return gettext("The case was changed by someone else meanwhile. Reload and try again.")
    if task.completed_by and task.completed_by != me().name:
        return gettext(
            "This task was already done by someone else (%(who)s); nothing was saved.",
            who=task.completed_by,
        )
    return gettext("This task is already closed; nothing was saved.")
