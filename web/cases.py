"""Case pages: search, one case (diagram, timeline, documents), starting a case.

Readers are officers, auditors and admins; documents open for officers and
auditors only, and only those the case itself refers to.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from engine import AccessKind, CaseView, Engine, EventKind, JournalEvent, Role
from web.access import AUDITORS, READERS, allow, me
from web.app_engine import engine_of
from web.i18n import gettext
from web.printouts import DOCUMENTS
from web.public import public_desk
from web.reads import read_case, record_read, shown_events

__all__ = ["bp", "diagram_xml", "document_refs", "element_of", "path_of", "show_value"]

bp = Blueprint("cases", __name__, url_prefix="/cases")

_STATUSES = ("active", "completed", "rejected", "withdrawn")


@bp.route("")
@allow(*READERS)
def search() -> str:
    """Find cases by NIK (all 16 digits) or part of the applicant's name."""
    eng = engine_of()
    query = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "")
    status = status if status in _STATUSES else ""
    page_arg = request.args.get("page", "1")
    page = max(1, int(page_arg)) if page_arg.isdigit() else 1
    size = int(current_app.config["LTSA_PAGE_SIZE"])
    found = eng.list_cases(
        status=status or None,
        search=query or None,
        limit=size + 1,
        offset=(page - 1) * size,
        office=me().office,
    )
    keys = sorted({p.key for p in eng.processes()})
    return render_template(
        "cases/search.html",
        cases=found[:size],
        q=query,
        status=status,
        statuses=_STATUSES,
        page=page,
        has_next=len(found) > size,
        process_keys=keys,
        may_start=me().role in (Role.OFFICER, Role.ADMIN),
    )


@bp.route("/new", methods=["POST"])
@allow(Role.OFFICER, Role.ADMIN)
def start() -> Response:
    """Start a case of the latest version of a process (its first task holds the data)."""
    case = engine_of().start(request.form.get("process", ""), {}, me().actor)
    flash(gettext("Case %(id)s started.", id=case.id))
    return redirect(url_for("cases.show", case_id=case.id))


@bp.route("/<int:case_id>")
@allow(*READERS, Role.KEPALA)  # the head opens the case of an escalated task
def show(case_id: int) -> str:
    """One case: the process diagram, the timeline of its journal and its documents."""
    eng = engine_of()
    case, hidden = read_case(case_id, AccessKind.CASE_PAGE)
    events = shown_events(eng.history(case_id), hidden)
    return render_template(
        "cases/show.html",
        case=case,
        timeline=[_timeline_entry(e) for e in events],
        documents=document_refs(case.data, events),
        may_download=me().role in (Role.OFFICER, Role.AUDITOR),
        may_audit=me().role in AUDITORS,
        my_desks=me().desks if me().role in (Role.OFFICER, Role.KEPALA) else (),
        complaints=(
            public_desk().complaints_about(case, me().office)
            if me().role in (Role.OFFICER, Role.AUDITOR)
            else []
        ),
        printouts=DOCUMENTS if me().role == Role.OFFICER else (),
    )


@bp.route("/<int:case_id>/diagram.json")
@allow(*READERS, Role.KEPALA)
def diagram(case_id: int) -> Response:
    """The BPMN XML of the case's process version, with its path and active tasks.

    ``?path=0`` leaves the path out, for pages that mark a past step themselves;
    ``?version=N`` gives another version's diagram (a migrated case ran on two).
    """
    eng = engine_of()
    case = eng.get_case(case_id, me().office)
    completed, active = path_of(eng, case) if request.args.get("path") != "0" else ([], [])
    asked = request.args.get("version", "")
    version = int(asked) if asked.isdigit() and len(asked) < 10 else case.version
    return jsonify(
        {
            "process": case.process_key,
            "version": version,
            "xml": diagram_xml(eng, case.process_key, version),
            "completed": completed,
            "active": active,
        }
    )


@bp.route("/<int:case_id>/documents/<sha256>")
@allow(Role.OFFICER, Role.AUDITOR)
def document(case_id: int, sha256: str) -> Response:
    """Download a document of this case (only documents the case refers to)."""
    eng = engine_of()
    case = eng.get_case(case_id, me().office)
    hidden = eng.visibility.hidden(case, me().actor)
    shown = eng.visibility.case(case, me().actor, hidden)
    refs = {
        d["sha256"]: d
        for d in document_refs(shown.data, shown_events(eng.history(case_id), hidden))
    }
    ref = refs.get(sha256)
    if ref is None:
        abort(404)
    try:
        content = eng.documents.get(sha256)
    except (OSError, ValueError):
        abort(404)
    record_read(case_id, AccessKind.DOCUMENT, document=sha256)
    name = re.sub(r"[^\w.\- ]", "_", str(ref.get("name") or "dokumen"))
    return Response(
        content,
        mimetype=str(ref.get("media_type") or "application/octet-stream"),
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


# --- helpers shared with the API ------------------------------------------------


def _is_document(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("sha256"), str) and "name" in value


def _documents_in(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key, value in data.items():
        if _is_document(value):
            yield key, value


def document_refs(data: dict[str, Any], events: list[JournalEvent]) -> list[dict[str, Any]]:
    """Documents of a case: those in its data, then older ones from its journal."""
    found: dict[tuple[str, str], dict[str, Any]] = {}  # one file may serve several fields
    for field, ref in _documents_in(data):
        found.setdefault((field, ref["sha256"]), {**ref, "field": field, "current": True})
    for event in events:
        payload_data = event.payload.get("data")
        if isinstance(payload_data, dict):
            for field, ref in _documents_in(payload_data):
                found.setdefault((field, ref["sha256"]), {**ref, "field": field, "current": False})
    return list(found.values())


def diagram_xml(eng: Engine, key: str, version: int) -> str | None:
    """The BPMN file of a process version that defines the process `key`."""
    pattern = re.compile(
        rb"<(?:[\w-]+:)?process\b[^>]*\bid\s*=\s*[\"']" + re.escape(key.encode()) + rb"[\"']"
    )
    for source in eng.version_files(key, version):
        if source.name.lower().endswith(".bpmn") and pattern.search(source.content):
            return source.content.decode("utf-8", errors="replace")
    return None


def path_of(eng: Engine, case: CaseView) -> tuple[list[str], list[str]]:
    """BPMN element ids the case has passed through, and those it waits at now."""
    passed, waiting = eng.case_path(case.id)
    return [e for e in passed if e not in set(waiting)], sorted(waiting)


def element_of(task_ref: str) -> str:
    """The BPMN element id of a stable task reference (``process/element#n``)."""
    return task_ref.split("#", 1)[0].rpartition("/")[2]


def show_value(value: Any) -> str:
    """A case data value as text: documents by name and hash, structures as JSON."""
    if value is None or value == "":
        return "—"
    if _is_document(value):
        return f"{value['name']} (sha256 {str(value['sha256'])[:12]}…)"
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        return text if len(text) <= 300 else text[:299] + "…"
    return str(value)


def event_entry(event: JournalEvent) -> dict[str, Any]:
    """What a page lists of any journal event: when, what, who, at which step."""
    return {
        "seq": event.seq,
        "kind": str(event.kind),
        "when": event.recorded_at,
        "actor": event.actor,
        "desk": event.desk,
        "step": element_of(event.task_ref) if event.task_ref else "",
    }


def _timeline_entry(event: JournalEvent) -> dict[str, Any]:
    payload = event.payload
    fields: list[str] = []
    detail = ""
    data = payload.get("data")
    if isinstance(data, dict):
        fields = sorted(data)
    if event.kind == EventKind.DATA_CORRECTED:
        fields = [str(payload.get("field"))]
        detail = str(payload.get("reason", ""))
    elif event.kind == EventKind.CASE_WITHDRAWN:
        detail = str(payload.get("reason", ""))
    elif event.kind == EventKind.MESSAGE_RECEIVED:
        detail = str(payload.get("name", ""))
    elif event.kind == EventKind.CASE_STARTED:
        detail = f"{payload.get('process')} v{payload.get('version')}"
    elif event.kind == EventKind.CASE_MIGRATED:
        mapped = ", ".join(f"{a} → {b}" for a, b in (payload.get("mapping") or {}).items())
        detail = f"v{payload.get('from_version')} → v{payload.get('to_version')}"
        detail += f" ({mapped})" if mapped else ""
    return {**event_entry(event), "fields": fields, "detail": detail}
