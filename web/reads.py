"""Reads of a case's personal data: recorded, then shown as far as the reader may see.

Every view that shows a case's data calls `read_case` (or `record_read`)
after loading it and before answering: the engine appends the read to the
access record in its own transaction and refuses the read (503) when it
cannot. `shown_case`/`shown_events` leave out the fields the BPMN declares
visible to others only (the ``visibility`` form-field property).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import request

from engine import AccessKind, CaseView, JournalEvent
from web.access import me
from web.app_engine import engine_of

__all__ = ["hidden_fields", "read_case", "record_read", "shown_events"]


def record_read(case_id: int, what: AccessKind, document: str | None = None) -> None:
    """Append this request's read of a case to the access record (raises when it cannot)."""
    engine_of().access.record(
        me().actor, case_id, what, address=request.remote_addr, document=document
    )


def hidden_fields(case: CaseView) -> frozenset[str]:
    """The fields of `case` the signed-in user may not see."""
    return engine_of().visibility.hidden(case, me().actor)


def read_case(case_id: int, what: AccessKind) -> tuple[CaseView, frozenset[str]]:
    """Load a case, record the read, and return it without the fields hidden from the reader."""
    eng = engine_of()
    case = eng.get_case(case_id, me().office)  # another office's case: not found
    record_read(case_id, what)
    hidden = hidden_fields(case)
    return eng.visibility.case(case, me().actor, hidden), hidden


def shown_events(events: Iterable[JournalEvent], hidden: frozenset[str]) -> list[JournalEvent]:
    """Journal events without the hidden fields' values."""
    return engine_of().visibility.events(events, hidden)
