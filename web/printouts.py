"""Printouts from a case: receipt, missing documents (R7), AK.1 card, departure summary.

Print-ready HTML (``@media print`` and ``@page`` size in ``print.css``; the
receipt also at 80 mm receipt-printer width with ``?width=80mm``), Indonesian
by default, English with ``?lang=en``. Labels come from the case's own
process version (its forms and its document_validity table), not a copy.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, render_template, request

from engine import DESK_LABELS, CaseView, Desk, EventKind, Role
from web.access import allow, me
from web.app_engine import engine_of
from web.messages_id import MESSAGES_ID
from web.public import public_desk

__all__ = ["DOCUMENTS", "WHERE_TO_GET", "bp"]

bp = Blueprint("printouts", __name__, url_prefix="/cases")

DOCUMENTS = ("receipt", "missing", "ak1", "departure")

#: Where an applicant gets a missing document: (words in its label, id, en).
WHERE_TO_GET: tuple[tuple[str, str, str], ...] = (
    ("akta cerai", "Pengadilan Agama atau Pengadilan Negeri", "Religious or district court"),
    ("buku nikah", "KUA (Kantor Urusan Agama) atau buku nikah Anda", "Religious affairs office"),
    (
        "status perkawinan",
        "Dukcapil (catatan sipil), melalui kantor desa/kelurahan",
        "Civil registry (Dukcapil), through the village office",
    ),
    (
        "izin",
        "Ditandatangani pemberi izin, diketahui kepala desa atau lurah di kantor desa/kelurahan",
        "Signed by the consenting person, acknowledged at the village or ward office",
    ),
    ("R5", "Kantor desa/kelurahan (kepala desa atau lurah)", "Village or ward office"),
)

DEPARTURE_FIELDS = (
    "destination_country",
    "sector",
    "p3mi_id",
    "job_order_id",
    "passport_number",
    "passport_expiry",
    "visa_number",
    "skck_number",
    "skck_issued",
    "health_exam_date",
    "bpjs_number",
    "ak1_number",
    "ak1_issued",
    "epmi_card_number",
    "departure_date",
)


def where_to_get(missing: str, lang: str) -> str:
    """Where to get a missing document, by the words of its label."""
    for words, in_id, in_en in WHERE_TO_GET:
        if words.lower() in missing.lower():
            return in_id if lang == "id" else in_en
    return "Loket Disnaker" if lang == "id" else "Manpower office desk"


@bp.route("/<int:case_id>/print/<document>")
@allow(Role.OFFICER)
def show(case_id: int, document: str) -> str:
    """One printout of a case, ready to print."""
    if document not in DOCUMENTS:
        abort(404)
    eng = engine_of()
    case = eng.get_case(case_id, me().office)
    lang = "en" if request.args.get("lang") == "en" else "id"
    narrow = document == "receipt" and request.args.get("width") == "80mm"

    def t(text: str) -> str:
        return MESSAGES_ID.get(text, text) if lang == "id" else text

    def desk_name(code: str | None) -> str:
        try:
            return DESK_LABELS[Desk(str(code))][lang]
        except (KeyError, ValueError):
            return str(code or "—")

    fields = public_desk().field_labels(case)

    def field_label(field_id: str) -> str:
        field = fields.get(field_id)
        return field.label_for(lang) if field is not None else field_id

    context: dict[str, Any] = {
        "case": case,
        "lang": lang,
        "narrow": narrow,
        "t": t,
        "desk_name": desk_name,
        "field_label": field_label,
        "printed_at": eng.clock.now(),
        "printed_by": me().name,
    }
    if document == "receipt":
        context["code"] = public_desk().tracking_code(case.id)
        context["received"] = _received(eng.history(case.id))
    elif document == "missing":
        missing = [str(m) for m in case.data.get("missing_documents") or []]
        context["missing"] = [(m, where_to_get(m, lang)) for m in missing]
    elif document == "ak1":
        context["valid_until"] = _ak1_valid_until(case)
    else:
        context["rows"] = [(f, case.data[f]) for f in DEPARTURE_FIELDS if case.data.get(f)]
    return render_template(f"print/{document}.html", **context)


def _received(events: list[Any]) -> list[dict[str, Any]]:
    """Documents handed in: which, when, at which desk (from the journal)."""
    found = []
    for event in events:
        data = event.payload.get("data")
        if event.kind != EventKind.TASK_COMPLETED or not isinstance(data, dict):
            continue
        for field, value in data.items():
            if isinstance(value, dict) and isinstance(value.get("sha256"), str):
                found.append(
                    {
                        "field": field,
                        "name": str(value.get("name") or ""),
                        "when": event.recorded_at,
                        "desk": event.desk,
                    }
                )
    return found


def _ak1_valid_until(case: CaseView) -> str:
    """The AK.1 card's expiry: its issue date plus the months of the deployed validity rule."""
    issued = str(case.data.get("ak1_issued") or "")
    if not case.data.get("ak1_number") or not issued:
        abort(404, description="the AK.1 card has not been issued in this case")
    rules = public_desk().requirements(case).validity
    months = next((r.months for r in rules if r.field == "ak1_issued" and r.months), None)
    if months is None:
        return "—"
    start = date.fromisoformat(issued)
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    day = min(start.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return date(year, month, day).isoformat()
