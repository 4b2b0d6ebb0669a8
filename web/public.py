"""The public pages under ``/publik``: no account needed.

Requirements and procedure (derived from the deployed definitions), the
status of a placement case by tracking code and birth date, the complaint
form (generated from the complaint process's intake form) and a complaint's
status. Forms are POSTed with a CSRF token; look-ups and filings are rate
limited per client address; a failed look-up always reads the same.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask_wtf.csrf import generate_csrf

import forms
from engine import NotFound, PublicDesk, ValidationFailed
from web.access import public
from web.app_engine import engine_of
from web.i18n import current_locale, gettext

__all__ = ["bp", "client_address", "public_desk", "within_limit"]

bp = Blueprint("public", __name__, url_prefix="/publik")

LOOKUPS_PER_MINUTE = 20
FILINGS_PER_HOUR = 10

_VALUE_LABELS: dict[str, dict[str, str]] = {
    "kawin": {"id": "Kawin", "en": "Married"},
    "belum_kawin": {"id": "Belum kawin", "en": "Single"},
    "cerai_hidup": {"id": "Cerai hidup", "en": "Divorced"},
    "cerai_mati": {"id": "Cerai mati", "en": "Widowed"},
    "spouse": {"id": "Suami/istri", "en": "Spouse"},
    "parent": {"id": "Orang tua (cukup salah satu yang masih hidup)", "en": "A parent"},
    "guardian": {"id": "Wali", "en": "Guardian"},
    "none": {"id": "kedua orang tua telah meninggal", "en": "both parents deceased"},
    "kepala_desa": {"id": "Kepala desa", "en": "Village head"},
    "lurah": {"id": "Lurah", "en": "Urban-ward head"},
    "domestic": {"id": "domestik (rumah tangga)", "en": "domestic work"},
    "formal": {"id": "formal", "en": "formal"},
    "received": {"id": "Diterima", "en": "Received"},
    "in_progress": {"id": "Sedang diproses", "en": "In progress"},
    "resolved": {"id": "Selesai", "en": "Resolved"},
    "closed_info": {"id": "Informasi telah diberikan", "en": "Information given"},
}


def label(value: Any) -> str:
    """A code's label in the current locale (country codes by their name)."""
    text = str(value or "")
    known = _VALUE_LABELS.get(text)
    if known:
        return known[current_locale()]
    country = forms.countries().get(text)
    if country:
        return f"{country.get(current_locale()) or country.get('en') or text} ({text})"
    return text


def public_desk() -> PublicDesk:
    """The app's `PublicDesk` (one per app, over its engine)."""
    desk: PublicDesk | None = current_app.extensions.get("ltsa_public")
    if desk is None:
        desk = current_app.extensions["ltsa_public"] = PublicDesk(engine_of())
    return desk


def client_address() -> str:
    """The client's address as the server sees it (a proxy must pass it on)."""
    return request.remote_addr or "unknown"


def within_limit(scope: str) -> bool:
    """Count this request; False when the client is over its limit for `scope`."""
    if scope == "filing":
        return public_desk().allow_hit(scope, client_address(), FILINGS_PER_HOUR, 3600)
    return public_desk().allow_hit(scope, client_address(), LOOKUPS_PER_MINUTE, 60)


def _too_many() -> tuple[str, int]:
    message = gettext("Too many requests from your address. Please wait a minute and try again.")
    return render_template("public/message.html", message=message), 429


@bp.route("")
@public
def index() -> str:
    """Requirements and procedure, and the forms to check a status."""
    try:
        requirements = public_desk().requirements()
    except NotFound:
        requirements = None
    return render_template("public/index.html", req=requirements, label=label)


@bp.route("/status", methods=["POST"])
@public
def status() -> tuple[str, int] | str:
    """A placement case's step, desk and missing documents."""
    if not within_limit("lookup"):
        return _too_many()
    code = request.form.get("code", "")[:40]
    birth_date = request.form.get("birth_date", "")[:10]
    try:
        progress = public_desk().progress(code, birth_date, request.remote_addr)
    except NotFound:
        message = gettext("No case matches this tracking code and birth date.")
        return render_template("public/message.html", message=message), 404
    return render_template("public/status.html", progress=progress, label=label)


@bp.route("/pengaduan", methods=["GET", "POST"])
@public
def complaint() -> tuple[str, int] | str:
    """The complaint form; filing it gives the tracking code."""
    desk = public_desk()
    form = desk.complaint_form()
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not within_limit("filing"):
            return _too_many()
        values = forms.from_html_form(form, request.form, request.files, current={})
        data = {k: v for k, v in values.items() if k != desk.OFFICE_FIELD}
        office = str(values.get(desk.OFFICE_FIELD) or "")  # "": none chosen, refused
        try:
            _, code = desk.file_complaint(data, locale=current_locale(), office=office)
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            return render_template("public/filed.html", code=code), 201
    html = forms.render_html(
        form,
        values=values,
        errors=errors,
        locale=current_locale(),
        csrf_token=generate_csrf(),
        action=request.path,
        submit_label=gettext("Send complaint"),
    )
    page = render_template("public/complaint.html", form_html=html)
    return (page, 422) if errors else page


@bp.route("/pengaduan/status", methods=["POST"])
@public
def complaint_status() -> tuple[str, int] | str:
    """A complaint's status and resolution, by its tracking code."""
    if not within_limit("lookup"):
        return _too_many()
    try:
        found = public_desk().complaint(request.form.get("code", "")[:40])
    except NotFound:
        message = gettext("No complaint matches this tracking code.")
        return render_template("public/message.html", message=message), 404
    return render_template("public/complaint_status.html", complaint=found, label=label)
