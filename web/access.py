"""Who may open what: login by session or API token, roles per view, CSRF.

Every endpoint is closed unless its view names the roles it allows with
`allow`; only the login page and static files are public. One
`before_request` hook checks all of it, so a new view without `allow`
answers 403 instead of being open by accident.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import Forbidden, Unauthorized
from werkzeug.wrappers import Response

from engine import Actor, Role, User
from web.app_engine import engine_of

__all__ = [
    "AUDITORS",
    "EVERY_ROLE",
    "READERS",
    "WebUser",
    "allow",
    "csrf",
    "init_app",
    "login_manager",
    "me",
    "office_case",
    "public",
]

EVERY_ROLE = (Role.ADMIN, Role.DESIGNER, Role.OFFICER, Role.AUDITOR, Role.KEPALA)
#: Who may read cases, their history and documents.
READERS = (Role.OFFICER, Role.AUDITOR, Role.ADMIN)
#: Who may replay, verify and export a case's journal (read-only; officers work
#: cases, they do not audit them).
AUDITORS = (Role.AUDITOR, Role.ADMIN)
PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.set_language", "static"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

login_manager = LoginManager()
csrf = CSRFProtect()

F = TypeVar("F", bound=Callable[..., Any])


class WebUser(UserMixin):  # type: ignore[misc]
    """A signed-in person: the engine's `User` seen through Flask-Login."""

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        """The id kept in the session."""
        return str(self.user.id)

    @property
    def is_active(self) -> bool:
        """Deactivated users are signed out at their next request."""
        return self.user.active

    @property
    def name(self) -> str:
        """The login name."""
        return self.user.name

    @property
    def role(self) -> str:
        """The user's role, one of `engine.USER_ROLES`."""
        return self.user.role

    @property
    def desks(self) -> tuple[str, ...]:
        """The desks an officer works at; the head of an office works the `kepala` lane."""
        if self.user.role == Role.KEPALA:
            return self.user.desks or ("kepala",)
        return self.user.desks

    @property
    def office(self) -> str | None:
        """The office this user works in; None for national users (sees every office)."""
        return self.user.office

    @property
    def actor(self) -> Actor:
        """The actor the engine records this user's inputs under."""
        return self.user.actor


def me() -> WebUser:
    """The signed-in user of this request (every non-public view has one)."""
    user: WebUser = current_user._get_current_object()
    return user


def office_case(case_id: int) -> None:
    """404 unless the signed-in user may see this case (national users see every office)."""
    if me().office is not None:
        engine_of().get_case(case_id, me().office)


def allow(*roles: str) -> Callable[[F], F]:
    """Open a view (or a MethodView method) to the given roles."""

    def mark(view: F) -> F:
        view.ltsa_roles = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return mark


def public(view: F) -> F:
    """Open a view to anyone, without an account (the `/publik` pages and API)."""
    view.ltsa_public = True  # type: ignore[attr-defined]
    return view


def _is_public(endpoint: str) -> bool:
    return bool(getattr(current_app.view_functions.get(endpoint), "ltsa_public", False))


def init_app(app: Flask) -> None:
    """Install login, CSRF and the access check on `app`."""
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # checked in _guard, after auth
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)
    app.before_request(_guard)


def _load_user(user_id: str) -> WebUser | None:
    if not user_id.isdigit():
        return None
    user = engine_of().users.by_id(int(user_id))
    return WebUser(user) if user is not None and user.active else None


def is_api_request() -> bool:
    """Whether this request is for the JSON API (answers JSON, never HTML)."""
    return request.path == "/api" or request.path.startswith("/api/")


def _unauthorized() -> Response:
    if is_api_request():
        raise Unauthorized("sign in or send 'Authorization: Bearer TOKEN'")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _authenticate_token() -> None:
    """Sign in this one request by its API token; the session is not touched."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("malformed Authorization header: use 'Bearer TOKEN'")
    user = engine_of().users.for_token(token.strip())
    if user is None:
        raise Unauthorized("unknown or revoked API token")
    g._login_user = WebUser(user)  # Flask-Login's per-request user slot
    g.token_auth = True


def roles_for(endpoint: str, method: str) -> frozenset[str] | None:
    """The roles allowed on an endpoint for a method; None when it is undeclared."""
    view = current_app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        name = "get" if method == "HEAD" else method.lower()
        view = getattr(view_class, name, None)
    roles: frozenset[str] | None = getattr(view, "ltsa_roles", None)
    return roles


def _guard() -> Response | None:
    endpoint = request.endpoint
    g.token_auth = False
    if endpoint is None:
        return None  # 404 or 405 follows
    if endpoint in PUBLIC_ENDPOINTS:
        if request.method not in _SAFE_METHODS:
            csrf.protect()
        return None
    if _is_public(endpoint):
        # Public pages check CSRF; the public API carries no ambient authority to abuse.
        if request.method not in _SAFE_METHODS and not is_api_request():
            csrf.protect()
        return None
    if is_api_request() and "Authorization" in request.headers:
        _authenticate_token()
    if not current_user.is_authenticated:
        return _unauthorized()
    roles = roles_for(endpoint, request.method)
    if roles is None or current_user.role not in roles:
        raise Forbidden("your role may not use this page")
    if request.method not in _SAFE_METHODS and not g.token_auth:
        csrf.protect()
    return None
