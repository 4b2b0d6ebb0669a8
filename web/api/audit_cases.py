"""API for auditors across cases: search and samples, the access record, verification jobs.

``GET /api/v1/audit/cases`` answers JSON, or CSV (NIK masked) for
``Accept: text/csv``.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine import CaseQuery, EventKind, SearchResult
from web.access import AUDITORS, allow, me
from web.api.schemas import JsonBody
from web.app_engine import engine_of
from web.audit_jobs import ensure_worker

__all__ = ["AuditCaseQuery", "blp", "case_query", "hits_csv"]

blp = Blueprint("api_audit_cases", __name__, description="Auditors across cases")


class AuditCaseQuery(Schema):
    """The auditor's filters (every one optional)."""

    since = fields.Date(data_key="from", metadata={"description": "period start (inclusive)"})
    until = fields.Date(data_key="to", metadata={"description": "period end (inclusive)"})
    office = fields.String(
        validate=validate.Length(max=20), metadata={"description": "the cases' office code"}
    )
    desk = fields.String(validate=validate.Length(max=40))
    actor = fields.String(validate=validate.Length(max=200), metadata={"description": "officer"})
    kind = fields.String(validate=validate.OneOf([k.value for k in EventKind]))
    status = fields.String(
        validate=validate.OneOf(["active", "completed", "rejected", "withdrawn"])
    )
    rule = fields.String(
        validate=validate.Length(max=100), metadata={"description": "text of the rejection reason"}
    )
    process = fields.String(validate=validate.Length(max=200))
    version = fields.Integer(validate=validate.Range(min=1, max=2**31))
    migrated = fields.Boolean()
    sample = fields.Integer(validate=validate.Range(min=1, max=10_000))
    seed = fields.Integer(validate=validate.Range(min=0, max=2**62))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31))


class CaseHitSchema(Schema):
    """One case found (NIK masked)."""

    id = fields.Integer()
    process_key = fields.String()
    version = fields.Integer()
    status = fields.String()
    rejection_reason = fields.String(allow_none=True)
    nik = fields.String()
    applicant_name = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()


class SearchSchema(Schema):
    """A page of cases, or a sample with its seed."""

    cases = fields.List(fields.Nested(CaseHitSchema))
    more = fields.Boolean()
    matched = fields.Integer(allow_none=True)
    sample = fields.Integer(allow_none=True)
    seed = fields.Integer(allow_none=True)


class AccessEntrySchema(Schema):
    """One recorded read."""

    day = fields.String()
    seq = fields.Integer()
    recorded_at = fields.String()
    actor = fields.String()
    role = fields.String()
    office = fields.String(allow_none=True)
    case_id = fields.Integer()
    what = fields.String()
    document = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    prev_hash = fields.String()
    hash = fields.String()


class AccessQuery(Schema):
    """Reads of one case, optionally by one user."""

    user = fields.String(validate=validate.Length(max=200))


class JobFilters(AuditCaseQuery, JsonBody):
    """The filters in a JSON body, where numbers and booleans are JSON's (a query's are text)."""


class JobCreateSchema(JsonBody):
    """A verification job: every case (no filters) or the cases the filters select."""

    filters = fields.Nested(JobFilters, load_default=None, allow_none=True)


class JobSchema(Schema):
    """A verification job's progress."""

    id = fields.Integer()
    status = fields.String()
    total = fields.Integer()
    done = fields.Integer()
    percent = fields.Integer()
    not_intact = fields.Integer()
    created_at = fields.String()
    created_by = fields.String()
    finished_at = fields.String(allow_none=True)
    params = fields.Dict()


def case_query(args: dict[str, Any]) -> CaseQuery:
    """A `CaseQuery` from loaded `AuditCaseQuery` arguments (``to`` includes its whole day)."""
    since, until = args.get("since"), args.get("until")
    return CaseQuery(
        since=datetime.combine(since, time(), UTC) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(), UTC) if until else None,
        office=args.get("office"),
        desk=args.get("desk"),
        actor=args.get("actor"),
        kind=args.get("kind"),
        status=args.get("status"),
        rule=args.get("rule"),
        process_key=args.get("process"),
        version=args.get("version"),
        migrated=args.get("migrated"),
        sample=args.get("sample"),
        seed=args.get("seed"),
        limit=args.get("limit", 100),
        offset=args.get("offset", 0),
    )


def hits_csv(result: SearchResult) -> str:
    """The cases as CSV, NIK masked; a sample's size and seed in the first line."""
    out = io.StringIO()
    if result.sample is not None:
        out.write(f"# sample {result.sample} of {result.matched}, seed {result.seed}\n")
    columns = ["id", "process_key", "version", "status", "rejection_reason", "nik"]
    columns += ["applicant_name", "created_at", "updated_at"]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for hit in result.cases:
        writer.writerow(hit.to_dict(masked=True))
    return out.getvalue()


def _wants_csv() -> bool:
    return request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv"


@blp.route("/audit/cases", methods=["GET"])
@allow(*AUDITORS)
@blp.arguments(AuditCaseQuery, location="query")
@blp.response(200, SearchSchema, description="JSON; or CSV for ``Accept: text/csv``")
@blp.alt_response(422, schema="Error")
def search_cases(args: dict[str, Any]) -> Any:
    """Cases across the installation by period, desk, officer, kind, status, rule, version."""
    result = engine_of().search.search(case_query(args))
    if _wants_csv():
        return Response(
            hits_csv(result),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="audit-cases.csv"'},
        )
    return {
        "cases": [hit.to_dict(masked=True) for hit in result.cases],
        "more": result.more,
        "matched": result.matched,
        "sample": result.sample,
        "seed": result.seed,
    }


@blp.route("/cases/<int:case_id>/access", methods=["GET"])
@allow(*AUDITORS)
@blp.arguments(AccessQuery, location="query")
@blp.response(200, AccessEntrySchema(many=True))
def case_access(args: dict[str, Any], case_id: int) -> Any:
    """Who read the case's personal data, when, what and from where (oldest first)."""
    return [e.to_dict() for e in engine_of().access.for_case(case_id, user=args.get("user"))]


@blp.route("/audit/jobs", methods=["POST"])
@allow(*AUDITORS)
@blp.arguments(JobCreateSchema, required=False)  # no body: verify every case
@blp.response(202, JobSchema)
@blp.alt_response(422, schema="Error")
def create_job(body: dict[str, Any]) -> Any:
    """Start verifying every case (or the filtered ones) in the background."""
    eng = engine_of()
    filters = body.get("filters")
    job = eng.jobs.create(case_query(filters) if filters else None, me().name)
    ensure_worker(eng, job.id)
    return job.to_dict()


@blp.route("/audit/jobs/<int:job_id>", methods=["GET"])
@allow(*AUDITORS)
@blp.response(200, JobSchema)
@blp.alt_response(404, schema="Error")
def get_job(job_id: int) -> Any:
    """A job's progress; a job whose process died is resumed by this look."""
    eng = engine_of()
    job = eng.jobs.get(job_id)
    if job.status == "running":
        ensure_worker(eng, job_id)
    return job.to_dict()


@blp.route("/audit/jobs/<int:job_id>/report", methods=["GET"])
@allow(*AUDITORS)
@blp.response(200, description="the signed report; `ltsa audit verify --file REPORT` checks it")
@blp.alt_response(404, schema="Error")
@blp.alt_response(409, schema="Error", description="the job has not finished")
def job_report(job_id: int) -> Response:
    """Download a finished job's signed report (canonical JSON: keep its bytes as they are)."""
    return Response(
        engine_of().jobs.report(job_id),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="verify-report-{job_id}.json"'},
    )
