"""API: starting, listing and reading cases; messages, withdrawal, history."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from engine import AccessKind, Role
from web.access import READERS, allow, me
from web.api.schemas import (
    CaseListQuery,
    CaseSchema,
    CaseStartSchema,
    CaseSummarySchema,
    EventSchema,
    IdempotencyHeaders,
    MessageSchema,
    WithdrawSchema,
)
from web.app_engine import engine_of
from web.reads import read_case, shown_events

__all__ = ["blp"]

blp = Blueprint("api_cases", __name__, description="Cases of the one-stop service")


@blp.route("", methods=["POST"])
@allow(Role.OFFICER, Role.ADMIN)
# instances, not classes: webargs would build a schema from a class on every request
@blp.arguments(CaseStartSchema())
@blp.arguments(IdempotencyHeaders(), location="headers")
@blp.response(201, CaseSchema)
@blp.alt_response(422, schema="Error")
@blp.alt_response(404, schema="Error")
@blp.alt_response(
    409, schema="Error", description="the idempotency key was used for another request"
)
def start_case(body: dict[str, Any], headers: dict[str, Any]) -> Any:
    """Start a case of the latest version of a process."""
    return engine_of().start(
        body["process"],
        body["data"],
        me().actor,
        idempotency_key=headers.get("idempotency_key"),
    )


@blp.route("", methods=["GET"])
@allow(*READERS)
@blp.arguments(CaseListQuery, location="query")
@blp.response(200, CaseSummarySchema(many=True))
def list_cases(query: dict[str, Any]) -> Any:
    """Cases, newest first; filter by status, process, or NIK/name (``q``)."""
    return engine_of().list_cases(
        status=query.get("status"),
        process_key=query.get("process"),
        search=query.get("q"),
        limit=query["limit"],
        offset=query["offset"],
        office=me().office,
    )


@blp.route("/<int:case_id>", methods=["GET"])
@allow(*READERS)
@blp.response(200, CaseSchema)
@blp.alt_response(404, schema="Error")
def get_case(case_id: int) -> Any:
    """One case with its data and ready tasks (the read is recorded; see ``/access``)."""
    return read_case(case_id, AccessKind.API_CASE)[0]


@blp.route("/<int:case_id>/messages/<name>", methods=["POST"])
@allow(Role.OFFICER, Role.ADMIN)
@blp.arguments(MessageSchema())
@blp.arguments(IdempotencyHeaders(), location="headers")
@blp.response(200, CaseSchema)
@blp.alt_response(404, schema="Error")
@blp.alt_response(409, schema="Error")
def send_message(body: dict[str, Any], headers: dict[str, Any], case_id: int, name: str) -> Any:
    """Deliver a message from outside (e.g. ``job_order_verified``) to a waiting case.

    Send an ``Idempotency-Key`` so that a message delivered twice changes the
    case once; the second delivery gets the first answer.
    """
    return engine_of().send_message(
        case_id, name, body["data"], me().actor, idempotency_key=headers.get("idempotency_key")
    )


@blp.route("/<int:case_id>/withdraw", methods=["POST"])
@allow(Role.OFFICER, Role.ADMIN)
@blp.arguments(WithdrawSchema)
@blp.arguments(IdempotencyHeaders, location="headers")
@blp.response(200, CaseSchema)
@blp.alt_response(404, schema="Error")
@blp.alt_response(409, schema="Error")
def withdraw(body: dict[str, Any], headers: dict[str, Any], case_id: int) -> Any:
    """End a case at the applicant's request, with the reason."""
    return engine_of().withdraw(
        case_id, body["reason"], me().actor, idempotency_key=headers.get("idempotency_key")
    )


@blp.route("/<int:case_id>/history", methods=["GET"])
@allow(*READERS)
@blp.response(200, EventSchema(many=True))
@blp.alt_response(404, schema="Error")
def history(case_id: int) -> Any:
    """The case's journal, oldest event first, with its hash chain.

    Fields the reader may not see are left out of the events' data.
    """
    _, hidden = read_case(case_id, AccessKind.API_HISTORY)
    return [event.to_dict() for event in shown_events(engine_of().history(case_id), hidden)]
