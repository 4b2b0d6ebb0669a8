"""API: the auditor's replay, verification and signed export of one case.

Auditors and admins only: these read the whole journal with every input's
data, and an export carries the process sources too. Nothing here changes a
case; a journal that fails verification is reported, never repaired.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response
from flask_smorest import Blueprint

from engine import AccessKind, Forbidden
from web.access import AUDITORS, allow, office_case
from web.api.schemas import ReplayQuery, ReplaySchema, VerificationSchema
from web.app_engine import engine_of
from web.reads import read_case

__all__ = ["blp"]

blp = Blueprint("api_audit", __name__, description="Replay, verification and export of cases")


@blp.route("/<int:case_id>/replay", methods=["GET"])
@allow(*AUDITORS)
@blp.arguments(ReplayQuery, location="query")
@blp.response(200, ReplaySchema)
@blp.alt_response(404, schema="Error", description="no such case, event or version")
def replay(query: dict[str, Any], case_id: int) -> Any:
    """The case replayed from its own version up to event ``to``; ``against``: what-if."""
    _, hidden = read_case(case_id, AccessKind.REPLAY)
    result = engine_of().replay(case_id, to=query.get("to"), against=query.get("against"))
    answer = result.to_dict()
    if hidden:  # an admin audits the record, not the health results in it
        answer["data"] = {k: v for k, v in answer["data"].items() if k not in hidden}
        answer["changed"] = {k: v for k, v in answer["changed"].items() if k not in hidden}
        answer["event"] = None
    return answer


@blp.route("/<int:case_id>/verify", methods=["GET"])
@allow(*AUDITORS)
@blp.response(200, VerificationSchema)
@blp.alt_response(404, schema="Error")
def verify(case_id: int) -> Any:
    """Check the hash chain, the signed checkpoint and a full replay of the case."""
    office_case(case_id)
    return engine_of().verify(case_id).to_dict()


@blp.route("/<int:case_id>/export", methods=["GET"])
@allow(*AUDITORS)
@blp.response(
    200,
    description="the signed export (events, definition sources, document hashes); "
    "check it with `ltsa audit verify --file FILE`",
    content_type="application/json",
)
@blp.alt_response(404, schema="Error")
def export(case_id: int) -> Response:
    """Download the case's history as a signed, self-contained JSON file.

    The export is whole (it must verify): a reader who may not see some of the
    case's fields (see their ``visibility``) is refused.
    """
    _, hidden = read_case(case_id, AccessKind.EXPORT)
    if hidden:
        raise Forbidden("this case holds specific personal data your role may not see")
    document = engine_of().export_case(case_id)
    return Response(
        json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="case-{case_id}-export.json"'},
    )
