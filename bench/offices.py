"""Offices at national scale on PostgreSQL: the office inbox and the dashboard API.

Seeds `bench.scale`'s case mix spread over several offices (the case id
modulo the number of offices), with the dashboard counters the inputs would
have kept, then times, through the engine and the web app:
- `GET /api/v1/dashboard` of one office over 28 days, as its head of office,
  first with every day read live (as before the worker has rolled any up),
- the worker's rollup of the waits of the last `ROLLUP_DAYS` of each office,
- the inbox of one desk in one office (a page of 50, oldest first),
- the dashboard again, through the web app and through `Engine.dashboard`.

    python -m bench.offices --cases 1000000 --offices 8 --repeat 200 [--keep DIR]

With `--keep DIR` the seeded PostgreSQL stays in DIR and a later run with the
same --cases and --offices reuses it (`--seed-only` seeds and stops).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import pwd
import random
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench.completion import START, open_engine
from bench.scale import (
    CASE_COLUMNS,
    DESKS,
    EVENT_COLUMNS,
    TASK_COLUMNS,
    _case_rows,
    _finish,
    _ltsa_version,
    _percentiles,
)
from devtools.pgtemp import create_database, pg_binary, temporary_postgres
from engine import Conflict, Engine
from engine.counters import week_of

__all__ = ["kept_postgres", "main", "measure", "measure_rollup", "seed_offices"]

GOALS_MS = {"dashboard_api": 100.0, "inbox": 50.0}


def office_codes(count: int) -> list[str]:
    """The default office and `count - 1` district offices."""
    return ["utama", *(f"kab{n:02d}" for n in range(1, count))]


def seed_offices(
    eng: Engine, total: int, offices: list[str], batch: int = 20_000
) -> dict[str, int]:
    """COPY `total` cases over `offices`, with their tasks, first events and counters."""
    for code in offices[1:]:
        eng.offices.add(code, f"LTSA {code}")
    rng, waits = random.Random(9), random.Random(10)
    version_id = _ltsa_version(eng)
    with eng.db.engine.connect() as connection:
        first = {
            table: int(connection.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table}"))) + 1
            for table in ("cases", "tasks", "journal_events")
        }
    ids = {table: itertools.count(first[table]) for table in ("tasks", "journal_events")}
    counts: Counter[tuple[str, str]] = Counter()
    rows = {"cases": 0, "tasks": 0}
    started = time.perf_counter()
    for offset in range(0, total, batch):
        size = min(batch, total - offset)
        cases, tasks, events = [], [], []
        for case, case_tasks, event in _case_rows(
            first["cases"] + offset, size, version_id, rng, ids
        ):
            office = offices[case[0] % len(offices)]
            cases.append((*case, office))
            tasks.extend((*_spread(t, waits), office) for t in case_tasks)
            events.append(event)
            counts[(office, f"started|{week_of(case[11])}")] += 1
            if case[3] != "active":
                counts[(office, f"{case[3]}|{week_of(case[12])}")] += 1
            for t in case_tasks:
                if t[6] == "ready":
                    counts[(office, f"queue|{t[5]}")] += 1
        _copy(eng, cases, tasks, events)
        rows["cases"] += len(cases)
        rows["tasks"] += len(tasks)
        sys.stderr.write(f"\r  seeded {rows['cases']:,}/{total:,} cases")
    sys.stderr.write("\n")
    with eng.db.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO figure_counters (office, key, shard, value) VALUES (:o, :k, 0, :v)"),
            [{"o": o, "k": k, "v": v} for (o, k), v in counts.items()],
        )
    _finish(eng)
    with eng.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE tasks"))
    rows["seconds"] = round(time.perf_counter() - started)
    return rows


def _spread(task: tuple[Any, ...], rng: random.Random) -> tuple[Any, ...]:
    """A completed task waited 5 minutes to 20 days, to the microsecond (bench.scale: 2 h)."""
    if task[6] != "completed":
        return task
    waited = timedelta(microseconds=rng.randrange(300 * 10**6, 20 * 86_400 * 10**6))
    return (*task[:10], task[8] + waited, *task[11:])


def _copy(eng: Engine, cases: list[Any], tasks: list[Any], events: list[Any]) -> None:
    """COPY one batch into the three tables, in one transaction."""
    batch = {
        "cases": ([*CASE_COLUMNS, "office"], cases),
        "tasks": ([*TASK_COLUMNS, "office"], tasks),
        "journal_events": (EVENT_COLUMNS, events),
    }
    with eng.db.engine.begin() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        for table in batch:
            columns, rows = batch[table]
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)


PERIOD = {"from": "2026-02-03", "to": "2026-03-02"}  # 28 days up to the bench's START
ROLLUP_DAYS = 40  # the worker rolls up newest first: these days of each office


def _heads(eng: Engine, offices: list[str]) -> tuple[Any, dict[str, dict[str, str]]]:
    """A test client of the web app and each office head's bearer header."""
    from web import create_app

    heads = {}
    for code in offices:
        with suppress(Conflict):  # a kept database has them from an earlier run
            eng.users.add(f"kepala.{code}", "kepala", office=code)
        heads[code] = {"Authorization": f"Bearer {eng.users.new_token(f'kepala.{code}')}"}
    return create_app({"LTSA_ENGINE": eng, "SECRET_KEY": "bench"}).test_client(), heads


def _timed(call: Callable[[], None], repeat: int) -> dict[str, float]:
    for _ in range(5):
        call()  # warm
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return {k: round(v, 2) for k, v in _percentiles(samples).items()}


def measure(eng: Engine, offices: list[str], repeat: int) -> dict[str, Any]:
    """p50/p95/p99 (ms) of the office inbox and of the dashboard API."""
    rng = random.Random(11)
    client, heads = _heads(eng, offices)

    def inbox() -> None:
        eng.list_tasks(
            desk=rng.choice(DESKS),
            office=rng.choice(offices),
            limit=50,
            offset=rng.randrange(20) * 50,
        )

    def dashboard_api() -> None:
        code = rng.choice(offices)
        response = client.get("/api/v1/dashboard", query_string=PERIOD, headers=heads[code])
        assert response.status_code == 200, response.get_data(as_text=True)

    def dashboard_engine() -> None:
        code = rng.choice(offices)
        eng.dashboard(code, START.replace(day=3, month=2), START)

    return {
        "inbox": _timed(inbox, repeat),
        "dashboard_api": _timed(dashboard_api, repeat),
        "dashboard_engine": _timed(dashboard_engine, repeat),
    }


def measure_rollup(eng: Engine, offices: list[str], repeat: int) -> dict[str, Any]:
    """The dashboard API with every day read live (no rollup), then the worker's rollup timed."""
    rng = random.Random(12)
    client, heads = _heads(eng, offices)
    eng.invalidate_waits(None, date(2000, 1, 1), date(2100, 1, 1))

    def dashboard_api() -> None:
        response = client.get(
            "/api/v1/dashboard", query_string=PERIOD, headers=heads[rng.choice(offices)]
        )
        assert response.status_code == 200, response.get_data(as_text=True)

    live = _timed(dashboard_api, max(20, repeat // 4))
    began = time.perf_counter()
    days = eng.roll_up_waits(limit=len(offices) * ROLLUP_DAYS)
    seconds = time.perf_counter() - began
    return {
        "dashboard_api_live": live,
        "rollup": {"office_days": days, "seconds": round(seconds, 1)},
    }


@contextmanager
def kept_postgres(directory: Path) -> Iterator[str]:
    """A PostgreSQL server on a data directory kept in `directory` (made on first use).

    Yields the URL of its `ltsa_bench` database. fsync is off (a bench's
    data, not a record): a machine crash may need the directory removed.
    """
    data = directory.resolve() / "data"
    fresh = not (data / "PG_VERSION").exists()
    if fresh:
        directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(directory, owner.pw_uid, owner.pw_gid)
        _as_server(pg_binary("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off"
    pg_ctl = pg_binary("pg_ctl")
    _as_server(pg_ctl, "-D", str(data), "-o", options, "-l", str(data / "log"), "-w", "start")
    server = f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    try:
        if fresh:
            admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text("CREATE DATABASE ltsa_bench"))
            admin.dispose()
        yield f"{server}/ltsa_bench"
    finally:
        _as_server(pg_ctl, "-D", str(data), "-m", "fast", "stop")


def _as_server(*args: str) -> None:
    """Run a PostgreSQL binary, as the `postgres` user when we are root."""
    command = ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else [*args]
    subprocess.run(command, check=True, capture_output=True)


@contextmanager
def _database(keep: Path | None) -> Iterator[str]:
    if keep is not None:
        with kept_postgres(keep) as url:
            yield url
        return
    with temporary_postgres() as server:
        yield create_database(server)


def main(argv: list[str] | None = None) -> None:
    """Seed PostgreSQL (or reuse a kept one), roll the waits up, time the queries, print JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.offices")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--offices", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--workdir", type=Path, default=Path("var/bench-offices"))
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="keep PostgreSQL's data in this directory; a later run with the same "
        "--cases and --offices reuses it instead of seeding again",
    )
    parser.add_argument("--seed-only", action="store_true", help="seed (or check) and stop")
    args = parser.parse_args(argv)
    offices = office_codes(args.offices)
    wanted = {"cases": args.cases, "offices": len(offices), "waits": "spread"}
    marker = args.keep / "seeded.json" if args.keep else None
    if marker is not None and (args.keep / "data").exists() and not marker.exists():
        raise SystemExit(f"{args.keep} holds a seed that did not finish: remove it")
    with _database(args.keep) as url:
        eng = open_engine(url, args.workdir)
        try:
            if marker is not None and marker.exists():
                seeded = json.loads(marker.read_text())
                if {k: seeded.get(k) for k in wanted} != wanted:
                    raise SystemExit(f"{args.keep} holds {seeded}, not {wanted}: remove it")
            else:
                seeded = {**wanted, **seed_offices(eng, args.cases, offices)}
                if marker is not None:
                    marker.write_text(json.dumps(seeded))
            if args.seed_only:
                print(json.dumps({"seeded": seeded}))
                return
            timings = measure_rollup(eng, offices, args.repeat)
            timings.update(measure(eng, offices, args.repeat))
        finally:
            eng.close()
    report = {
        "cases": args.cases,
        "offices": len(offices),
        "seeded": seeded,
        "ms": timings,
        "goals_ms_p95": {
            name: {"goal": goal, "p95": timings[name]["p95"], "met": timings[name]["p95"] < goal}
            for name, goal in GOALS_MS.items()
        },
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
