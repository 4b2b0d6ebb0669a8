"""`python -m bench [--quick]`: every measurement of issue 9 in one run, one JSON file.

Order: set-up (SQLite file, throw-away PostgreSQL, parsed specs), warm-up,
completion cost of the loop and of the LTSA case for each contender, growth
with loop iterations, the HTTP API, the seeded inbox, then the migration of
running cases to a new version (issue 15). Ratios are taken
between numbers of this run only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.baselines import NaiveStore, RawCase, sqlite_commit_floor
from bench.completion import (
    baseline_specs,
    contenders,
    growth,
    loop_cost,
    ltsa_cost,
    open_engine,
    recorded_inputs,
    summary,
)
from bench.report import judge, machine, table
from bench.workloads import LTSA_KEY, ltsa_inputs

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Sizes:
    """How much each part of the run does."""

    loop_cases: int = 5
    loop_iterations: int = 20
    ltsa_cases: int = 5
    growth_levels: tuple[int, ...] = (10, 100, 300, 1000)
    http_completions: int = 1000
    sqlite_cases: int = 200_000
    postgres_cases: int = 1_000_000
    query_repeat: int = 300
    migration_cases: int = 10_000


QUICK = Sizes(
    loop_cases=5,
    loop_iterations=20,
    ltsa_cases=3,
    growth_levels=(10, 100),
    http_completions=200,
    sqlite_cases=20_000,
    postgres_cases=0,
    query_repeat=100,
    migration_cases=300,
)


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _postgres_version(url: str) -> str | None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.scalar(text("SHOW server_version")))
    finally:
        engine.dispose()


def replay_cost(make: Any, eng: Any, serial: Any, cases: int = 3) -> dict[str, float]:
    """Live execution of whole LTSA cases against replaying and verifying them."""
    live, replay, verify = [], [], []
    for _ in range(cases):
        case = make(LTSA_KEY)
        started = time.perf_counter()
        for step in ltsa_inputs(next(serial)):
            case.apply(step)
        live.append(time.perf_counter() - started)
        case_id = case.view.id
        started = time.perf_counter()
        eng.replay(case_id)
        replay.append(time.perf_counter() - started)
        started = time.perf_counter()
        if not eng.verify(case_id).intact:
            raise RuntimeError(f"case {case_id} does not verify")
        verify.append(time.perf_counter() - started)
    live_s, replay_s, verify_s = (statistics.median(x) for x in (live, replay, verify))
    return {
        "live_ms": live_s * 1000,
        "replay_ms": replay_s * 1000,
        "verify_ms": verify_s * 1000,
        "replay_vs_live": replay_s / live_s,
        "verify_vs_live": verify_s / live_s,
    }


def run(sizes: Sizes, workdir: Path) -> dict[str, Any]:
    """Measure everything; return the results object written to latest.json."""
    from bench.http import http_completions
    from bench.migration import migration_bench
    from bench.scale import measure_queries, seed
    from devtools.pgtemp import create_database, temporary_postgres

    results: dict[str, Any] = {
        "mode": "full" if sizes.postgres_cases else "quick",
        "sizes": asdict(sizes),
    }
    with ExitStack() as stack:
        _say("starting a throw-away PostgreSQL")
        server = stack.enter_context(temporary_postgres())
        pg_url = create_database(server)
        results["machine"] = machine(_postgres_version(pg_url))
        engines = {
            "sqlite": open_engine(f"sqlite:///{workdir / 'engine.db'}", workdir / "sqlite"),
            "postgres": open_engine(pg_url, workdir / "postgres"),
        }
        for eng in engines.values():
            stack.callback(eng.close)
        naive_store = NaiveStore(workdir / "naive.db")
        stack.callback(naive_store.close)
        specs = baseline_specs()
        makers = contenders(specs, naive_store, engines)

        _say("warm-up: one LTSA case per contender (and the inputs it recorded)")
        serial = iter(range(1, 1_000_000))
        warm = makers["engine_sqlite"](LTSA_KEY)
        for step in ltsa_inputs(next(serial)):
            warm.apply(step)
        if warm.view.status != "completed":  # type: ignore[attr-defined]
            raise RuntimeError(f"the LTSA happy path ended {warm.view.status}")  # type: ignore[attr-defined]
        recorded = recorded_inputs(engines["sqlite"], warm.view.id)  # type: ignore[attr-defined]
        raw_check = RawCase(specs[LTSA_KEY])
        for step in recorded:
            raw_check.apply(step)
        if not raw_check.workflow.is_completed():
            raise RuntimeError("raw SpiffWorkflow did not finish the recorded LTSA inputs")
        for name in ("naive", "engine_postgres"):
            ltsa_cost(makers[name], recorded if name == "naive" else ltsa_inputs(next(serial)), 1)
        loop_cost(makers["raw"], 1, 5)

        _say("completion cost: loop and LTSA for each contender, in interleaved rounds")
        results["loop"] = {}
        ltsa_ms: dict[str, float] = {}
        loop_costs: dict[str, list[float]] = {name: [] for name in makers}
        ltsa_costs: dict[str, list[float]] = {name: [] for name in makers}
        # One case per contender per round, so a change in the machine's load
        # during the run falls on every contender alike.
        for round_ in range(max(sizes.loop_cases, sizes.ltsa_cases)):
            for name, make in makers.items():
                if round_ < sizes.loop_cases:
                    loop_costs[name].extend(loop_cost(make, 1, sizes.loop_iterations))
                if round_ < sizes.ltsa_cases:
                    inputs = ltsa_inputs(next(serial)) if name.startswith("engine") else recorded
                    ltsa_costs[name].extend(ltsa_cost(make, inputs, 1))
        for name in makers:
            loop = summary(loop_costs[name])
            results["loop"][name] = loop
            results[f"{name}_ms"] = loop["median"]
            ltsa_ms[name] = statistics.median(ltsa_costs[name])
            _say(f"  {name}: loop {loop['median']:.2f} ms, LTSA {ltsa_ms[name]:.2f} ms")
        results["ltsa_ms"] = ltsa_ms
        results["sqlite_commit_floor_ms"] = sqlite_commit_floor(workdir / "floor.db")
        _say(f"  SQLite commit floor {results['sqlite_commit_floor_ms']:.3f} ms")
        results["ltsa_inputs_per_case"] = len(recorded)
        results["replay"] = replay_cost(makers["engine_sqlite"], engines["sqlite"], serial)
        _say(f"  replay/verify of a whole LTSA case: {results['replay']}")

        _say(f"growth at loop iterations {sizes.growth_levels}")
        results["growth"], results["state_kb"], results["growth_failures"] = {}, {}, {}
        for label, name in (("raw", "raw"), ("naive", "naive"), ("engine", "engine_sqlite")):
            found = growth(makers[name], sizes.growth_levels)
            results["growth"][label] = found.ms
            results["state_kb"][label] = {
                k: (v / 1024 if v is not None else None) for k, v in found.state_bytes.items()
            }
            results["growth_failures"][label] = found.failure
            _say(f"  {label}: {found.ms} failure={found.failure}")

        _say(f"HTTP API: {sizes.http_completions} completions")
        try:
            results["http"] = http_completions(workdir / "http", sizes.http_completions)
            results["http_completions_per_s"] = results["http"]["per_s"]
        except Exception as exc:  # the web app is optional for the other numbers
            results["http"] = {"error": f"{type(exc).__name__}: {exc}"}
            results["http_completions_per_s"] = None
        _say(f"  {results['http']}")

        results["scale"] = {}
        targets = [("sqlite", sizes.sqlite_cases, f"sqlite:///{workdir / 'scale.db'}")]
        if sizes.postgres_cases:
            targets.append(("postgres", sizes.postgres_cases, create_database(server)))
        for label, count, url in targets:
            _say(f"scale: seeding {count:,} cases into {label}")
            eng = open_engine(url, workdir / f"scale_{label}")
            stack.callback(eng.close)
            seeded = seed(eng, count)
            _say(f"  seeded {seeded}; timing queries")
            queries = measure_queries(eng, count, sizes.query_repeat)
            results["scale"][f"{label}_{count}"] = {"seeded": seeded, "queries": queries}
            _say(f"  inbox p95 {queries['inbox']['p95']:.2f} ms")

        _say(f"migration: preview and migration of {sizes.migration_cases:,} cases (PostgreSQL)")
        results["migration"] = migration_bench(
            create_database(server), workdir / "migration", sizes.migration_cases
        )
        _say(f"  {results['migration']['preview_and_migrate_cases_per_s']:.1f} cases/s")
    return results


def _scale_p95(results: dict[str, Any], label: str, count: int) -> float | None:
    block = results["scale"].get(f"{label}_{count}")
    return block["queries"]["inbox"]["p95"] if block else None


def write_results(results: dict[str, Any], sizes: Sizes, out: Path) -> str:
    """Add the issue's top-level keys and the goals, write the JSON, return the table."""
    results["inbox_p95_ms_1m_postgres"] = _scale_p95(results, "postgres", 1_000_000)
    results["inbox_p95_ms_200k_sqlite"] = _scale_p95(results, "sqlite", 200_000)
    results["inbox_p95_ms_sqlite"] = _scale_p95(results, "sqlite", sizes.sqlite_cases)
    results["goals"] = judge(results)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    return table(results)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table, write the JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small counts, under 2 minutes")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "var" / "bench" / "latest.json", help="JSON results"
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else Sizes()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ltsa-bench-") as tmp:
        results = run(sizes, Path(tmp))
    results["seconds"] = round(time.perf_counter() - started, 1)
    print(write_results(results, sizes, args.out))
    print(f"\n{results['mode']} run in {results['seconds']} s; results in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
