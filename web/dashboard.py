"""The head of office's dashboard (`/dashboard`) and its heatmap diagram.

Tables first (readable without JavaScript and by screen readers); the weekly
chart is drawn from its table by chart.js and the heatmap colours the
process diagram by the median wait at each task (web/static/js/dashboard.js).
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Blueprint, jsonify, render_template, request
from werkzeug.wrappers import Response

from engine import Role
from web.access import allow, me
from web.app_engine import engine_of
from web.figures import figures_for, figures_json, period_of

__all__ = ["bp"]

bp = Blueprint("dashboard", __name__)

_KEY = re.compile(r"^[A-Za-z_][\w.-]{0,199}$")
HEATMAP_PROCESS = "ltsa_placement"


def _hours(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    delta = timedelta(seconds=round(seconds))
    days, rest = divmod(int(delta.total_seconds()), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes:02d} m"


@bp.route("/dashboard")
@allow(Role.KEPALA, Role.ADMIN, Role.AUDITOR)
def index() -> str:
    """The figures of the user's office, or (national users) one office or all compared."""
    eng = engine_of()
    period = period_of(eng, request.args)
    office = request.args.get("office") or None
    figures = figures_for(eng, office, period)
    keys = sorted({p.key for p in eng.processes()})
    process = request.args.get("process") or (HEATMAP_PROCESS if HEATMAP_PROCESS in keys else "")
    process = process if process in keys else (keys[0] if keys else "")
    return render_template(
        "dashboard/index.html",
        figures=figures,
        chosen=figures[0] if len(figures) == 1 else None,
        national=me().office is None,
        offices=eng.offices.list() if me().office is None else [],
        office=office or "",
        period=period,
        process=process,
        hours=_hours,
        now=eng.clock.now(),
    )


@bp.route("/dashboard/diagram.json")
@allow(Role.KEPALA, Role.ADMIN, Role.AUDITOR)
def diagram() -> Response:
    """The latest version's diagram of a process and the median wait at each task."""
    from web.cases import diagram_xml

    eng = engine_of()
    key = request.args.get("process", "")
    versions = [p.version for p in eng.processes() if p.key == key] if _KEY.match(key) else []
    period = period_of(eng, request.args)
    figures = figures_for(eng, request.args.get("office") or None, period)
    body = figures_json(figures, period)
    waits: dict[str, float] = {}
    for office in body["offices"]:
        for element, waiting in office["elements"].items():
            median = waiting["median_seconds"]
            if median is not None:
                waits[element] = max(waits.get(element, 0.0), median)
    xml = diagram_xml(eng, key, max(versions)) if versions else None
    return jsonify({"process": key, "xml": xml, "waits": waits})
