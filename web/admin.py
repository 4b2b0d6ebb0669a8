"""User administration: list, add, change role, desks and office, deactivate."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import USER_ROLES, ClaimsHeld, Desk, Role, ValidationFailed
from web.access import allow, me
from web.app_engine import engine_of
from web.i18n import gettext

__all__ = ["bp"]

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: Every role a user may have (`engine.USER_ROLES`), officers first: most users are.
ROLES = (Role.OFFICER, *(r for r in USER_ROLES if r != Role.OFFICER))


def _page(errors: dict[str, list[str]] | None = None, status: int = 200) -> tuple[str, int]:
    return (
        render_template(
            "admin/users.html",
            users=engine_of().users.list(),
            roles=ROLES,
            desks=[d.value for d in Desk],
            offices=engine_of().offices.list(),
            errors=errors or {},
            form=request.form if errors else {},
        ),
        status,
    )


def _claims_message(exc: ClaimsHeld, name: str) -> str:
    tasks = ", ".join(
        gettext("task %(id)s of case %(case)s (%(title)s)", id=t.id, case=t.case_id, title=t.title)
        for t in exc.tasks
    )
    return gettext(
        "%(name)s holds claimed tasks: %(tasks)s. Give them back, or tick “Release claimed tasks”.",
        name=name,
        tasks=tasks,
    )


@bp.route("/users")
@allow(Role.ADMIN)
def users() -> tuple[str, int]:
    """Every user with role, desks and whether they may sign in."""
    return _page()


@bp.route("/users", methods=["POST"])
@allow(Role.ADMIN)
def add_user() -> Response | tuple[str, int]:
    """Create a user with a first password."""
    try:
        engine_of().users.add(
            request.form.get("name", "").strip().lower(),
            request.form.get("role", ""),
            request.form.getlist("desks"),
            request.form.get("password") or None,
            office=request.form.get("office") or None,
        )
    except ValidationFailed as exc:
        return _page(exc.errors, 422)
    flash(gettext("User %(name)s created.", name=request.form.get("name", "")))
    return redirect(url_for("admin.users"))


@bp.route("/users/<name>", methods=["POST"])
@allow(Role.ADMIN)
def update_user(name: str) -> Response | tuple[str, int]:
    """Change a user's role, desks and office, (de)activate them, or set a new password.

    `office` "" makes the user national; absent, the office stays as it is.
    """
    active = request.form.get("active") == "on"
    if name == me().name and not active:
        return _page({"active": [gettext("You cannot deactivate yourself.")]}, 422)
    try:
        engine_of().users.update(
            name,
            role=request.form.get("role") or None,
            desks=request.form.getlist("desks"),
            active=active,
            password=request.form.get("password") or None,
            office=request.form.get("office"),
            release_claims=request.form.get("release_claims") == "on",
        )
    except ValidationFailed as exc:
        return _page(exc.errors, 422)
    except ClaimsHeld as exc:
        return _page({"office": [_claims_message(exc, name)]}, 409)
    flash(gettext("User %(name)s updated.", name=name))
    return redirect(url_for("admin.users"))
