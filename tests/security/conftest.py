"""Fixtures for the security tests: a guard that turns a hang into a failure."""

from __future__ import annotations

import faulthandler
import signal
from collections.abc import Iterator
from types import FrameType

import pytest

# Generous on purpose: a refusal takes milliseconds; this only catches hangs.
HANG_SECONDS = 20


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail the test after HANG_SECONDS; kill the run if it is stuck inside C code.

    SIGALRM interrupts Python code only, so a parser spinning inside libxml2 would never see
    it: faulthandler's watchdog thread then dumps every stack and exits the process.
    """

    def expired(signum: int, frame: FrameType | None) -> None:
        pytest.fail(f"still running after {HANG_SECONDS} s: a hang, not a refusal")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(HANG_SECONDS)
    faulthandler.dump_traceback_later(HANG_SECONDS * 3, exit=True)
    try:
        yield
    finally:
        signal.alarm(0)
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, previous)
