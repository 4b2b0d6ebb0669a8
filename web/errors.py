"""The one place that turns errors into HTTP answers.

Engine errors map to statuses by class; under ``/api`` every error is JSON
``{"code", "message", "errors"}`` (never HTML, never a traceback), elsewhere
a small translated error page.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from engine import (
    AccessNotRecorded,
    CaseNotActive,
    Conflict,
    DeploymentFailed,
    EngineError,
    Forbidden,
    NotFound,
    ScenarioFileError,
    ScenariosFailed,
    ValidationFailed,
)
from web.access import is_api_request

__all__ = ["STATUS_OF", "error_body", "init_app", "status_of"]

log = logging.getLogger(__name__)

#: Engine error class -> HTTP status; the most specific class wins.
STATUS_OF: dict[type[EngineError], int] = {
    ValidationFailed: 422,
    DeploymentFailed: 422,
    ScenarioFileError: 422,
    Forbidden: 403,
    NotFound: 404,
    CaseNotActive: 409,
    Conflict: 409,
    AccessNotRecorded: 503,  # the read could not be recorded, so it is refused
}

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_failed",
    429: "too_many_requests",
}


def status_of(exc: EngineError) -> int:
    """The HTTP status of an engine error (400 for kinds not in the table)."""
    for cls in type(exc).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]
    return 400


def error_body(exc: EngineError) -> dict[str, Any]:
    """The JSON body for an engine error."""
    errors: dict[str, Any] = {}
    body: dict[str, Any] = {"code": exc.code, "message": "", "errors": errors}
    if isinstance(exc, ValidationFailed):
        errors.update(exc.errors)
        body["message"] = str(exc)
    elif isinstance(exc, DeploymentFailed):
        for problem in exc.errors:
            errors.setdefault(problem.file or "deployment", []).append(str(problem))
        body["message"] = f"deployment refused: {len(exc.errors)} problem(s)"
        body["details"] = [problem.to_dict() for problem in exc.errors]
        if isinstance(exc, ScenariosFailed):
            body["message"] = "deployment refused: scenarios failed: " + ", ".join(
                s.name for s in exc.report.failures
            )
            body["report"] = exc.report.to_json()
    else:
        body["message"] = str(exc)
    return body


def init_app(app: Flask) -> None:
    """Register the handlers; call after the API so ours replace flask-smorest's."""
    app.register_error_handler(EngineError, _engine_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def _engine_error(exc: EngineError) -> tuple[Response | str, int]:
    status = status_of(exc)
    if is_api_request():
        return jsonify(error_body(exc)), status
    return render_template("error.html", status=status, message=str(exc)), status


def _http_error(
    exc: HTTPException,
) -> tuple[Response | str, int, list[tuple[str, str]]] | Response:
    status = exc.code or 500
    # The exception's own headers stay: `Allow` on a 405 (RFC 9110), `Retry-After`...
    headers = [(name, value) for name, value in exc.get_headers() if name != "Content-Type"]
    if not is_api_request():
        if exc.response is not None:  # e.g. a redirect raised by a view
            return exc.response
        page = render_template("error.html", status=status, message=exc.description)
        return page, status, headers
    errors: dict[str, Any] = {}
    data = getattr(exc, "data", None)
    if isinstance(data, dict) and isinstance(data.get("messages"), dict):
        # webargs puts field errors under their location (json, query, files...)
        for located in data["messages"].values():
            if isinstance(located, dict):
                errors.update(located)
    code = "csrf_failed" if isinstance(exc, CSRFError) else _HTTP_CODES.get(status, "error")
    message = exc.description or exc.name
    return jsonify({"code": code, "message": message, "errors": errors}), status, headers


def _unexpected(exc: Exception) -> tuple[Response | str, int]:
    if isinstance(exc, HTTPException):  # pragma: no cover - routed above
        return _http_error(exc)  # type: ignore[return-value]
    log.exception("unexpected error (%s)", type(exc).__name__)
    if is_api_request():
        body = {"code": "internal_error", "message": "internal error", "errors": {}}
        return jsonify(body), 500
    message = InternalServerError.description
    return render_template("error.html", status=500, message=message), 500
