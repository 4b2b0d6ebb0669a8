"""The designer's pages: deployed versions, upload to validate or deploy, the modeler.

A deployment refused by the engine lists every problem with its file, line,
element id, code and hint; nothing is stored then.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import groupby
from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from engine import DeployedProcess, DeploymentError, Role, SourceFile
from web.access import allow, me
from web.app_engine import engine_of
from web.designer_kept import forget_draft, keep_draft, kept_draft
from web.designer_tests import (
    DraftAction,
    draft_context,
    draft_json,
    handle_draft,
    scenario_uploads,
    with_their_versions,
)

__all__ = ["bp", "editor_page", "source_files"]

bp = Blueprint("designer", __name__, url_prefix="/designer")

_SUFFIXES = (".bpmn", ".dmn")
_MAX_XML_CHARS = 5_000_000


def source_files(uploads: Iterable[Any]) -> tuple[list[SourceFile], list[DeploymentError]]:
    """Turn uploaded files into engine sources; other kinds of file are refused."""
    files: list[SourceFile] = []
    problems: list[DeploymentError] = []
    for upload in uploads:
        raw_name = str(getattr(upload, "filename", "") or "")
        name = re.split(r"[\\/]", raw_name)[-1].strip()
        if not name:
            continue
        if not name.lower().endswith(_SUFFIXES):
            problems.append(
                DeploymentError(
                    name,
                    None,
                    None,
                    "LTSA-W001",
                    "not a BPMN or DMN file",
                    "upload .bpmn and .dmn files only",
                )
            )
            continue
        files.append(SourceFile(name, upload.read()))
    return files, problems


def _index_context(
    *,
    results: list[DeployedProcess] | None = None,
    validated: list[str] | None = None,
    problems: list[DeploymentError] | None = None,
    **draft: Any,
) -> dict[str, Any]:
    versions = engine_of().processes()
    grouped = [(key, list(rows)) for key, rows in groupby(versions, key=lambda v: v.key)]
    return {
        "processes": grouped,
        "results": results,
        "validated": validated,
        "problems": problems,
        **draft,
    }


@bp.route("")
@allow(Role.DESIGNER, Role.ADMIN)
def index() -> str:
    """Deployed processes, their versions and active cases; the upload form."""
    return render_template("designer/index.html", **_index_context())


@bp.route("/upload", methods=["POST"])
@allow(Role.DESIGNER)
def upload() -> tuple[str, int]:
    """Validate, test or deploy uploaded BPMN/DMN files (and scenario files, .yaml).

    The files join the other files of the versions they belong to; deploying
    runs the scenarios first (the uploaded ones, else the stored set).
    """
    uploads, scenarios = scenario_uploads(request.files.getlist("files"))
    files, problems = source_files(uploads)
    if not files and not problems:
        problems = [
            DeploymentError("", None, None, "LTSA-W002", "no file chosen", "choose .bpmn/.dmn")
        ]
    if problems:
        return render_template("designer/index.html", **_index_context(problems=problems)), 422
    action = DraftAction.of(request.form.get("action"))
    files = with_their_versions(files)
    outcome = handle_draft(files, action, me().name, scenarios)
    context = _index_context(**draft_context(outcome, files))
    if outcome.report is not None and not outcome.report.passed:
        # kept so "Deploy without tests" or a re-test needs no second upload
        context["kept_draft"] = keep_draft(me().name, files, scenarios)
    return render_template("designer/index.html", **context), outcome.page_status


@bp.route("/drafts/<token>", methods=["POST"])
@allow(Role.DESIGNER)
def kept(token: str) -> tuple[str, int]:
    """Test, deploy, or deploy without tests a refused upload kept on the server.

    Only the designer who uploaded it, within a day: anything else is 404.
    """
    draft = kept_draft(token, me().name)
    if draft is None:
        abort(404)
    action = DraftAction.of(request.form.get("action"))
    if action is DraftAction.VALIDATE:
        action = DraftAction.TEST
    outcome = handle_draft(draft.files, action, me().name, draft.scenarios or None)
    context = _index_context(**draft_context(outcome, draft.files))
    if outcome.deployed:
        forget_draft(token)
    elif outcome.report is not None and not outcome.report.passed:
        context["kept_draft"] = token
    return render_template("designer/index.html", **context), outcome.page_status


@bp.route("/processes/<key>/<int:version>/files/<name>")
@allow(Role.DESIGNER, Role.ADMIN, Role.AUDITOR)
def version_file(key: str, version: int, name: str) -> Response:
    """One stored file of a process version (``?download=1`` to save it)."""
    for source in engine_of().version_files(key, version):
        if source.name == name:
            headers = {"Content-Security-Policy": "default-src 'none'; sandbox"}
            if request.args.get("download"):
                safe = re.sub(r"[^\w.\-]", "_", name)
                headers["Content-Disposition"] = f'attachment; filename="{safe}"'
            return Response(source.content, mimetype="application/xml", headers=headers)
    abort(404)


@bp.route("/modeler")
@allow(Role.DESIGNER)
def modeler() -> str:
    """The BPMN modeler (camunda-bpmn-js), opening a stored file or a new diagram."""
    return editor_page("designer/modeler.html")


def editor_page(template: str, *, suffix: str = "") -> str:
    """An editor `template` opening ``file`` of ``key`` version ``version``, or a new file.

    A stored file is opened only when all three are given and the file's name
    ends with `suffix` (any case).
    """
    key = request.args.get("key", "")
    version = request.args.get("version", "")
    name = request.args.get("file", "")
    source_url = None
    if key and version.isdigit() and name and name.lower().endswith(suffix):
        source_url = url_for("designer.version_file", key=key, version=int(version), name=name)
    return render_template(template, key=key, version=version, name=name, source_url=source_url)


@bp.route("/modeler/deploy", methods=["POST"])
@allow(Role.DESIGNER)
def modeler_deploy() -> tuple[Response, int]:
    """Validate, test or deploy the edited XML, with the other files of its version."""
    eng = engine_of()
    body = request.get_json(silent=True) or {}
    xml = body.get("xml")
    name = re.split(r"[\\/]", str(body.get("name") or "diagram.bpmn"))[-1]
    if not isinstance(xml, str) or not xml.strip() or len(xml) > _MAX_XML_CHARS:
        return jsonify({"code": "bad_request", "message": "no diagram XML", "errors": {}}), 400
    if not name.lower().endswith(_SUFFIXES):
        name += ".bpmn"
    files = [SourceFile(name, xml.encode("utf-8"))]
    key, version = str(body.get("key") or ""), str(body.get("version") or "")
    if key and version.isdigit():
        files += [f for f in eng.version_files(key, int(version)) if f.name != name]
    action = DraftAction.of(body.get("action"), skip_tests=body.get("skip_tests") is True)
    outcome = handle_draft(files, action, me().name)
    return jsonify(draft_json(outcome, files)), outcome.status
