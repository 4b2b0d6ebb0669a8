"""API: process versions and deployments."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from engine import DeploymentFailed, Role, SourceFile
from web.access import READERS, allow, me
from web.api import schemas
from web.api.scenario_schemas import DraftTestSchema, ScenarioReportSchema
from web.api.schemas import DeployQuery, DeployResultSchema, DeploySchema
from web.app_engine import engine_of
from web.designer import source_files

__all__ = ["blp"]

_DEPLOY_REFUSAL = (
    f"{schemas.DEPLOYMENT_REFUSAL}; or a scenario failed"
    " (``report`` then holds the scenario run; ``skip_tests`` deploys anyway)"
)

blp = Blueprint("api_processes", __name__, description="Process definitions and versions")


@blp.route("", methods=["GET"])
@allow(Role.DESIGNER, *READERS)
@blp.response(200, schemas.ProcessVersionSchema(many=True))
def list_processes() -> Any:
    """Every stored process version, newest first per key."""
    return engine_of().processes()


@blp.route("", methods=["POST"])
@allow(Role.DESIGNER)
@blp.arguments(DeployQuery, location="query")
@blp.arguments(DeploySchema, location="files")
@blp.response(201, DeployResultSchema(many=True))
@blp.alt_response(200, schema=DeployResultSchema(many=True), description="dry run: valid")
@blp.alt_response(422, schema="Error", description=_DEPLOY_REFUSAL)
@blp.doc(**schemas.checked_beyond_schema(_DEPLOY_REFUSAL))
def deploy(query: dict[str, Any], upload: dict[str, Any]) -> Any:
    """Validate and deploy BPMN/DMN files (multipart field ``files``, repeatable).

    The scenario files stored with the processes run first; a failing scenario
    refuses the deployment (422) unless ``skip_tests`` is set, which the new
    versions record.
    """
    eng = engine_of()
    files, problems = source_files(upload["files"])
    if problems or not files:
        raise DeploymentFailed(problems)
    if query["dry_run"]:
        keys = eng.validate(files)
        return [
            {"key": k, "version": None, "content_hash": None, "status": "valid"} for k in keys
        ], 200
    scenarios = _scenarios(upload["scenarios"])
    return eng.deploy(files, actor=me().name, scenarios=scenarios, skip_tests=query["skip_tests"])


@blp.route("/test", methods=["POST"])
@allow(Role.DESIGNER)
@blp.arguments(DraftTestSchema, location="files")
@blp.response(200, ScenarioReportSchema)
@blp.alt_response(422, schema="Error", description="a file is invalid; errors name file and line")
def test_draft(upload: dict[str, Any]) -> Any:
    """Run scenario files against a draft (multipart ``files``); nothing is stored.

    The draft is the latest deployed files with the uploaded ones replacing those
    of the same name; ``scenarios`` (.yaml) default to the stored set.

    The answer is 200 whether the scenarios pass or fail (see ``passed``); 422 when
    a BPMN/DMN file or a scenario file is invalid.
    """
    files, problems = source_files(upload["files"])
    if problems or not files:
        raise DeploymentFailed(problems)
    return engine_of().test_draft(files, scenarios=_scenarios(upload["scenarios"])).to_json()


def _scenarios(uploads: list[Any]) -> list[SourceFile] | None:
    """Uploaded scenario files; None (run the stored set) when there are none."""
    return [SourceFile(u.filename or "scenarios.yaml", u.read()) for u in uploads] or None
