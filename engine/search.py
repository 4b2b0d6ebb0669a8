"""The auditor's search across cases, and reproducible random samples of it.

A filter on the journal (who acted, at which desk, what kind of input, in
which period) selects the cases with at least one such event; filters on the
case (status, version, the rule named in the rejection reason, migrated or
not) narrow it further. Indexes for each journal filter are in migration 0008.
A page lists the cases with the newest matching activity first (journal
filters only) or the newest cases first (with case filters); a sample is
drawn from the sorted ids of every matching case with `random.Random(seed)`,
so the same filters and seed draw the same cases.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, tuple_

from engine.errors import ValidationFailed
from engine.journal import EventKind
from engine.store.db import Database
from engine.store.models import CaseRow, EventRow, ProcessVersionRow
from engine.values import as_json

__all__ = ["CaseHit", "CaseQuery", "CaseSearch", "SearchResult", "mask_nik"]

MAX_SAMPLE = 10_000
MAX_PAGE = 1000
_CHUNK = 1000  # journal entries read by the first step of a search by activity
_MAX_CHUNK = 32_000


def mask_nik(nik: str | None) -> str:
    """A NIK with all but its last four digits hidden (for lists that leave the system)."""
    if not nik:
        return ""
    return "*" * max(0, len(nik) - 4) + nik[-4:]


@dataclass(frozen=True)
class CaseQuery:
    """The auditor's filters; every one is optional (``office``: the case's office code)."""

    since: datetime | None = None
    until: datetime | None = None
    office: str | None = None
    desk: str | None = None
    actor: str | None = None
    kind: str | None = None
    status: str | None = None
    rule: str | None = None
    process_key: str | None = None
    version: int | None = None
    migrated: bool | None = None
    sample: int | None = None
    seed: int | None = None
    limit: int = 100
    offset: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The filters as JSON-able data (printed on reports)."""
        return {
            k: (v.isoformat() if isinstance(v, datetime) else v)
            for k, v in vars(self).items()
            if v is not None and k not in ("limit", "offset")
        }


@dataclass(frozen=True)
class CaseHit:
    """One case found: what an auditor's list shows."""

    id: int
    process_key: str
    version: int
    status: str
    rejection_reason: str | None
    nik: str | None
    applicant_name: str | None
    created_at: datetime
    updated_at: datetime

    def to_dict(self, *, masked: bool = True) -> dict[str, Any]:
        """A JSON-able form; the NIK masked unless asked otherwise."""
        return as_json(self, nik=mask_nik(self.nik) if masked else self.nik)


@dataclass(frozen=True)
class SearchResult:
    """A page of matching cases (or the sample), and how it was drawn."""

    cases: tuple[CaseHit, ...]
    more: bool
    matched: int | None = None  # known when a sample was drawn
    sample: int | None = None
    seed: int | None = None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# the filters that ask for one column to equal the query's value (when given)
_EVENT_COLUMNS = {"actor": EventRow.actor, "desk": EventRow.desk, "kind": EventRow.kind}
_CASE_COLUMNS = {
    "office": CaseRow.office,
    "status": CaseRow.status,
    "process_key": CaseRow.process_key,
}


def _equal(query: CaseQuery, columns: dict[str, Any]) -> list[Any]:
    return [
        column == getattr(query, name) for name, column in columns.items() if getattr(query, name)
    ]


class CaseSearch:
    """Runs `CaseQuery`s against the cases and the journal."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def _check(query: CaseQuery) -> None:
        errors: dict[str, list[str]] = {}
        if query.kind is not None and query.kind not in {k.value for k in EventKind}:
            errors["kind"] = [f"unknown event kind {query.kind!r}"]
        if query.since and query.until and query.since >= query.until:
            errors["to"] = ["the period ends before it starts"]
        if query.sample is not None and not 0 < query.sample <= MAX_SAMPLE:
            errors["sample"] = [f"a sample has 1 to {MAX_SAMPLE} cases"]
        if not 0 < query.limit <= MAX_PAGE or query.offset < 0:
            errors["limit"] = [f"a page has 1 to {MAX_PAGE} cases"]
        if errors:
            raise ValidationFailed(errors)

    @staticmethod
    def _event_conditions(query: CaseQuery) -> list[Any]:
        conditions = _equal(query, _EVENT_COLUMNS)
        if query.since:
            conditions.append(EventRow.recorded_at >= query.since)
        if query.until:
            conditions.append(EventRow.recorded_at < query.until)
        return conditions

    @staticmethod
    def _case_conditions(query: CaseQuery) -> list[Any]:
        conditions = _equal(query, _CASE_COLUMNS)
        if query.version is not None:
            conditions.append(ProcessVersionRow.version == query.version)
        if query.rule:
            pattern = f"%{_escape_like(query.rule)}%"
            conditions.append(CaseRow.rejection_reason.like(pattern, escape="\\"))
        if query.migrated is not None:
            migrated = select(EventRow.case_id).where(EventRow.kind == EventKind.CASE_MIGRATED)
            column = CaseRow.id.in_(migrated)
            conditions.append(column if query.migrated else ~column)
        return conditions

    def _filtered(self, query: CaseQuery, columns: Any) -> Select[Any]:
        stmt = select(*columns).join(
            ProcessVersionRow, ProcessVersionRow.id == CaseRow.process_version_id
        )
        events = self._event_conditions(query)
        if events:
            stmt = stmt.where(CaseRow.id.in_(select(EventRow.case_id).where(*events)))
        return stmt.where(*self._case_conditions(query))

    def _matching_ids(self, session: Any, query: CaseQuery) -> list[int]:
        """Every matching id, ascending; from the journal's index alone when it can."""
        events = self._event_conditions(query)
        if events and not self._case_conditions(query):
            stmt = select(EventRow.case_id).where(*events).distinct().order_by(EventRow.case_id)
        else:
            stmt = self._filtered(query, (CaseRow.id,)).order_by(CaseRow.id)
        return [int(i) for i in session.scalars(stmt)]

    _COLUMNS = (
        CaseRow.id,
        CaseRow.process_key,
        ProcessVersionRow.version,
        CaseRow.status,
        CaseRow.rejection_reason,
        CaseRow.nik,
        CaseRow.applicant_name,
        CaseRow.created_at,
        CaseRow.updated_at,
    )

    def search(self, query: CaseQuery) -> SearchResult:
        """A page of matching cases, or, with ``sample``, a seeded sample (by id).

        With journal filters only, the cases whose matching activity is newest
        come first (walked along the journal's index); with case filters too
        (status, rule, version ...), the newest cases first.

        Raises:
            ValidationFailed: a filter is out of range (names the filter).
        """
        self._check(query)
        with self.db.session() as session:
            if query.sample is None:
                if self._event_conditions(query) and not self._case_conditions(query):
                    return self._by_activity(session, query)
                stmt = self._filtered(query, self._COLUMNS).order_by(CaseRow.id.desc())
                rows = session.execute(stmt.limit(query.limit + 1).offset(query.offset)).all()
                hits = tuple(CaseHit(*r) for r in rows[: query.limit])
                return SearchResult(hits, more=len(rows) > query.limit)
            seed = query.seed if query.seed is not None else secrets.randbelow(2**31)
            ids = self._matching_ids(session, query)
            chosen = sorted(random.Random(seed).sample(ids, min(query.sample, len(ids))))
            hits = tuple(sorted(self._hits(session, chosen, CaseQuery()), key=lambda h: h.id))
            return SearchResult(hits, False, matched=len(ids), sample=query.sample, seed=seed)

    def _hits(self, session: Any, ids: list[int], query: CaseQuery) -> list[CaseHit]:
        """The cases of `ids` that pass the case filters of `query` (any order)."""
        hits: list[CaseHit] = []
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            stmt = select(*self._COLUMNS).join(
                ProcessVersionRow, ProcessVersionRow.id == CaseRow.process_version_id
            )
            stmt = stmt.where(CaseRow.id.in_(part), *self._case_conditions(query))
            hits.extend(CaseHit(*r) for r in session.execute(stmt))
        return hits

    def _by_activity(self, session: Any, query: CaseQuery) -> SearchResult:
        """Walk the matching journal entries newest first, in chunks along the index.

        Each chunk is a short range of one of the journal's indexes (actor,
        desk, kind or time, then recorded_at), so a page costs about what it
        shows, wherever in the journal's history the matches lie.
        """
        wanted = query.offset + query.limit + 1
        events = self._event_conditions(query)
        order = (EventRow.recorded_at.desc(), EventRow.case_id.desc())
        seen: set[int] = set()
        found: list[CaseHit] = []
        last: tuple[Any, int] | None = None
        size = _CHUNK
        while len(found) < wanted:
            stmt = select(EventRow.recorded_at, EventRow.case_id).where(*events)
            if last is not None:
                stmt = stmt.where(tuple_(EventRow.recorded_at, EventRow.case_id) < last)
            chunk = session.execute(stmt.order_by(*order).limit(size)).all()
            fresh = []
            for _at, case_id in chunk:
                if case_id not in seen:
                    seen.add(case_id)
                    fresh.append(case_id)
            rank = {case_id: position for position, case_id in enumerate(fresh)}
            passed = self._hits(session, fresh, query)
            found.extend(sorted(passed, key=lambda hit: rank[hit.id]))
            if len(chunk) < size:
                break
            last = (chunk[-1][0], chunk[-1][1])
            size = min(size * 2, _MAX_CHUNK)  # few cases pass the case filters: stride longer
        page = found[query.offset : query.offset + query.limit]
        return SearchResult(tuple(page), more=len(found) > query.offset + query.limit)

    def ids(self, query: CaseQuery) -> list[int]:
        """Every matching case id, ascending (or the sample's), for verification jobs."""
        if query.sample is not None:
            return [hit.id for hit in self.search(query).cases]
        self._check(query)
        with self.db.session() as session:
            return self._matching_ids(session, query)
