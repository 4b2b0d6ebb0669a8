"""The designer's page "impact on running cases": preview and migrate to a new version.

The page lists the cases page by page (`impact.json`, read-only), shows the
two diagrams with the elements that differ, and moves cases in small
chunked requests (`migrate.json`) so the progress bar follows and a closed
tab leaves every case migrated or not. The engine proves each move.
"""

from __future__ import annotations

from itertools import islice

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import EngineError, Role, ValidationFailed
from web.access import allow, me
from web.app_engine import engine_of
from web.errors import error_body, status_of

__all__ = ["bp"]

bp = Blueprint("migrations", __name__, url_prefix="/designer/migrations")
DESIGNERS = (Role.DESIGNER, Role.ADMIN)
PAGE = 25
MOST_PER_REQUEST = 50


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _bpmn_of(key: str, version: int) -> str | None:
    for source in engine_of().version_files(key, version):
        if source.name.lower().endswith(".bpmn") and f'id="{key}"'.encode() in source.content:
            return source.name
    return None


@bp.route("/<key>/<int:version>")
@allow(*DESIGNERS)
def page(key: str, version: int) -> str:
    """Counts, the cases with their verdicts, the two diagrams, the migrate action."""
    eng = engine_of()
    versions = [p for p in eng.processes() if p.key == key]
    numbers = sorted(p.version for p in versions)
    if version not in numbers:
        abort(404)
    others = [v for v in numbers if v != version]
    chosen = _int_arg("from")
    with_cases = [p.version for p in versions if p.version != version and p.active_cases]
    source = chosen if chosen in others else max(with_cases or others or [version])
    total = sum(p.active_cases for p in versions if p.version != version)
    changes = eng.compare_versions(key, source, version) if source != version else None
    files = {v: _bpmn_of(key, v) for v in {source, version}}
    return render_template(
        "designer/migrations.html",
        key=key,
        version=version,
        source=source,
        others=others,
        total=total,
        changes=changes,
        old_xml=files[source]
        and url_for("designer.version_file", key=key, version=source, name=files[source]),
        new_xml=files[version]
        and url_for("designer.version_file", key=key, version=version, name=files[version]),
        impact_url=url_for("migrations.impact", key=key, version=version),
        migrate_url=url_for("migrations.migrate", key=key, version=version),
    )


@bp.route("/<key>/<int:version>/impact.json")
@allow(*DESIGNERS)
def impact(key: str, version: int) -> Response | tuple[Response, int]:
    """The next page of verdicts: cases with an id after ``after``."""
    after = _int_arg("after") or 0
    try:
        verdicts = engine_of().preview_migration(key, version, me().actor, after=after)
        cases = [v.to_dict() for v in islice(verdicts, PAGE)]
    except EngineError as exc:
        return jsonify(error_body(exc)), status_of(exc)
    return jsonify({"cases": cases, "next": cases[-1]["case_id"] if len(cases) == PAGE else None})


@bp.route("/<key>/<int:version>/migrate.json", methods=["POST"])
@allow(*DESIGNERS)
def migrate(key: str, version: int) -> tuple[Response, int]:
    """Move the given cases (each proven again, in its own transaction), with a mapping."""
    body = request.get_json(silent=True) or {}
    cases, mapping = body.get("cases"), body.get("map") or {}
    try:
        if (
            not isinstance(cases, list)
            or not 0 < len(cases) <= MOST_PER_REQUEST
            or not all(isinstance(c, int) and not isinstance(c, bool) for c in cases)
        ):
            raise ValidationFailed({"cases": [f"give 1 to {MOST_PER_REQUEST} case ids"]})
        if not isinstance(mapping, dict):
            raise ValidationFailed({"map": ["give OLD: NEW element ids"]})
        outcomes = engine_of().migrate(key, version, me().actor, cases=cases, mapping=mapping)
        return jsonify({"cases": [o.to_dict() for o in outcomes]}), 200
    except EngineError as exc:
        return jsonify(error_body(exc)), status_of(exc)
