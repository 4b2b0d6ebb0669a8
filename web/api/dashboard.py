"""API: the head of office's dashboard figures."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from engine import Role
from web import engine_of
from web.access import allow
from web.figures import figures_for, figures_json, period_of

__all__ = ["blp"]

blp = Blueprint("api_dashboard", __name__, description="Figures of the LTSA offices")


@blp.route("", methods=["GET"])
@allow(Role.KEPALA, Role.ADMIN, Role.AUDITOR)
@blp.response(200, description="queues per desk, waiting times, SLA breaches, weekly outcomes")
@blp.alt_response(400, schema="Error", description="bad from/to dates")
@blp.alt_response(404, schema="Error", description="no such office, or not the caller's")
def dashboard() -> Any:
    """Figures of the caller's office (head of office), or of one or every office (national).

    Query: ``office`` (code), ``from`` and ``to`` (dates, both included; default
    the last 28 days). Waiting times are in seconds.
    """
    eng = engine_of()
    period = period_of(eng, request.args)
    return figures_json(figures_for(eng, request.args.get("office") or None, period), period)
