"""Due timers: which worker fires which timer, and when.

A worker leases a batch of due timers in one short transaction (on
PostgreSQL with ``FOR UPDATE SKIP LOCKED``, so workers never wait on each
other), then fires each through the engine's one write path, which checks
under the case lock that the timer still waits: a timer fires exactly once.
A worker killed mid-batch loses its lease after `LEASE`; another takes over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from engine.store.db import Database
from engine.store.models import TimerRow

__all__ = ["LEASE", "DueTimer", "lease_due_timers"]

LEASE = timedelta(seconds=30)


@dataclass(frozen=True)
class DueTimer:
    """A timer leased to a worker."""

    id: int
    case_id: int
    ref: str
    due_at: datetime


def lease_due_timers(db: Database, now: datetime, worker: str, limit: int) -> list[DueTimer]:
    """Lease up to `limit` due timers to `worker` until `now + LEASE`."""
    query = (
        select(TimerRow)
        .where(
            TimerRow.state == "waiting",
            TimerRow.due_at <= now,
            or_(TimerRow.leased_until.is_(None), TimerRow.leased_until < now),
        )
        .order_by(TimerRow.due_at, TimerRow.id)
        .limit(limit)
    )
    with db.session() as session, session.begin():
        if db.is_sqlite:
            # one writer at a time: take the write lock before reading
            session.execute(update(TimerRow).where(TimerRow.id == -1).values(state="waiting"))
        else:
            query = query.with_for_update(skip_locked=True)
        rows = session.scalars(query).all()
        for row in rows:
            row.leased_until = now + LEASE
            row.leased_by = worker
        return [DueTimer(r.id, r.case_id, r.ref, r.due_at) for r in rows]
