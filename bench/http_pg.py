"""HTTP task completions on PostgreSQL with fsync on: `ltsa serve --workers N`, many clients.

Each of `--clients` threads holds one keep-alive connection and completes
the tasks of its own cases (the bench loop process, 20 steps a case), as an
office full of officers would; the server is `ltsa serve` (gunicorn gthread
with --workers > 1) in a child process on a throw-away PostgreSQL whose
durability is the default (fsync on). The clients run on the same machine.

    python -m bench.http_pg --workers 4 --threads 8 --clients 16 --seconds 30
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.completion import ACTOR, open_engine
from bench.http import _free_port, _wait_for
from bench.workloads import LOOP_KEY
from devtools.pgtemp import create_database, temporary_postgres

__all__ = ["main", "run"]

PER_CASE = 20


def run(
    url: str, data_dir: Path, workers: int, threads: int, clients: int, seconds: float
) -> dict[str, Any]:
    """Completions per second, p50/p99 latency and errors of `clients` keep-alive clients."""
    data_dir.mkdir(parents=True, exist_ok=True)
    eng = open_engine(url, data_dir)
    eng.users.add("bench_officer", "officer", ACTOR.desks, None)
    token = eng.users.new_token("bench_officer")
    cases_each = max(2, int(seconds * 40 / PER_CASE))  # more than a client can finish
    firsts = [
        [eng.start(LOOP_KEY, {}, ACTOR).ready_tasks[0].id for _ in range(cases_each)]
        for _ in range(clients)
    ]
    eng.close()
    port = _free_port()
    log = data_dir / "serve.log"
    env = dict(
        os.environ,
        LTSA_DATABASE_URL=url,
        LTSA_DATA_DIR=str(data_dir),
        LTSA_SECRET_KEY="bench-secret",
    )
    ltsa = Path(sys.executable).with_name("ltsa")
    server = subprocess.Popen(
        [
            str(ltsa),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        cwd=str(Path(__file__).resolve().parents[1]),
    )
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    stop_at = [0.0]

    def client(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for first in firsts[n]:
            task_id = first
            for i in range(1, PER_CASE + 1):
                if time.perf_counter() >= stop_at[0]:
                    return
                body = json.dumps({"data": {"i": i, "stop": False}})
                sent = time.perf_counter()
                try:
                    connection.request("POST", f"/api/v1/tasks/{task_id}/complete", body, headers)
                    response = connection.getresponse()
                    payload = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    break
                latencies[n].append((time.perf_counter() - sent) * 1000)
                if response.status != 200:
                    errors.append(f"HTTP {response.status}: {payload[:160]!r}")
                    break
                task_id = json.loads(payload)["ready_tasks"][0]["id"]

    try:
        _wait_for(port, server, seconds=60)
        time.sleep(2)  # every worker up
        started = time.perf_counter()
        stop_at[0] = started + seconds
        pool = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    every = sorted(x for per in latencies for x in per)
    return {
        "workers": workers,
        "threads": threads,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "completions": len(every),
        "per_s": round(len(every) / elapsed, 1),
        "p50_ms": round(every[len(every) // 2], 1) if every else None,
        "p99_ms": round(every[int(len(every) * 0.99)], 1) if every else None,
        "errors": len(errors),
        "first_errors": errors[:3],
    }


def main(argv: list[str] | None = None) -> None:
    """Run on a throw-away PostgreSQL with fsync on; print JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.http_pg")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workdir", type=Path, default=Path("var/bench-http-pg"))
    args = parser.parse_args(argv)
    with temporary_postgres(fsync=True) as server:
        url = create_database(server)
        result = run(url, args.workdir, args.workers, args.threads, args.clients, args.seconds)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
