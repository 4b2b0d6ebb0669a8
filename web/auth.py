"""Signing in and out, the language switch, and the home page per role."""

from __future__ import annotations

import math
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from engine import Logins, Role, SignIn
from web.access import EVERY_ROLE, WebUser, allow, me
from web.app_engine import engine_of
from web.i18n import LOCALES, gettext

__all__ = ["bp"]

bp = Blueprint("auth", __name__)

_HOME = {
    Role.OFFICER: "tasks.inbox",
    Role.KEPALA: "tasks.inbox",
    Role.DESIGNER: "designer.index",
    Role.AUDITOR: "cases.search",
    Role.ADMIN: "admin.users",
}


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after login (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    """Show the sign-in form; check the password and start a fresh session."""
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", ""))
    logins: Logins = current_app.extensions["ltsa_logins"]
    name = request.form.get("username", "").strip().lower()
    password = request.form.get("password", "")
    outcome = logins.sign_in(name, password, request.remote_addr or "?")
    user = outcome.user
    if user is None:
        return _refused(outcome)
    language = session.get("lang")
    session.clear()  # a new session on every sign-in: no fixation
    if language:
        session["lang"] = language
    login_user(WebUser(user))
    return redirect(_safe_next(request.form.get("next")) or url_for(_HOME[Role(user.role)]))


def _refused(outcome: SignIn) -> tuple[str, int, dict[str, str]]:
    """The sign-in form again, saying why and, when locked, from what time to retry."""
    headers: dict[str, str] = {}
    if outcome.retry_at is None:
        error = gettext("Wrong user name or password (5 failures lock the account for 15 minutes).")
        return (
            render_template("login.html", error=error, next=request.form.get("next", "")),
            401,
            headers,
        )
    engine = engine_of()
    wait = max(1, math.ceil((outcome.retry_at - engine.clock.now()).total_seconds()))
    headers["Retry-After"] = str(wait)
    at = outcome.retry_at.astimezone(ZoneInfo(engine.timezone)).strftime("%H:%M")
    if outcome.refused == "locked":
        error = gettext(
            "This account is locked after 5 wrong passwords. Try again at %(time)s.", time=at
        )
    else:
        error = gettext(
            "Too many wrong passwords from this address. Try again at %(time)s.", time=at
        )
    return render_template("login.html", error=error, next=""), 429, headers


@bp.route("/logout", methods=["POST"])
@allow(*EVERY_ROLE)
def logout() -> Response:
    """Sign out and forget the session."""
    language = session.get("lang")
    logout_user()
    session.clear()
    if language:
        session["lang"] = language
    return redirect(url_for("auth.login"))


@bp.route("/")
@allow(*EVERY_ROLE)
def home() -> Response:
    """Send each role to its start page."""
    return redirect(url_for(_HOME[Role(me().role)]))


@bp.route("/language", methods=["POST"])
def set_language() -> Response:
    """Switch the pages between Indonesian and English."""
    chosen = request.form.get("lang", "id")
    session["lang"] = chosen if chosen in LOCALES else "id"
    return redirect(_safe_next(request.form.get("back")) or url_for("auth.home"))
