"""The LTSA web app: pages for officers, designers, auditors and admins, and the REST API.

`create_app` builds it in a fixed order: configuration, the engine, the
extensions (login, CSRF, i18n, security headers, error handlers), then the
blueprints. Views authenticate, make one `engine` call and render.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from engine import Engine, Logins
from web.app_engine import engine_of

__all__ = ["create_app", "engine_of"]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application.

    Args:
        config: Settings that override the defaults. ``LTSA_ENGINE`` may hold a
            ready `engine.Engine` (tests use this); otherwise the engine is built
            from the environment (``LTSA_DATABASE_URL``, ``LTSA_DATA_DIR``).

    Returns:
        The configured app; `ltsa serve` hands it to waitress.
    """
    app = Flask(__name__)
    app.config.from_mapping(
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("LTSA_SECURE_COOKIES", "") == "1",
        SESSION_COOKIE_NAME="ltsa_session",
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        BABEL_DEFAULT_LOCALE="id",
        BABEL_DEFAULT_TIMEZONE="Asia/Jakarta",
        # wrong passwords one address may send per window (successes are not counted)
        LTSA_LOGIN_ATTEMPTS=30,
        LTSA_LOGIN_WINDOW_SECONDS=300,
        LTSA_PAGE_SIZE=25,
    )
    if config:
        app.config.update(config)

    app.url_map.converters["int"] = Int64Converter
    eng = app.config.get("LTSA_ENGINE") or Engine.from_env()
    app.extensions["ltsa_engine"] = eng
    app.extensions["ltsa_logins"] = Logins(
        eng, app.config["LTSA_LOGIN_ATTEMPTS"], app.config["LTSA_LOGIN_WINDOW_SECONDS"]
    )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("LTSA_SECRET_KEY") or eng.installation_key(
            "secret_key"
        )

    from web import access, api, errors, i18n, security

    security.init_app(app)
    access.init_app(app)
    i18n.init_app(app)

    from web import (
        admin,
        audit,
        audit_cases,
        auth,
        cases,
        dashboard,
        designer,
        designer_dmn,
        migrations,
        printouts,
        public,
        tasks,
    )

    pages = (
        auth,
        tasks,
        cases,
        audit,
        audit_cases,
        designer,
        designer_dmn,
        admin,
        public,
        dashboard,
        printouts,
        migrations,
    )
    for module in pages:
        app.register_blueprint(module.bp)
    api.init_app(app)
    errors.init_app(app)  # last: replaces flask-smorest's own handler
    return app


class Int64Converter(IntegerConverter):
    """``<int:...>`` in URLs up to the database's 64-bit limit; larger ids simply do not exist."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(*args, **kwargs)
