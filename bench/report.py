"""The machine's description, the goals judged within one run, and the printed table."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from importlib.metadata import version
from pathlib import Path
from typing import Any

__all__ = ["judge", "machine", "table"]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parents[1],
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def machine(postgres_version: str | None) -> dict[str, Any]:
    """What the numbers were measured on, including the load other processes put on it."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "spiffworkflow": version("SpiffWorkflow"),
        "sqlalchemy": version("SQLAlchemy"),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version,
        "load_average_at_start": list(os.getloadavg()),
        "git_commit": _commit(),
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def judge(results: dict[str, Any]) -> dict[str, Any]:
    """The issue's goals, each with the measured ratio and whether it is met."""
    raw, naive, eng = results["raw_ms"], results["naive_ms"], results["engine_sqlite_ms"]
    ltsa = results["ltsa_ms"]
    growth = results["growth"]["engine"]
    growth_ratio = _ratio(growth.get("1000"), growth.get("10"))
    inbox = results["inbox_p95_ms_1m_postgres"]
    goals = {
        "engine_sqlite_le_2x_raw": {
            "loop": _ratio(eng, raw),
            "ltsa": _ratio(ltsa.get("engine_sqlite"), ltsa.get("raw")),
            "limit": 2.0,
        },
        "engine_sqlite_3x_faster_than_naive": {
            "loop": _ratio(naive, eng),
            "ltsa": _ratio(ltsa.get("naive"), ltsa.get("engine_sqlite")),
            "limit": 3.0,
        },
        "engine_growth_1000_le_1_5x_10": {"ratio": growth_ratio, "limit": 1.5},
        "inbox_p95_1m_postgres_lt_50ms": {"ms": inbox, "limit": 50.0},
        "replay_and_verify_lt_5x_live": {
            "replay": results.get("replay", {}).get("replay_vs_live"),
            "verify": results.get("replay", {}).get("verify_vs_live"),
            "limit": 5.0,
        },
        "migration_10k_ge_30_cases_per_s": {
            "cases_per_s": (results.get("migration") or {}).get("preview_and_migrate_cases_per_s")
            if (results.get("migration") or {}).get("cases", 0) >= 10_000
            else None,
            "limit": 30.0,
        },
    }
    for name, goal in goals.items():
        values = [v for k, v in goal.items() if k != "limit"]
        if any(v is None for v in values):
            goal["met"] = None  # not measured in this run (quick mode, or a failure)
        elif name in ("engine_sqlite_3x_faster_than_naive", "migration_10k_ge_30_cases_per_s"):
            goal["met"] = all(v >= goal["limit"] for v in values)
        elif name in ("inbox_p95_1m_postgres_lt_50ms", "replay_and_verify_lt_5x_live"):
            goal["met"] = all(v < goal["limit"] for v in values)
        else:
            goal["met"] = all(v <= goal["limit"] for v in values)
    if growth_ratio is None and results["growth_failures"].get("engine"):
        goals["engine_growth_1000_le_1_5x_10"]["met"] = False
    return goals


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def table(results: dict[str, Any]) -> str:
    """The results as a plain-text table (what `make bench` prints)."""
    lines = []
    ltsa = results["ltsa_ms"]
    lines.append(
        "Completion cost, ms per input (median; loop = iterations 1-20, LTSA = whole case)"
    )
    lines.append(f"  {'contender':<18}{'loop':>10}{'LTSA':>10}{'× raw (loop)':>14}")
    for label, key in (
        ("raw SpiffWorkflow", "raw"),
        ("naive SQLite", "naive"),
        ("engine SQLite", "engine_sqlite"),
        ("engine PostgreSQL", "engine_postgres"),
    ):
        loop = results.get(f"{key}_ms")
        ratio = _ratio(loop, results["raw_ms"])
        lines.append(f"  {label:<18}{_fmt(loop):>10}{_fmt(ltsa.get(key)):>10}{_fmt(ratio):>14}")
    lines.append(
        f"  SQLite commit floor (INSERT event + UPDATE case + COMMIT): "
        f"{_fmt(results.get('sqlite_commit_floor_ms'), 3)} ms"
    )
    http = results.get("http") or {}
    lines.append(
        f"  HTTP API (SQLite, 1 client): {_fmt(results['http_completions_per_s'], 1)} completions/s"
        f", p50 {_fmt(http.get('p50_ms'))} ms, p95 {_fmt(http.get('p95_ms'))} ms"
    )
    lines.append("")
    lines.append("Growth: ms per completion around loop iteration N (state size in KB)")
    levels = sorted({lvl for g in results["growth"].values() for lvl in g}, key=int)
    lines.append(f"  {'contender':<10}" + "".join(f"{'N=' + lvl:>22}" for lvl in levels))
    for name, costs in results["growth"].items():
        sizes = results["state_kb"][name]
        cells = "".join(
            f"{_fmt(costs.get(lvl)) + ' (' + _fmt(sizes.get(lvl), 0) + ' KB)':>22}"
            for lvl in levels
        )
        lines.append(f"  {name:<10}{cells}")
    for name, failure in results["growth_failures"].items():
        if failure:
            lines.append(f"  ! {name} failed at {failure}")
    lines.append("")
    lines.append("Scale: query latency, ms (p50 / p95 / p99)")
    for label, block in results["scale"].items():
        lines.append(
            f"  {label}: {block['seeded']['cases']:,} cases, {block['seeded']['tasks']:,} tasks"
        )
        for query, stats in block["queries"].items():
            cells = "".join(f"{_fmt(stats[q]):>9}" for q in ("p50", "p95", "p99"))
            lines.append(f"    {query:<30}{cells}")
    migration = results.get("migration")
    if migration:
        lines.append("")
        lines.append(
            f"Migration to a new version: {migration['cases']:,} active LTSA cases on PostgreSQL "
            f"({migration['seeded']['steps']} steps)"
        )
        lines.append(
            f"  preview {_fmt(migration['preview_cases_per_s'], 1)} cases/s, migration after it "
            f"{_fmt(migration['migrate_cases_per_s'], 1)} cases/s, both "
            f"{_fmt(migration['preview_and_migrate_cases_per_s'], 1)} cases/s; one unpreviewed "
            f"pass (judge and move) {_fmt(migration['one_pass_cases_per_s'], 1)} cases/s"
        )
        lines.append(
            f"  outcomes: preview {migration['preview']}, then {migration['migrated']} and "
            f"{migration['one_pass']}"
        )
        lines.append(
            f"  resident memory at each tenth, MB: preview {migration['rss_mb']['preview']}, "
            f"migration {migration['rss_mb']['migrate']}, "
            f"one pass {migration['rss_mb']['one_pass']}"
        )
    lines.append("")
    lines.append("Goals (same run)")
    for name, goal in results["goals"].items():
        shown = ", ".join(f"{k} {_fmt(v)}" for k, v in goal.items() if k != "met")
        verdict = {True: "MET", False: "MISSED", None: "not measured"}[goal["met"]]
        lines.append(f"  {name:<38}{verdict:<14}{shown}")
    return "\n".join(lines)
