"""Completions through the REST API: `waitress-serve` in a child process, one client.

The server is the production stack (`web.create_app` under waitress) on the
same SQLite file the benchmark seeded with loop cases; the client posts
`/api/v1/tasks/<id>/complete` with an API token and follows the returned
ready task, one request at a time, keep-alive.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.completion import ACTOR, open_engine
from bench.workloads import LOOP_KEY

__all__ = ["http_completions", "stop_server"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"waitress-serve exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the web server did not start within 30 s")


def stop_server(process: subprocess.Popen[bytes], seconds: float = 10) -> None:
    """Terminate a server child process; kill it if it has not ended within `seconds`."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()


def http_completions(data_dir: Path, completions: int) -> dict[str, Any]:
    """Completions per second and latency of the task API, one client, SQLite."""
    data_dir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{data_dir / 'http.db'}"
    eng = open_engine(url, data_dir)
    eng.users.add("bench_officer", "officer", ACTOR.desks, None)
    token = eng.users.new_token("bench_officer")
    per_case = 20
    first_tasks = [
        eng.start(LOOP_KEY, {}, ACTOR).ready_tasks[0].id
        for _ in range((completions + per_case - 1) // per_case)
    ]
    eng.close()
    port = _free_port()
    log = data_dir / "waitress.log"
    waitress = Path(sys.executable).with_name("waitress-serve")
    env = dict(
        os.environ,
        LTSA_DATABASE_URL=url,
        LTSA_DATA_DIR=str(data_dir),
        LTSA_SECRET_KEY="bench-secret",
    )
    server = subprocess.Popen(
        [
            str(waitress),
            "--host=127.0.0.1",
            f"--port={port}",
            "--threads=4",
            "--call",
            "web:create_app",
        ],
        env=env,
        cwd=str(Path(__file__).resolve().parents[1]),
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    try:
        _wait_for(port, server)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        latencies = []
        started = time.perf_counter()
        done = 0
        for first in first_tasks:
            task_id = first
            for i in range(1, per_case + 1):
                if done == completions:
                    break
                body = json.dumps({"data": {"i": i, "stop": False}})
                sent = time.perf_counter()
                connection.request("POST", f"/api/v1/tasks/{task_id}/complete", body, headers)
                response = connection.getresponse()
                payload = response.read()
                latencies.append((time.perf_counter() - sent) * 1000)
                if response.status != 200:
                    tail = log.read_text(errors="replace").strip().splitlines()[-1:]
                    raise RuntimeError(f"HTTP {response.status}: {payload[:200]!r} {tail}")
                task_id = json.loads(payload)["ready_tasks"][0]["id"]
                done += 1
        elapsed = time.perf_counter() - started
        latencies.sort()
        return {
            "completions": done,
            "per_s": done / elapsed,
            "p50_ms": latencies[len(latencies) // 2],
            "p95_ms": latencies[int(len(latencies) * 0.95)],
        }
    finally:
        stop_server(server)
