"""`python -m bench.profile_http`: where an HTTP completion's time goes, on PostgreSQL.

The web app runs in this process (Flask's test client, one thread) on a
throw-away PostgreSQL with fsync on, and drives the `bench.http_pg`
workloads through the REST API with API tokens. It counts the SQL
statements each completion sends (every statement is a round trip) and,
with `--profile`, samples the completions with pyinstrument. The findings
are in bench/README.md.

    python -m bench.profile_http --workload ltsa --cases 20 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
from pyinstrument import Profiler
from sqlalchemy import event

from bench.completion import open_engine
from bench.http_pg import OFFICE, cpu_ms, postmaster, today_inputs
from bench.workloads import LTSA_KEY
from devtools.pgtemp import create_database, temporary_postgres
from engine import Desk
from web import create_app

__all__ = ["main"]


def _first_words(statement: str) -> str:
    words = statement.split()
    if not words:
        return ""
    if words[0].upper() in {"SELECT", "DELETE"}:
        tables = [w for i, w in enumerate(words) if i and words[i - 1].upper() == "FROM"]
        return f"{words[0].upper()} {tables[0] if tables else ''}"
    if words[0].upper() == "INSERT":
        return f"INSERT {words[2]}"
    if words[0].upper() == "UPDATE":
        return f"UPDATE {words[1]}"
    return words[0].upper()


def main(argv: list[str] | None = None) -> None:
    """Drive LTSA cases through the API in-process; print statements per completion."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile_http")
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--interval", type=float, default=0.0005)
    parser.add_argument("--cpu", type=Path, help="also write a cProfile of CPU time here")
    args = parser.parse_args(argv)
    profiler = Profiler(interval=args.interval)
    cpu = cProfile.Profile(time.process_time)
    with temporary_postgres(fsync=True) as server, tempfile.TemporaryDirectory() as tmp:
        database = postmaster(server)
        eng = open_engine(create_database(server), Path(tmp))
        eng.offices.add(OFFICE, "Kantor LTSA bench")
        tokens = {}
        for desk in Desk:
            eng.users.add(f"petugas_{desk.value}", "officer", (desk.value,), office=OFFICE)
            tokens[desk.value] = eng.users.new_token(f"petugas_{desk.value}")
        app = create_app({"LTSA_ENGINE": eng, "SECRET_KEY": "profile"})
        client = app.test_client()
        statements: list[str] = []
        counting = [False]

        def count(*a: Any) -> None:
            if counting[0]:
                statements.append(_first_words(a[2]))

        event.listen(eng.db.engine, "before_cursor_execute", count)
        # Round trips SQLAlchemy's events do not see: BEGIN, COMMIT, ROLLBACK
        # (psycopg's internal commands) and the pool's pre-ping.
        exec_command = psycopg.Connection._exec_command
        do_ping = type(eng.db.engine.dialect).do_ping

        def command(self: Any, text: Any, *a: Any, **k: Any) -> Any:
            if counting[0]:
                statements.append(bytes(text).decode().split()[0].upper())
            return exec_command(self, text, *a, **k)

        def ping(self: Any, dbapi_connection: Any) -> bool:
            if counting[0]:
                statements.append("(pre-ping) SELECT 1")
            return bool(do_ping(self, dbapi_connection))

        psycopg.Connection._exec_command = command  # type: ignore[method-assign]
        type(eng.db.engine.dialect).do_ping = ping  # type: ignore[method-assign]
        per_completion: list[int] = []
        own_ms = 0.0
        pg_started = 0.0
        kinds: Counter[str] = Counter()
        wall: list[float] = []

        def post(path: str, body: dict[str, Any], token: str) -> Any:
            response = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code in (200, 201), response.get_data(as_text=True)[:300]
            return response.get_json()

        for n in range(args.cases + 1):  # the first case warms the caches, unmeasured
            case = post("/api/v1/cases", {"process": LTSA_KEY, "data": {}}, tokens["disnaker"])
            for step in today_inputs(n + 1):
                if step.kind == "message":
                    path = f"/api/v1/cases/{case['id']}/messages/{step.name}"
                    case = post(path, {"data": step.data}, tokens["p3mi"])
                    continue
                task = next(t for t in case["ready_tasks"] if t["name"] == step.name)
                path = f"/api/v1/tasks/{task['id']}/complete"
                statements.clear()
                counting[0] = n > 0
                if n == 1 and not wall:
                    pg_started = cpu_ms(database)
                started = time.perf_counter()
                started_cpu = time.process_time()
                if n > 0 and args.profile:
                    profiler.start()
                if n > 0 and args.cpu:
                    cpu.enable()
                case = post(path, {"data": step.data}, tokens[task["desk"]])
                if n > 0 and args.cpu:
                    cpu.disable()
                if n > 0 and args.profile:
                    profiler.stop()
                if n > 0:
                    own_ms += (time.process_time() - started_cpu) * 1000
                    wall.append((time.perf_counter() - started) * 1000)
                    per_completion.append(len(statements))
                    kinds.update(statements)
                counting[0] = False
        pg_ms = cpu_ms(database) - pg_started
        eng.close()
    done = len(per_completion)
    print(
        f"{done} completions; ms median {statistics.median(wall):.2f}, "
        f"mean {statistics.fmean(wall):.2f}; CPU ms each: this process {own_ms / done:.2f}, "
        f"PostgreSQL {pg_ms / done:.2f} (starts and messages included)"
    )
    print(f"round trips per completion: mean {statistics.fmean(per_completion):.1f}")
    for kind, number in kinds.most_common():
        print(f"  {number / done:6.2f}  {kind}")
    if args.profile:
        print(profiler.output_text(unicode=True, color=False))
    if args.cpu:
        cpu.dump_stats(args.cpu)


if __name__ == "__main__":
    main()
