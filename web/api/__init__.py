"""The REST API under ``/api/v1`` (flask-smorest), its OpenAPI document and docs page.

Callers sign in with the session cookie (and send the CSRF token on writes)
or with ``Authorization: Bearer TOKEN``. Errors are JSON, see `web.errors`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template
from flask_smorest import Api

from web.access import EVERY_ROLE, allow
from web.api.schemas import ErrorSchema

__all__ = ["init_app"]

docs_bp = Blueprint("apidocs", __name__)


class LtsaApi(Api):  # type: ignore[misc]
    """flask-smorest's Api with our error body in the documentation."""

    ERROR_SCHEMA = ErrorSchema


@docs_bp.route("/api/docs")
@allow(*EVERY_ROLE)
def docs() -> str:
    """The browsable API documentation (Swagger UI served from our own static files)."""
    return render_template("api_docs.html")


def _property_names(converter: Any, field: Any, **kwargs: Any) -> dict[str, Any]:
    """Carry a field's ``propertyNames`` rule into its JSON Schema (apispec drops it)."""
    names = field.metadata.get("propertyNames")
    return {"propertyNames": names} if names else {}


def init_app(app: Flask) -> None:
    """Register the API blueprints and the OpenAPI document on `app`."""
    app.config.setdefault("API_TITLE", "LTSA case engine")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = LtsaApi(
        app,
        spec_kwargs={
            "info": {
                "description": "Cases, tasks and process versions of the LTSA one-stop service."
            },
            "security": [{"bearer": []}, {"session": []}],
        },
    )
    api.ma_plugin.converter.add_attribute_function(_property_names)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": app.config["SESSION_COOKIE_NAME"]}
    )
    from web.api import audit, audit_cases, cases, dashboard, migrations, processes, public, tasks

    api.register_blueprint(processes.blp, url_prefix="/api/v1/processes")
    api.register_blueprint(migrations.blp, url_prefix="/api/v1/processes")
    api.register_blueprint(cases.blp, url_prefix="/api/v1/cases")
    api.register_blueprint(audit.blp, url_prefix="/api/v1/cases")
    api.register_blueprint(tasks.blp, url_prefix="/api/v1/tasks")
    api.register_blueprint(dashboard.blp, url_prefix="/api/v1/dashboard")
    api.register_blueprint(public.blp, url_prefix="/api/v1/public")
    api.register_blueprint(audit_cases.blp, url_prefix="/api/v1")
    spec_view = app.view_functions["api-docs.openapi_json"]

    @allow(*EVERY_ROLE)
    def openapi_json() -> Any:
        return spec_view()

    app.view_functions["api-docs.openapi_json"] = openapi_json
    app.register_blueprint(docs_bp)
    app.extensions["ltsa_api"] = api
