"""A scale-out cluster: two `ltsa serve` and two `ltsa worker` processes on one PostgreSQL.

Every process runs in its own process group and is killed (SIGKILL to the
group) when the cluster is left, whatever happens; ports are awaited with
bounded polling and a process that dies while starting fails the test with
its log.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from ltsa_subprocess import Proc, await_server, free_port, spawn

from engine import Engine

__all__ = ["OFFICERS", "Cluster", "Proc", "running_cluster"]

PROBE_BPMN = Path(__file__).with_name("scale_probe.bpmn")
OFFICERS = ("scale-o1", "scale-o2", "scale-o3", "scale-o4")
STARTUP_TIMEOUT = 60.0


@dataclass
class Cluster:
    """Two web processes, two timer workers and an in-process engine for checking."""

    database_url: str
    data_dir: Path
    engine: Engine
    tokens: dict[str, str]
    servers: list[Proc] = field(default_factory=list)
    workers: list[Proc] = field(default_factory=list)

    def all(self) -> list[Proc]:
        return [*self.servers, *self.workers]

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name} (pid {p.popen.pid}) ---\n{p.log_tail()}" for p in self.all()
        )


@contextmanager
def running_cluster(postgres_url: str, tmp_path: Path) -> Iterator[Cluster]:
    """A deployed probe process, four officers with tokens, 2 servers and 2 workers running."""
    data_dir = tmp_path / "data"
    eng = Engine(database_url=postgres_url, data_dir=data_dir)
    eng.init_db()
    eng.deploy([PROBE_BPMN], actor="designer")
    tokens = {}
    for name in OFFICERS:
        eng.users.add(name, "officer", ("disnaker",))
        tokens[name] = eng.users.new_token(name)
    env = {
        **os.environ,
        "LTSA_DATABASE_URL": postgres_url,
        "LTSA_DATA_DIR": str(data_dir),
        # one secret for both web processes, not a race to create the file
        "LTSA_SECRET_KEY": "scale-test-" + "0" * 40,
        "PYTHONUNBUFFERED": "1",
    }
    made = Cluster(postgres_url, data_dir, eng, tokens)
    try:
        for index in range(2):
            port = free_port()
            proc = spawn(
                f"serve{index}",
                ["serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "8"],
                env,
                tmp_path,
            )
            proc.port = port
            made.servers.append(proc)
        for index in range(2):
            made.workers.append(spawn(f"worker{index}", ["worker"], env, tmp_path))
        deadline = time.monotonic() + STARTUP_TIMEOUT
        for proc in made.servers:
            await_server(proc, tokens[OFFICERS[0]], deadline)
        for proc in made.workers:
            if proc.popen.poll() is not None:
                pytest.fail(f"{proc.name} exited:\n{proc.log_tail()}")
        yield made
    finally:
        for proc in made.all():
            proc.kill()
        eng.close()
