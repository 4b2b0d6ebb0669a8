"""The run budget: operations, deadline and sizes counted while an expression runs.

A `Run` lives in a context variable for the length of one evaluation; the guards
here charge it and refuse, before it is made, anything over the limits.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any, TypeVar

from engine.sandbox._limits import (
    MAX_ALLOCATED_ITEMS,
    MAX_OPERATIONS,
    MAX_SECONDS,
    MAX_SEQUENCE_LENGTH,
    SandboxLimitExceeded,
)

_T = TypeVar("_T")


@dataclass
class Run:
    now: Callable[[], datetime]
    timezone: tzinfo | None
    script: bool
    deadline: float
    operations: int = 0
    allocated: int = 0
    _next_check: int = field(default=0, repr=False)
    _time: datetime | None = field(default=None, repr=False)

    def tick(self, count: int = 1) -> None:
        self.operations += count
        if self.operations < self._next_check:
            return
        if self.operations > MAX_OPERATIONS:
            raise SandboxLimitExceeded(
                f"the expression used more than {MAX_OPERATIONS:,} operations; "
                "simplify it or move the work out of the process"
            )
        if time.monotonic() > self.deadline:
            raise SandboxLimitExceeded(f"the expression ran longer than {MAX_SECONDS} s")
        # Reading the clock costs as much as the operation itself: do it every 256.
        self._next_check = min(self.operations + 256, MAX_OPERATIONS + 1)

    def allocate(self, items: int) -> None:
        # Each operation is bounded, but a loop can keep what it makes: count it all.
        self.allocated += items
        if self.allocated > MAX_ALLOCATED_ITEMS:
            raise SandboxLimitExceeded(
                f"the expression made more than {MAX_ALLOCATED_ITEMS:,} list items or characters"
            )

    def time(self) -> datetime:
        if self._time is None:
            value = self.now()
            if value.tzinfo is None:
                raise ValueError("the sandbox clock must return a timezone-aware datetime")
            self._time = value.astimezone(self.timezone) if self.timezone else value
        return self._time


CURRENT_RUN: contextvars.ContextVar[Run] = contextvars.ContextVar("sandbox_run")


def tick(count: int = 1) -> None:
    run = CURRENT_RUN.get(None)
    if run is not None:
        run.tick(count)


def allocate(length: int) -> None:
    """Refuse, before it is made, a string or container that would be too long; count it."""
    if length > MAX_SEQUENCE_LENGTH:
        raise SandboxLimitExceeded(
            f"a string or list of {length:,} items would be made "
            f"(at most {MAX_SEQUENCE_LENGTH:,} are allowed)"
        )
    run = CURRENT_RUN.get(None)
    if run is not None:
        run.allocate(length)


def charged(value: _T) -> _T:
    """Count a string or container made in one step (a slice, a method's result)."""
    if isinstance(value, (str, *CONTAINERS)):
        allocate(len(value))
    return value


CONTAINERS = (list, tuple, dict, set, frozenset)


def sized(value: _T) -> _T:
    """Charge the budget for every element reachable from a container, then return it.

    Comparison, hashing and printing walk a container in C without any hook; lists that
    share their elements (`[a] * 1000` three times over) make that walk exponentially
    longer than building them. Charging the walk first keeps every primitive bounded.
    """
    run = CURRENT_RUN.get(None)
    if run is None or not isinstance(value, CONTAINERS):
        return value
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        items: Iterable[Any] = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        children = [child for child in items if isinstance(child, CONTAINERS)]
        run.tick(len(item) + 1)
        stack.extend(children)
    return value


def ordered(iterable: Iterable[_T]) -> Iterable[_T]:
    """Iterate sets in a fixed order: string hashing differs between processes."""
    if not isinstance(iterable, (set, frozenset)):
        return iterable
    sized(iterable)
    try:
        return sorted(iterable)
    except TypeError:
        return sorted(iterable, key=lambda item: (type(item).__name__, repr(item)))


def guarded_iter(iterable: Iterable[_T]) -> Iterator[_T]:
    run = CURRENT_RUN.get()
    for item in ordered(iterable):
        run.tick()
        yield item


def current_run() -> Run:
    run = CURRENT_RUN.get(None)
    if run is None:
        raise RuntimeError("today() and now() work only inside a sandboxed evaluation")
    return run
