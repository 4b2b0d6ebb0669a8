"""The engine's one clock.

Every time the engine records comes from a `Clock`: the system clock in
production, a `ManualClock` in tests. Expressions and timers evaluated while an
input is applied read the time of that input (`input_time`), so replaying the
journal reproduces them exactly.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "ManualClock", "SystemClock", "applying_input_at", "input_time"]


class Clock(Protocol):
    """Something that tells the time as an aware UTC datetime."""

    def now(self) -> datetime:
        """Return the current time (timezone-aware, UTC)."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """Return the system time in UTC."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (tests, replay)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the clock's current time."""
        return self._now

    def set(self, when: datetime) -> None:
        """Move the clock to `when` (aware)."""
        if when.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware datetime")
        self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by `delta`."""
        self._now = self._now + delta


_INPUT_TIME: contextvars.ContextVar[datetime | None] = contextvars.ContextVar(
    "ltsa_input_time", default=None
)


@contextmanager
def applying_input_at(when: datetime) -> Iterator[None]:
    """Make `input_time()` return `when` while one input is applied."""
    token = _INPUT_TIME.set(when)
    try:
        yield
    finally:
        _INPUT_TIME.reset(token)


def input_time() -> datetime:
    """Return the time of the input being applied.

    Raises:
        RuntimeError: when called outside `applying_input_at` — a sign that
            workflow code runs without a journaled input, which replay could
            not reproduce.
    """
    when = _INPUT_TIME.get()
    if when is None:
        raise RuntimeError("workflow code ran outside an input; its time would not replay")
    return when
