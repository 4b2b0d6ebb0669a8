"""HTTP task completions on PostgreSQL with fsync on: `ltsa serve --workers N`, many clients.

Each of `--clients` threads holds one keep-alive connection and completes
the tasks of its own cases, as an office full of officers would; the server
is `ltsa serve` (gunicorn gthread with --workers > 1) in a child process on a
throw-away PostgreSQL whose durability is the default (fsync on). The
clients run on the same machine.

Two workloads:

- `loop`: the bench loop process, one user task 20 times a case (cases
  started beforehand); every request is a completion.
- `ltsa`: the LTSA placement process, registration to departure, with the
  inputs of `bench.workloads.ltsa_inputs` (the sample applicant of
  devtools/applicants.py, uploads included). Each case is started through
  the API by the office's `disnaker` officer; every task is completed by the
  officer of its desk (one officer a desk, all of one office, each with an
  API token); the P3MI officer delivers the `job_order_verified` message.
  Completions are the task completions; starts and messages are counted
  apart and their time is in the run's wall time.

At the end every case the run touched is verified (`Engine.verify`: hash
chain, case row, snapshot and replay).

    python -m bench.http_pg --workload ltsa --workers 4 --threads 8 --clients 16 --seconds 30
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.baselines import Input
from bench.completion import ACTOR, START, open_engine
from bench.http import _free_port, _wait_for, stop_server
from bench.workloads import LOOP_KEY, LTSA_KEY, ltsa_inputs
from devtools.pgtemp import create_database, temporary_postgres
from engine import Desk, Engine

__all__ = ["WORKLOADS", "cpu_ms", "main", "postmaster", "run", "today_inputs"]

PER_CASE = 20
OFFICE = "bench"
WORKLOADS = ("loop", "ltsa")


@dataclass
class Client:
    """One keep-alive connection and what it measured."""

    port: int
    measure_from: float  # requests sent earlier are the warm-up, not counted
    stop_at: float
    latencies: list[float] = field(default_factory=list)  # ms of each task completion
    others: int = 0  # starts and messages
    errors: list[str] = field(default_factory=list)
    cases: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def time_left(self) -> bool:
        return time.perf_counter() < self.stop_at

    def post(self, path: str, body: dict[str, Any], token: str, completion: bool) -> Any:
        """POST JSON; the answer's JSON, or None after recording an error."""
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        sent = time.perf_counter()
        try:
            self.connection.request("POST", path, json.dumps(body), headers)
            response = self.connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return None
        if response.status not in (200, 201):
            self.errors.append(f"HTTP {response.status} {path}: {payload[:160]!r}")
            return None
        if sent < self.measure_from:
            pass
        elif completion:
            self.latencies.append((time.perf_counter() - sent) * 1000)
        else:
            self.others += 1
        return json.loads(payload)


Drive = Callable[[Client, int], None]
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def today_inputs(serial: int) -> list[Input]:
    """`ltsa_inputs` with its dates moved so that the case starts today.

    The server runs on the real clock, and the final verification checks that
    certificates and passports are still valid then; the birth date stays.
    """
    shift = date.today() - START.date()

    def moved(key: str, value: Any) -> Any:
        if key == "birth_date" or not isinstance(value, str) or not _DATE.fullmatch(value):
            return value
        return (date.fromisoformat(value) + timedelta(days=shift.days)).isoformat()

    return [
        Input(step.kind, step.name, {k: moved(k, v) for k, v in step.data.items()})
        for step in ltsa_inputs(serial)
    ]


def _loop_workload(eng: Engine, clients: int, seconds: float) -> Drive:
    """Loop cases started beforehand; a client completes its cases' tasks in order."""
    eng.users.add("bench_officer", "officer", ACTOR.desks, None, office=OFFICE)
    token = eng.users.new_token("bench_officer")
    cases_each = max(2, int(seconds * 40 / PER_CASE))  # more than a client can finish
    firsts = []
    for _ in range(clients):
        views = [eng.start(LOOP_KEY, {}, ACTOR, office=OFFICE) for _ in range(cases_each)]
        firsts.append([(view.id, view.ready_tasks[0].id) for view in views])

    def drive(client: Client, n: int) -> None:
        for case_id, first in firsts[n]:
            client.cases.append(case_id)
            task_id = first
            for i in range(1, PER_CASE + 1):
                if not client.time_left():
                    return
                body = {"data": {"i": i, "stop": False}}
                answer = client.post(f"/api/v1/tasks/{task_id}/complete", body, token, True)
                if answer is None:
                    break
                task_id = answer["ready_tasks"][0]["id"]

    return drive


def _ltsa_workload(eng: Engine, clients: int, seconds: float) -> Drive:
    """LTSA cases started and driven through the API by the desk officers of one office."""
    tokens = {}
    for desk in Desk:
        name = f"petugas_{desk.value}"
        eng.users.add(name, "officer", (desk.value,), None, office=OFFICE)
        tokens[desk.value] = eng.users.new_token(name)

    def drive(client: Client, n: int) -> None:
        serial = n * 10_000
        while client.time_left():
            serial += 1
            case = client.post(
                "/api/v1/cases", {"process": LTSA_KEY, "data": {}}, tokens["disnaker"], False
            )
            if case is None:
                return
            client.cases.append(case["id"])
            for step in today_inputs(serial):
                if not client.time_left():
                    return
                if step.kind == "message":
                    path = f"/api/v1/cases/{case['id']}/messages/{step.name}"
                    case = client.post(path, {"data": step.data}, tokens["p3mi"], False)
                else:
                    ready = [t for t in case["ready_tasks"] if t["name"] == step.name]
                    if not ready:
                        names = [t["name"] for t in case["ready_tasks"]]
                        client.errors.append(f"case {case['id']}: {step.name} not in {names}")
                        break
                    task = ready[0]
                    path = f"/api/v1/tasks/{task['id']}/complete"
                    case = client.post(path, {"data": step.data}, tokens[task["desk"]], True)
                if case is None:
                    break

    return drive


def _processes() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, CPU ticks used so far, command line) of every process."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, UnicodeDecodeError):
            continue
        found[int(pid)] = (int(stat[1]), int(stat[11]) + int(stat[12]), command)
    return found


def postmaster(server_url: str) -> int | None:
    """The pid of the local PostgreSQL server on the port of `server_url` (None: not here)."""
    flag = f"-p {server_url.rsplit(':', 1)[1].split('/')[0]} "
    found = [p for p, (_, _, cmd) in _processes().items() if "postgres" in cmd and flag in cmd]
    return min(found) if found else None


def cpu_ms(root: int | None) -> float:
    """CPU milliseconds used so far by `root` and its children (Linux /proc); 0 for None."""
    if root is None:
        return 0.0
    every = _processes()

    tree, grown = {root}, True
    while grown:
        more = {pid for pid, (parent, _, _) in every.items() if parent in tree} - tree
        grown = bool(more)
        tree |= more
    return sum(every[pid][1] for pid in tree if pid in every) * 1000 / os.sysconf("SC_CLK_TCK")


def _serve(
    url: str, data_dir: Path, workers: int, threads: int
) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    env = dict(
        os.environ,
        LTSA_DATABASE_URL=url,
        LTSA_DATA_DIR=str(data_dir),
        LTSA_SECRET_KEY="bench-secret",
    )
    ltsa = Path(sys.executable).with_name("ltsa")
    command = [str(ltsa), "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--threads", str(threads)]
    server = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(data_dir / "serve.log").open("wb"),
        cwd=str(Path(__file__).resolve().parents[1]),
    )
    return server, port


def run(
    url: str,
    data_dir: Path,
    workers: int,
    threads: int,
    clients: int,
    seconds: float,
    workload: str = "loop",
    warmup: float = 0.0,
) -> dict[str, Any]:
    """Completions per second, p50/p99 latency and errors of `clients` keep-alive clients.

    The clients start `warmup` seconds before the measured `seconds`: each web
    process loads and compiles the deployed version on its first request.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    eng = open_engine(url, data_dir)
    eng.offices.add(OFFICE, "Kantor LTSA bench")
    make = _ltsa_workload if workload == "ltsa" else _loop_workload
    drive = make(eng, clients, seconds + warmup)
    eng.close()
    server, port = _serve(url, data_dir, workers, threads)
    database = postmaster(url)
    try:
        _wait_for(port, server, seconds=60)
        time.sleep(2)  # every worker up
        started = time.perf_counter() + warmup
        pool = [Client(port, started, started + seconds) for _ in range(clients)]
        threads_ = [threading.Thread(target=drive, args=(c, n)) for n, c in enumerate(pool)]
        for thread in threads_:
            thread.start()
        time.sleep(max(0.0, started - time.perf_counter()))
        cpu_before = (cpu_ms(server.pid), cpu_ms(database), time.process_time())
        for thread in threads_:
            thread.join()
        elapsed = time.perf_counter() - started
        cpu_after = (cpu_ms(server.pid), cpu_ms(database), time.process_time())
    finally:
        stop_server(server, 15)
    every = sorted(x for c in pool for x in c.latencies)
    errors = [e for c in pool for e in c.errors]
    case_ids = [case_id for c in pool for case_id in c.cases]
    eng = open_engine(url, data_dir)
    try:
        broken = [v.case_id for v in map(eng.verify, case_ids) if not v.intact]
    finally:
        eng.close()
    requests = max(1, len(every) + sum(c.others for c in pool))
    spent = [after - before for before, after in zip(cpu_before, cpu_after, strict=True)]
    spent[2] *= 1000
    return {
        "workload": workload,
        "workers": workers,
        "threads": threads,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "warmup_s": warmup,
        "completions": len(every),
        "per_s": round(len(every) / elapsed, 1),
        "p50_ms": round(every[len(every) // 2], 1) if every else None,
        "p99_ms": round(every[int(len(every) * 0.99)], 1) if every else None,
        "starts_and_messages": sum(c.others for c in pool),
        "errors": len(errors),
        "first_errors": errors[:3],
        "cases": len(case_ids),
        "journals_broken": broken,
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "cpu_ms_per_request": {
            name: round(ms / requests, 2)
            for name, ms in zip(("server", "postgres", "clients"), spent, strict=True)
        },
    }


def main(argv: list[str] | None = None) -> None:
    """Run on a throw-away PostgreSQL with fsync on; print JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.http_pg")
    parser.add_argument("--workload", choices=WORKLOADS, default="loop")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5, help="seconds not measured")
    parser.add_argument("--workdir", type=Path, default=Path("var/bench-http-pg"))
    args = parser.parse_args(argv)
    with temporary_postgres(fsync=True) as server:
        url = create_database(server)
        result = run(
            url,
            args.workdir,
            args.workers,
            args.threads,
            args.clients,
            args.seconds,
            args.workload,
            args.warmup,
        )
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
