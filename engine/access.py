"""The access record: who read a case's personal data, when, what and from where.

UU 27/2022 art. 31 makes the installation record every processing of
personal data, reads included. Each read is one row, appended in its own
transaction (never the reader's), hash-chained per day like the journal per
case, and covered by the signed checkpoints. A read whose record cannot be
written is refused (`AccessNotRecorded`), so no read goes unrecorded.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from engine.clock import Clock
from engine.errors import EngineError
from engine.journal import GENESIS_HASH, event_hash, utc_iso
from engine.store.db import Database
from engine.store.models import AccessRow
from engine.values import JsonValue, as_json, from_row
from engine.views import Actor

__all__ = [
    "AccessEntry",
    "AccessKind",
    "AccessLog",
    "AccessNotRecorded",
    "AccessVerification",
]

log = logging.getLogger(__name__)
_ATTEMPTS = 50


class AccessKind(StrEnum):
    """Which read of a case's personal data an entry records."""

    CASE_PAGE = "case_page"
    TASK_FORM = "task_form"
    API_CASE = "api_case"
    API_TASK = "api_task"
    API_HISTORY = "api_history"
    DOCUMENT = "document"
    EXPORT = "export"
    REPLAY = "replay"
    SUBJECT_EXPORT = "subject_export"
    SUBJECT_SELF = "subject_self"  # the worker's own status lookup
    CLI_CASE = "cli_case"  # `ltsa case show`
    CLI_HISTORY = "cli_history"  # `ltsa case history`


class AccessNotRecorded(EngineError):
    """The read could not be recorded, so it is refused (try again)."""

    code = "access_not_recorded"


@dataclass(frozen=True)
class AccessEntry:
    """One recorded read."""

    day: str
    seq: int
    recorded_at: datetime
    actor: str
    role: str
    office: str | None
    case_id: int
    what: str
    document: str | None
    address: str | None
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form, hash fields included (the time in UTC, to the microsecond)."""
        return as_json(self, recorded_at=utc_iso(self.recorded_at))

    def content(self) -> dict[str, Any]:
        """The hashed content (everything but the entry's own hash)."""
        return {k: v for k, v in self.to_dict().items() if k not in ("prev_hash", "hash")}


@dataclass(frozen=True)
class AccessVerification(JsonValue):
    """The verdict on one day's chain of the access record."""

    day: str
    intact: bool
    entries: int
    first_bad_entry: int | None = None
    problems: tuple[str, ...] = ()


class AccessLog:
    """Appends reads to the per-day chains and reads them back for auditors."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def record(
        self,
        actor: Actor,
        case_id: int,
        what: AccessKind | str,
        *,
        address: str | None = None,
        document: str | None = None,
        office: str | None = None,
    ) -> AccessEntry:
        """Append one read, committed before it returns.

        Raises:
            AccessNotRecorded: the record could not be written; refuse the read.
        """
        kind = AccessKind(what)
        office = office if office is not None else actor.office  # the reader's office
        for attempt in range(_ATTEMPTS):
            try:
                return self._append(actor, case_id, kind, address, document, office)
            except (IntegrityError, OperationalError):
                time.sleep(min(0.002 * (attempt + 1), 0.05))  # another reader took the number
            except SQLAlchemyError as exc:
                log.error("access record not written: %s", type(exc).__name__)
                raise AccessNotRecorded("the read could not be recorded; try again") from None
        log.error("access record not written after %d attempts", _ATTEMPTS)
        raise AccessNotRecorded("the read could not be recorded; try again")

    def _append(
        self,
        actor: Actor,
        case_id: int,
        kind: AccessKind,
        address: str | None,
        document: str | None,
        office: str | None,
    ) -> AccessEntry:
        now = self.clock.now().astimezone(UTC)
        day = now.date().isoformat()
        with self.db.engine.begin() as connection:
            if not self.db.is_sqlite:  # one writer per day chain at a time, the others wait
                lock_key = zlib.crc32(f"ltsa-access:{day}".encode())
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key})
            head = connection.execute(
                select(AccessRow.seq, AccessRow.hash)
                .where(AccessRow.day == day)
                .order_by(AccessRow.seq.desc())
                .limit(1)
            ).first()
            seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
            draft = AccessEntry(
                day=day,
                seq=seq,
                recorded_at=now,
                actor=actor.name[:200],
                role=str(actor.role)[:20],
                office=office,
                case_id=case_id,
                what=str(kind),
                document=document,
                address=(address or None) and address[:64],
                prev_hash=prev,
                hash="",
            )
            entry = replace(draft, hash=event_hash(prev, draft.content()))
            connection.execute(insert(AccessRow).values(**vars(entry)))
        return entry

    # --- reading ---------------------------------------------------------------

    def for_case(self, case_id: int, user: str | None = None) -> list[AccessEntry]:
        """Reads of one case, oldest first; optionally by one user only."""
        query = select(AccessRow).where(AccessRow.case_id == case_id)
        if user:
            query = query.where(AccessRow.actor == user)
        with self.db.session() as session:
            return [from_row(AccessEntry, r) for r in session.scalars(query.order_by(AccessRow.id))]

    def for_cases(self, case_ids: Iterable[int]) -> list[AccessEntry]:
        """Reads of several cases, oldest first."""
        ids = sorted(set(case_ids))
        if not ids:
            return []
        with self.db.session() as session:
            query = select(AccessRow).where(AccessRow.case_id.in_(ids)).order_by(AccessRow.id)
            return [from_row(AccessEntry, r) for r in session.scalars(query)]

    def for_user(
        self,
        user: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 1000,
    ) -> list[AccessEntry]:
        """What one user read (``everything officer X opened last month``), oldest first."""
        query = select(AccessRow).where(AccessRow.actor == user)
        if since is not None:
            query = query.where(AccessRow.recorded_at >= since)
        if until is not None:
            query = query.where(AccessRow.recorded_at < until)
        with self.db.session() as session:
            rows = session.scalars(query.order_by(AccessRow.recorded_at, AccessRow.id).limit(limit))
            return [from_row(AccessEntry, r) for r in rows]

    # --- checkpoints and verification ----------------------------------------------

    def heads(self) -> dict[str, list[Any]]:
        """Length and head hash of every day's chain (signed into the checkpoints)."""
        with self.db.session() as session:
            last = (
                select(AccessRow.day, func.max(AccessRow.seq).label("seq"))
                .group_by(AccessRow.day)
                .subquery()
            )
            rows = session.execute(
                select(AccessRow.day, AccessRow.seq, AccessRow.hash).join(
                    last, (AccessRow.day == last.c.day) & (AccessRow.seq == last.c.seq)
                )
            )
            return {day: [seq, head] for day, seq, head in sorted(rows)}

    def verify(self, checkpoint: Mapping[str, Any] | None = None) -> list[AccessVerification]:
        """Check every day's chain, and each against the signed checkpoint's heads."""
        signed: Mapping[str, Any] = (checkpoint or {}).get("access") or {}
        verdicts = []
        with self.db.session() as session:
            days = list(session.scalars(select(AccessRow.day).distinct().order_by(AccessRow.day)))
            for day in days:
                rows = session.scalars(
                    select(AccessRow).where(AccessRow.day == day).order_by(AccessRow.seq)
                )
                verdicts.append(
                    _verify_day(day, [from_row(AccessEntry, r) for r in rows], signed.get(day))
                )
        for day in sorted(set(signed) - set(days)):
            verdicts.append(
                AccessVerification(day, False, 0, 1, (f"the record of {day} was deleted",))
            )
        return verdicts


def _verify_day(day: str, entries: Sequence[AccessEntry], head: Any) -> AccessVerification:
    previous = GENESIS_HASH
    for position, entry in enumerate(entries, start=1):
        problem = None
        if entry.day != day or entry.seq != position:
            problem = f"entry {position} is numbered {entry.seq} (deleted or reordered)"
        elif entry.prev_hash != previous:
            problem = f"entry {position} does not follow entry {position - 1}"
        elif event_hash(entry.prev_hash, entry.content()) != entry.hash:
            problem = f"entry {position} was altered after it was written"
        if problem:
            return AccessVerification(day, False, len(entries), position, (problem,))
        previous = entry.hash
    if head is not None:
        length, head_hash = int(head[0]), str(head[1])
        if len(entries) < length:
            return AccessVerification(
                day,
                False,
                len(entries),
                len(entries) + 1,
                (f"the signed checkpoint saw {length} entries; some are missing at the end",),
            )
        if entries[length - 1].hash != head_hash:
            return AccessVerification(
                day, False, len(entries), length, (f"entry {length} differs from the checkpoint",)
            )
    return AccessVerification(day, True, len(entries))
