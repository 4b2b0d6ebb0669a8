"""Rate limits of the public endpoints, counted in the database.

Several web processes share one count per client address and endpoint in a
fixed window (e.g. one minute). The address is stored only as a hash.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from engine.clock import Clock
from engine.store.db import Database
from engine.store.models import RateCounterRow

__all__ = ["RateLimits"]

_KEEP = timedelta(hours=1)


class RateLimits:
    """Counts hits per (scope, client) and window."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def hit(self, scope: str, client: str, limit: int, window_seconds: int = 60) -> bool:
        """Count one hit; False when this one is over `limit` in the current window."""
        now = self.clock.now()
        start = _window_start(now, window_seconds)
        bucket = hashlib.sha256(f"{scope}|{client}|{start.isoformat()}".encode()).hexdigest()
        row = RateCounterRow
        for _ in range(3):
            try:
                with self.db.engine.begin() as connection:
                    bumped = connection.execute(
                        update(row).where(row.bucket == bucket).values(hits=row.hits + 1)
                    ).rowcount
                    if not bumped:
                        connection.execute(
                            insert(row).values(bucket=bucket, window_start=start, hits=1)
                        )
                        connection.execute(delete(row).where(row.window_start < now - _KEEP))
                    hits = connection.execute(
                        select(row.hits).where(row.bucket == bucket)
                    ).scalar_one()
                return int(hits) <= limit
            except IntegrityError:
                continue  # another process inserted the window's row first: bump it
        return False


def _window_start(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)
