"""Indonesian and English: the locale of a request, and the page texts.

Texts are written in English in the code and templates and translated to
Indonesian (the default) through `MESSAGES_ID`; dates and durations are
formatted by Flask-Babel in the chosen locale (time zone Asia/Jakarta).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Flask, session
from flask_babel import Babel, format_datetime, format_timedelta, get_locale

from engine import DESK_LABELS, Desk
from web.messages_id import MESSAGES_ID

__all__ = ["LOCALES", "current_locale", "desk_label", "gettext", "init_app", "mask_nik"]

LOCALES = ("id", "en")


def current_locale() -> str:
    """The locale of this request: the session's choice, else Indonesian."""
    chosen = session.get("lang")
    return chosen if chosen in LOCALES else "id"


def gettext(text: str, **values: Any) -> str:
    """Translate an English page text into the current locale, then fill ``%(name)s``."""
    if current_locale() == "id":
        text = MESSAGES_ID.get(text, text)
    return text % values if values else text


def desk_label(code: str | None) -> str:
    """The name of a desk in the current locale (the code if it is unknown)."""
    if not code:
        return "—"
    try:
        return DESK_LABELS[Desk(code)][current_locale()]
    except (KeyError, ValueError):
        return code


def mask_nik(nik: Any) -> str:
    """Show only the last four digits of a NIK, as lists must."""
    text = str(nik or "")
    return f"••••••••••••{text[-4:]}" if len(text) >= 4 else "—"


def _when(value: datetime | None) -> str:
    return format_datetime(value, "medium") if value is not None else "—"


def _waiting(delta: timedelta) -> str:
    return format_timedelta(delta, threshold=1.0, granularity="minute")


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and the template helpers on `app`."""
    Babel(app, locale_selector=current_locale)
    app.jinja_env.globals.update(
        _=gettext,
        gettext=gettext,
        desk_label=desk_label,
        mask_nik=mask_nik,
        current_locale=current_locale,
        get_locale=get_locale,
        LOCALES=LOCALES,
    )
    app.jinja_env.filters["when"] = _when
    app.jinja_env.filters["waiting"] = _waiting
