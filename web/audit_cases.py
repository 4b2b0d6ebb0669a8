"""The auditor's pages across cases: search and samples, verification jobs, the access record.

Auditors and admins only. The search and the job list share the filters of
``GET /api/v1/audit/cases``; a job's page shows a progress bar that polls the
job (and so resumes it when the process that ran it has died).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from marshmallow import ValidationError

from engine import AccessEntry
from web.access import AUDITORS, allow, me
from web.api.audit_cases import AuditCaseQuery, case_query, hits_csv
from web.app_engine import engine_of
from web.audit_jobs import ensure_worker

__all__ = ["bp"]

bp = Blueprint("audit_cases", __name__, url_prefix="/audit")

_FILTERS = ("from", "to", "desk", "actor", "kind", "status", "rule", "process", "version")
_FILTERS += ("migrated", "sample", "seed")


def _filters(source: Any) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """Loaded filters, the raw values (to refill the form) and the errors."""
    raw = {k: source.get(k, "").strip() for k in _FILTERS if source.get(k, "").strip()}
    try:
        return AuditCaseQuery().load(raw), raw, {}
    except ValidationError as exc:
        return {}, raw, dict(exc.messages)  # type: ignore[arg-type]


@bp.route("")
@allow(*AUDITORS)
def index() -> str | Response:
    """Search cases, draw a sample, export it as CSV, start verification jobs."""
    eng = engine_of()
    args, raw, errors = _filters(request.args)
    result = None
    if raw and not errors:
        result = eng.search.search(case_query(args))
        if request.args.get("format") == "csv":
            return Response(
                hits_csv(result),
                mimetype="text/csv",
                headers={"Content-Disposition": 'attachment; filename="audit-cases.csv"'},
            )
    return render_template(
        "audit_cases/index.html",
        raw=raw,
        errors=errors,
        result=result,
        jobs=eng.jobs.recent(),
    )


@bp.route("/jobs", methods=["POST"])
@allow(*AUDITORS)
def new_job() -> Response:
    """Verify every case, or the cases of the current filters, in the background."""
    eng = engine_of()
    args, raw, errors = _filters(request.form)
    scoped = request.form.get("scope") == "filtered" and raw and not errors
    job = eng.jobs.create(case_query(args) if scoped else None, me().name)
    ensure_worker(eng, job.id)
    return redirect(url_for("audit_cases.job", job_id=job.id))


@bp.route("/jobs/<int:job_id>")
@allow(*AUDITORS)
def job(job_id: int) -> str:
    """A job's progress bar and, once finished, its signed report."""
    eng = engine_of()
    found = eng.jobs.get(job_id)
    if found.status == "running":
        ensure_worker(eng, job_id)
    return render_template("audit_cases/job.html", job=found)


@bp.route("/jobs/<int:job_id>/report")
@allow(*AUDITORS)
def job_report(job_id: int) -> Response:
    """The signed report of a finished job (keep its bytes: one changed byte breaks it)."""
    return Response(
        engine_of().jobs.report(job_id),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="verify-report-{job_id}.json"'},
    )


def _day(value: str) -> datetime | None:
    try:
        return datetime.combine(datetime.strptime(value, "%Y-%m-%d").date(), time(), UTC)
    except ValueError:
        return None


@bp.route("/access")
@allow(*AUDITORS)
def access() -> str:
    """The access record of one case (``?case=ID``) or of one user (``?user=NAME&from=&to=``)."""
    eng = engine_of()
    case_arg = request.args.get("case", "").strip()
    user = request.args.get("user", "").strip()[:200]
    since = _day(request.args.get("from", ""))
    until = _day(request.args.get("to", ""))
    entries: list[AccessEntry] = []
    if case_arg.isdigit() and len(case_arg) < 19:
        entries = eng.access.for_case(int(case_arg), user=user or None)
    elif user:
        entries = eng.access.for_user(
            user, since=since, until=until + timedelta(days=1) if until else None
        )
    return render_template(
        "audit_cases/access.html",
        entries=entries,
        case=case_arg,
        user=user,
        since=request.args.get("from", ""),
        until=request.args.get("to", ""),
    )
