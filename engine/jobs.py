"""Verification as a background job, and its signed report.

A job fixes its list of cases when it is created (every case, or a search or
sample), then verifies them in batches, one result row per case. A process
works on a job only while it holds the job's lease; a job whose lease has run
out (its web process died) is resumed by the next process that asks, from the
first case without a result. At the end the report is built from the result
rows, with the access record's chains, and signed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from engine.access import AccessLog
from engine.audit import Auditor, Verification, signature_ok
from engine.clock import Clock
from engine.errors import Conflict, NotFound, known_id
from engine.journal import canonical_json
from engine.search import CaseQuery, CaseSearch
from engine.store.db import Database
from engine.store.models import AuditJobResultRow, AuditJobRow, CaseRow
from engine.values import as_json, from_row

__all__ = ["REPORT_FORMAT", "JobView", "VerifyJobs", "is_report", "verify_report"]

REPORT_FORMAT = "ltsa-verify-report/1"
LEASE_SECONDS = 15
BATCH = 10


@dataclass(frozen=True)
class JobView:
    """A verification job and how far it got."""

    id: int
    status: str
    total: int
    done: int
    created_at: datetime
    created_by: str
    finished_at: datetime | None
    params: dict[str, Any]
    not_intact: int = 0

    @property
    def percent(self) -> int:
        """Progress, 0 to 100."""
        return 100 if not self.total else min(100, self.done * 100 // self.total)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form, with the percent done."""
        return as_json(self, percent=self.percent)


class VerifyJobs:
    """Creates, runs, resumes and reports verification jobs."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        auditor: Auditor,
        access: AccessLog,
        search: CaseSearch,
        lease_seconds: float | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.auditor = auditor
        self.access = access
        self.search = search
        if lease_seconds is None:  # how long a dead process's job waits before another resumes it
            lease_seconds = float(os.environ.get("LTSA_JOB_LEASE_SECONDS") or LEASE_SECONDS)
        self.lease = timedelta(seconds=lease_seconds)

    def create(self, query: CaseQuery | None, actor: str) -> JobView:
        """Fix the cases to verify (None: every case, and those a checkpoint knew) and store it."""
        params: dict[str, Any] = {"scope": "all"}
        if query is None:
            with self.db.session() as session:
                ids = set(session.scalars(select(CaseRow.id)))
            checkpoint = self.auditor.latest_checkpoint()
            ids |= {int(i) for i in (checkpoint or {}).get("cases", {})}
            case_ids = sorted(ids)
        else:
            if query.sample is not None and query.seed is None:
                query = replace(query, seed=self.search.search(query).seed)
            params = {"scope": "filtered", "filters": query.to_dict()}
            case_ids = self.search.ids(query)
        with self.db.session() as session, session.begin():
            row = AuditJobRow(
                kind="verify",
                status="running",
                params=params,
                case_ids=case_ids,
                done=0,
                created_at=self.clock.now(),
                created_by=actor,
            )
            session.add(row)
            session.flush()
            return self._view(session, row)

    def get(self, job_id: int) -> JobView:
        """One job.

        Raises:
            NotFound: no such job.
        """
        known_id(job_id, "job")
        with self.db.session() as session:
            row = session.get(AuditJobRow, job_id)
            if row is None:
                raise NotFound(f"verification job {job_id} does not exist")
            return self._view(session, row)

    def recent(self, limit: int = 20) -> list[JobView]:
        """The newest jobs first."""
        with self.db.session() as session:
            rows = session.scalars(select(AuditJobRow).order_by(AuditJobRow.id.desc()).limit(limit))
            return [self._view(session, r) for r in rows]

    @staticmethod
    def _view(session: Any, row: AuditJobRow) -> JobView:
        bad = session.scalar(
            select(func.count())
            .select_from(AuditJobResultRow)
            .where(AuditJobResultRow.job_id == row.id, AuditJobResultRow.intact.is_(False))
        )
        return from_row(
            JobView, row, total=len(row.case_ids), params=dict(row.params), not_intact=int(bad or 0)
        )

    def needs_worker(self, job_id: int) -> bool:
        """Whether the job is unfinished and nobody holds its lease (its worker died)."""
        with self.db.session() as session:
            row = session.get(AuditJobRow, job_id)
            now = self.clock.now()
            return (
                row is not None
                and row.status == "running"
                and (row.leased_until is None or row.leased_until < now)
            )

    def _take(self, job_id: int, worker: str) -> bool:
        now = self.clock.now()
        with self.db.engine.begin() as connection:
            taken = connection.execute(
                update(AuditJobRow)
                .where(
                    AuditJobRow.id == job_id,
                    AuditJobRow.status == "running",
                    or_(
                        AuditJobRow.leased_until.is_(None),
                        AuditJobRow.leased_until < now,
                        AuditJobRow.leased_by == worker,
                    ),
                )
                .values(leased_by=worker, leased_until=now + self.lease)
            )
            return taken.rowcount == 1

    def run(self, job_id: int, worker: str, *, batch: int = BATCH) -> JobView:
        """Work on a job until it is done or its lease is lost; safe to call again."""
        while self._take(job_id, worker):
            remaining = self._remaining(job_id)
            if not remaining:
                self._finish(job_id)
                break
            verdicts = [self._verify(case_id) for case_id in remaining[:batch]]
            self._store(job_id, verdicts)
        return self.get(job_id)

    def _remaining(self, job_id: int) -> list[int]:
        with self.db.session() as session:
            row = session.get(AuditJobRow, job_id)
            assert row is not None
            done = set(
                session.scalars(
                    select(AuditJobResultRow.case_id).where(AuditJobResultRow.job_id == job_id)
                )
            )
            return [int(i) for i in row.case_ids if int(i) not in done]

    def _verify(self, case_id: int) -> Verification:
        try:
            return self.auditor.verify(case_id)
        except NotFound:
            return Verification(case_id, False, 1, ("the case does not exist",))

    def _store(self, job_id: int, verdicts: list[Verification]) -> None:
        try:
            with self.db.session() as session, session.begin():
                for v in verdicts:
                    session.add(
                        AuditJobResultRow(
                            job_id=job_id,
                            case_id=v.case_id,
                            intact=v.intact,
                            first_bad_event=v.first_bad_event,
                            problems=list(v.problems),
                            events=v.events,
                        )
                    )
                session.flush()
                count = session.scalar(
                    select(func.count())
                    .select_from(AuditJobResultRow)
                    .where(AuditJobResultRow.job_id == job_id)
                )
                session.execute(
                    update(AuditJobRow).where(AuditJobRow.id == job_id).values(done=count)
                )
        except IntegrityError:
            pass  # another process stored these meanwhile; the next round skips them

    def _finish(self, job_id: int) -> None:
        now = self.clock.now()
        with self.db.session() as session:
            row = session.get(AuditJobRow, job_id)
            assert row is not None
            cases = [
                {
                    "case_id": r.case_id,
                    "intact": r.intact,
                    "first_bad_event": r.first_bad_event,
                    "problems": list(r.problems),
                    "events": r.events,
                }
                for r in session.scalars(
                    select(AuditJobResultRow)
                    .where(AuditJobResultRow.job_id == job_id)
                    .order_by(AuditJobResultRow.case_id)
                )
            ]
            params, created_at, created_by = dict(row.params), row.created_at, row.created_by
        access = []
        if params.get("scope") == "all":
            access = [v.to_dict() for v in self.access.verify(self.auditor.latest_checkpoint())]
        bad_cases = [c["case_id"] for c in cases if not c["intact"]]
        document = {
            "format": REPORT_FORMAT,
            "job": job_id,
            "requested_by": created_by,
            "started_at": created_at.isoformat(),
            "finished_at": now.isoformat(),
            "scope": params,
            "summary": {
                "cases": len(cases),
                "intact": len(cases) - len(bad_cases),
                "not_intact": bad_cases,
                "access_days": len(access),
                "access_not_intact": [a["day"] for a in access if not a["intact"]],
            },
            "cases": cases,
            "access": access,
        }
        # canonical bytes: any changed byte either breaks the form or the signature
        signed = canonical_json(self.auditor.sign(document)).decode("utf-8") + "\n"
        with self.db.session() as session, session.begin():
            session.execute(
                update(AuditJobRow)
                .where(AuditJobRow.id == job_id, AuditJobRow.status == "running")
                .values(status="done", finished_at=now, report=signed, leased_until=None)
            )

    def report(self, job_id: int) -> str:
        """The signed report (JSON text) of a finished job.

        Raises:
            NotFound: no such job.
            Conflict: the job has not finished yet.
        """
        known_id(job_id, "job")
        with self.db.session() as session:
            row = session.get(AuditJobRow, job_id)
            if row is None:
                raise NotFound(f"verification job {job_id} does not exist")
            if row.report is None:
                raise Conflict(f"verification job {job_id} has not finished")
            return row.report

    def unfinished(self) -> Iterator[int]:
        """Ids of jobs that are still running (perhaps without a worker)."""
        with self.db.session() as session:
            yield from session.scalars(
                select(AuditJobRow.id).where(AuditJobRow.status == "running")
            ).all()


def is_report(content: bytes) -> bool:
    """Whether a file looks like a verification report (rather than a case export)."""
    return REPORT_FORMAT.encode() in content[:4096] or b'"format":"ltsa-verify' in content


def verify_report(content: bytes, expected_key: str | None = None) -> tuple[bool, str]:
    """Check a signed verification report offline: (intact, what was found).

    The report is canonical JSON plus one newline; any other byte sequence is
    refused, so altering even a space is detected, not only a value.
    """
    try:
        document = json.loads(content.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return False, f"the report is not valid JSON: {exc}"
    if not isinstance(document, dict) or document.get("format") != REPORT_FORMAT:
        return False, "not an LTSA verification report"
    try:
        canonical = canonical_json(document) + b"\n"
    except ValueError:
        canonical = b""
    if content != canonical:
        return False, "the report's bytes are not as signed: it was altered"
    if not signature_ok(document, expected_key):
        return False, "the report's signature does not verify: it was altered"
    summary = document.get("summary", {})
    return True, (
        f"signed report of job {document.get('job')} ({document.get('finished_at')}): "
        f"{summary.get('cases')} case(s), {summary.get('intact')} intact, "
        f"not intact: {summary.get('not_intact') or 'none'}"
    )
