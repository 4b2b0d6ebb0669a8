"""API: process versions and deployments."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from engine import DeploymentFailed, Role
from web.access import READERS, allow, me
from web.api import schemas
from web.app_engine import engine_of
from web.designer import source_files

__all__ = ["blp"]

blp = Blueprint("api_processes", __name__, description="Process definitions and versions")


@blp.route("", methods=["GET"])
@allow(Role.DESIGNER, *READERS)
@blp.response(200, schemas.ProcessVersionSchema(many=True))
def list_processes() -> Any:
    """Every stored process version, newest first per key."""
    return engine_of().processes()


@blp.route("", methods=["POST"])
@allow(Role.DESIGNER)
@blp.arguments(schemas.DeployQuery, location="query")
@blp.arguments(schemas.DeploySchema, location="files")
@blp.response(201, schemas.DeployResultSchema(many=True))
@blp.alt_response(200, schema=schemas.DeployResultSchema(many=True), description="dry run: valid")
@blp.alt_response(422, schema="Error", description=schemas.DEPLOYMENT_REFUSAL)
@blp.doc(**schemas.checked_beyond_schema(schemas.DEPLOYMENT_REFUSAL))
def deploy(query: dict[str, Any], upload: dict[str, Any]) -> Any:
    """Validate and deploy BPMN/DMN files (multipart field ``files``, repeatable)."""
    eng = engine_of()
    files, problems = source_files(upload["files"])
    if problems or not files:
        raise DeploymentFailed(problems)
    if query["dry_run"]:
        keys = eng.validate(files)
        return [
            {"key": k, "version": None, "content_hash": None, "status": "valid"} for k in keys
        ], 200
    return eng.deploy(files, actor=me().name)
