"""The designer's decision-table editor: a stored DMN file opened in camunda-dmn-js.

Validating, testing and deploying the edited table goes through the modeler's
endpoint (`designer.modeler_deploy`), with the other files of the version the
table came from, exactly as for an edited BPMN diagram.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from engine import Role
from web.access import allow

__all__ = ["bp"]

bp = Blueprint("designer_dmn", __name__, url_prefix="/designer")


@bp.route("/decisions")
@allow(Role.DESIGNER)
def editor() -> str:
    """Open ``file`` (a .dmn) of ``key`` version ``version`` in the decision-table editor."""
    key = request.args.get("key", "")
    version = request.args.get("version", "")
    name = request.args.get("file", "")
    source_url = None
    if key and version.isdigit() and name.lower().endswith(".dmn"):
        source_url = url_for("designer.version_file", key=key, version=int(version), name=name)
    return render_template(
        "designer/decisions.html", key=key, version=version, name=name, source_url=source_url
    )
