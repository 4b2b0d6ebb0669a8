"""The auditor's page of one case: step through its journal, verify it, ask "what if".

Everything shown is the engine's replay of the stored journal on the exact
process version the case ran on (`Engine.replay`), not the live case row, so
the page shows what the record proves. Auditors and admins only; read-only.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from engine import AccessKind, Role
from web.access import AUDITORS, allow, me
from web.app_engine import engine_of
from web.cases import document_refs, element_of, event_entry, show_value
from web.reads import read_case

__all__ = ["bp"]

bp = Blueprint("audit", __name__, url_prefix="/audit")
bp.add_app_template_filter(show_value, "value")


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@bp.route("/cases/<int:case_id>")
@allow(*AUDITORS)
def case(case_id: int) -> str:
    """The case after event ``to`` (default: the last), with verify and what-if on request."""
    eng = engine_of()
    current, hidden = read_case(case_id, AccessKind.REPLAY)
    events = eng.history(case_id)
    last = len(events)
    step = min(max(_int_arg("to") or last, 1), last)
    others = [
        p.version
        for p in eng.processes()
        if p.key == current.process_key and p.version != current.version
    ]
    against = _int_arg("against")
    against = against if against in others else None
    replay = eng.replay(case_id, to=step, against=against)
    verification = eng.verify(case_id) if request.args.get("verify") == "1" else None
    titles = {t.ref: t.title for t in eng.list_tasks(case_id=case_id, state=None, limit=500)}
    active = set(replay.active)
    return render_template(
        "audit/case.html",
        case=current,
        replay=replay,
        step=step,
        last=last,
        events=[event_entry(e) for e in events],
        data=sorted(eng.visibility.data(replay.data, hidden).items()),
        changed=sorted(eng.visibility.data(replay.changed, hidden).items()),
        documents=document_refs(
            eng.visibility.data(replay.data, hidden), eng.visibility.events(events[:step], hidden)
        ),
        ready=[(ref, titles.get(ref, element_of(ref))) for ref in replay.ready_tasks],
        completed=[e for e in replay.path if e not in active],
        active=sorted(active),
        others=others,
        against=against,
        verification=verification,
        may_download=me().role == Role.AUDITOR,  # as on the case page: admins see hashes only
    )
