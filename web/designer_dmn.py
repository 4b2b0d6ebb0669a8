"""The designer's decision-table editor: a stored DMN file opened in camunda-dmn-js.

Validating, testing and deploying the edited table goes through the modeler's
endpoint (`designer.modeler_deploy`), with the other files of the version the
table came from, exactly as for an edited BPMN diagram.
"""

from __future__ import annotations

from flask import Blueprint

from engine import Role
from web.access import allow
from web.designer import editor_page

__all__ = ["bp"]

bp = Blueprint("designer_dmn", __name__, url_prefix="/designer")


@bp.route("/decisions")
@allow(Role.DESIGNER)
def editor() -> str:
    """Open ``file`` (a .dmn) of ``key`` version ``version`` in the decision-table editor."""
    return editor_page("designer/decisions.html", suffix=".dmn")
