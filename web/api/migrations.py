"""API: the impact of a version on running cases, and their migration (designers, admins).

One request judges (``dry_run``) or moves the cases; each case moves in its
own transaction, proven by replay, so a request cut short leaves every case
migrated or not, and the same request again finishes the rest.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine import Role
from web.access import allow, me
from web.api.schemas import JsonBody
from web.app_engine import engine_of

__all__ = ["MigrationRequestSchema", "MigrationResultSchema", "blp"]

blp = Blueprint(
    "api_migrations", __name__, description="Running cases onto another process version"
)
OUTCOMES = ("migrated", "same", "diverges", "cannot")


class MigrationRequestSchema(JsonBody):
    """What to move where; ``map`` places the current element of diverging cases."""

    to = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    from_ = fields.Integer(
        data_key="from", load_default=None, validate=validate.Range(min=1, max=2**31 - 1)
    )
    cases = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=2**63 - 1)),
        load_default=list,
        validate=validate.Length(max=10_000),
    )
    map = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=200)),
        values=fields.String(validate=validate.Length(min=1, max=200)),
        load_default=dict,
        metadata={"example": {"tabungan_kur": "perjanjian_kerja"}},
    )
    dry_run = fields.Boolean(load_default=False)


class CaseOutcomeSchema(Schema):
    """One case: ``migrated``, ``same``, ``diverges`` or ``cannot``, with event and reason."""

    case_id = fields.Integer()
    from_version = fields.Integer()
    to_version = fields.Integer()
    revision = fields.Integer()
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    event = fields.Integer(allow_none=True, metadata={"description": "first diverging event"})
    reason = fields.String(allow_none=True)
    current = fields.List(fields.String(), metadata={"description": "elements it waits at"})
    mapping = fields.Dict(keys=fields.String(), values=fields.String())
    rechecked = fields.Boolean(metadata={"description": "changed since the preview"})


class MigrationResultSchema(Schema):
    """Counts per outcome and every case judged."""

    process = fields.String()
    to = fields.Integer()
    dry_run = fields.Boolean()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    cases = fields.List(fields.Nested(CaseOutcomeSchema))


@blp.route("/<key>/migrations", methods=["POST"])
@allow(Role.DESIGNER, Role.ADMIN)
@blp.arguments(MigrationRequestSchema)
@blp.response(200, MigrationResultSchema)
@blp.alt_response(404, schema="Error", description="the process is not deployed")
@blp.alt_response(422, schema="Error", description="unknown version, foreign case, bad mapping")
def migrate(body: dict[str, Any], key: str) -> Any:
    """Impact preview (``dry_run``) or migration of the active cases of a process."""
    eng = engine_of()
    options = {"from_version": body["from_"], "cases": body["cases"], "mapping": body["map"]}
    if body["dry_run"]:
        outcomes = eng.preview_migration(key, body["to"], me().actor, **options)
    else:
        outcomes = eng.migrate(key, body["to"], me().actor, **options)
    cases = [impact.to_dict() for impact in outcomes]
    counts = Counter(c["outcome"] for c in cases)
    return {
        "process": key,
        "to": body["to"],
        "dry_run": body["dry_run"],
        "counts": {k: counts.get(k, 0) for k in OUTCOMES},
        "cases": cases,
    }
