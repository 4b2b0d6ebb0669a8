"""`ltsa` commands run as real subprocesses (`serve`, `worker`) by the tests that need them.

Each is the leader of its own process group, writes to its own log and is
killed with its whole group; a server is awaited by polling its API.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["LTSA", "Proc", "await_server", "free_port", "spawn"]

ROOT = Path(__file__).resolve().parents[1]
LTSA = Path(sys.executable).with_name("ltsa")


@dataclass
class Proc:
    """One `ltsa` subprocess, the leader of its own process group."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL the whole process group and reap the leader."""
        with suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=10)

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def free_port() -> int:
    """A TCP port of 127.0.0.1 that is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spawn(name: str, args: list[str], env: dict[str, str], log_dir: Path) -> Proc:
    """Start `ltsa ARGS` in its own process group, its output in ``LOG_DIR/NAME.log``."""
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(  # noqa: S603 - our own executable and arguments
            [str(LTSA), *args],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Proc(name, popen, log)


def await_server(proc: Proc, token: str, deadline: float) -> None:
    """Poll the API until it answers 200, the process dies, or the deadline passes."""
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            pytest.fail(f"{proc.name} exited with {proc.popen.returncode}:\n{proc.log_tail()}")
        conn = http.client.HTTPConnection("127.0.0.1", proc.port, timeout=2)
        try:
            conn.request("GET", "/api/v1/processes", headers={"Authorization": f"Bearer {token}"})
            if conn.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    pytest.fail(f"{proc.name} did not answer on port {proc.port}:\n{proc.log_tail()}")
