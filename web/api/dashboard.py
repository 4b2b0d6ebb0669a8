"""API: the head of office's dashboard figures."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine import Role
from web.access import allow
from web.api.schemas import checked_beyond_schema
from web.app_engine import engine_of
from web.figures import figures_for, figures_json, period_of

__all__ = ["blp"]

blp = Blueprint("api_dashboard", __name__, description="Figures of the LTSA offices")


class DashboardQuery(Schema):
    """Which office and period."""

    office = fields.String(metadata={"description": "office code (national users only)"})
    from_ = fields.Date(data_key="from", metadata={"description": "first date (included)"})
    to = fields.Date(metadata={"description": "last date (included)"})


_PERIOD_REFUSAL = "``from`` after ``to``, or a period longer than the dashboard reads"


@blp.route("", methods=["GET"])
@allow(Role.KEPALA, Role.ADMIN, Role.AUDITOR)
@blp.arguments(DashboardQuery, location="query")
@blp.response(200, description="queues per desk, waiting times, SLA breaches, weekly outcomes")
@blp.alt_response(422, schema="Error", description=_PERIOD_REFUSAL)
@blp.doc(**checked_beyond_schema(_PERIOD_REFUSAL))
@blp.alt_response(404, schema="Error", description="no such office, or not the caller's")
def dashboard(query: dict[str, Any]) -> Any:
    """Figures of the caller's office (head of office), or of one or every office (national).

    Query: ``office`` (code), ``from`` and ``to`` (dates, both included; default
    the last 28 days). Waiting times are in seconds.
    """
    eng = engine_of()
    asked = {k: query[f].isoformat() for k, f in (("from", "from_"), ("to", "to")) if query.get(f)}
    period = period_of(eng, asked)
    return figures_json(figures_for(eng, query.get("office") or None, period), period)
