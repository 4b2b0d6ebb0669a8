"""Migration benchmark (issue 15): preview and migration of many active LTSA cases.

Seeds N active cases spread over the steps of the LTSA process: one real case
per step, driven through the engine, then cloned to N (case row, journal
re-chained for each clone, snapshot, ready tasks, timers), so every clone
replays and verifies like the case it copies. Version 2 raises the minimum
age to 21 (these applicants are 30: every case proves `same`). Times the
impact preview of all N, the migration of the first half after it (the two
steps a designer takes), and of the second half in one unpreviewed pass
(`ltsa migrate` alone); samples the resident memory of this process as the
streams advance (flat = streamed, not all cases held).
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, Table, select, text

from bench.completion import EngineCase, open_engine
from bench.workloads import LTSA_KEY, ltsa_inputs
from engine import Actor, Engine, JournalEvent

__all__ = ["migration_bench", "seed_spread"]

PROCESSES = Path(__file__).resolve().parents[1] / "processes"
DESIGNER = Actor("bench", "designer")
BATCH = 500


def _rss_mb() -> float:
    """The resident memory of this process now (Linux), MB."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _templates(eng: Engine) -> list[int]:
    """One active case after each prefix of the happy path's inputs (every step but the end)."""
    inputs = ltsa_inputs(1)
    ids = []
    for length in range(1, len(inputs)):
        case = EngineCase(eng, LTSA_KEY)
        for step in inputs[:length]:
            case.apply(step)
        if case.view.status == "active":
            ids.append(case.view.id)
    return ids


def seed_spread(eng: Engine, total: int) -> dict[str, int]:
    """`total` active LTSA cases, as many at each step of the process."""
    templates = _templates(eng)
    metadata = MetaData()
    tables = {
        name: Table(name, metadata, autoload_with=eng.db.engine)
        for name in ("cases", "journal_events", "snapshots", "tasks", "timers")
    }
    with eng.db.engine.connect() as connection:
        rows: dict[str, dict[int, list[dict[str, Any]]]] = {}
        for name, table in tables.items():
            key = table.c.id if name == "cases" else table.c.case_id
            rows[name] = {
                t: [r._asdict() for r in connection.execute(select(table).where(key == t))]
                for t in templates
            }
        next_id = int(connection.execute(text("SELECT max(id) FROM cases")).scalar_one()) + 1
    made = len(templates)
    with eng.db.engine.begin() as connection:
        pending: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}
        for serial in range(total - made):
            template = templates[serial % len(templates)]
            case_id = next_id + serial
            _clone(rows, template, case_id, pending)
            if len(pending["cases"]) >= BATCH or serial == total - made - 1:
                for name in ("cases", "journal_events", "snapshots", "tasks", "timers"):
                    if pending[name]:
                        connection.execute(tables[name].insert(), pending[name])
                    pending[name] = []
        if eng.db.engine.dialect.name == "postgresql":
            for name in ("cases", "journal_events", "tasks", "timers"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"
                    )
                )
            connection.execute(text("ANALYZE"))
    return {"cases": total, "steps": len(templates)}


def _clone(
    rows: dict[str, dict[int, list[dict[str, Any]]]],
    template: int,
    case_id: int,
    pending: dict[str, list[dict[str, Any]]],
) -> None:
    """The template case's rows for a new case id; its journal chained anew."""
    previous = "0" * 64
    for event in rows["journal_events"][template]:
        chained = JournalEvent.from_dict(
            {**event, "case_id": case_id, "prev_hash": previous, "hash": ""}
        ).chained(previous)
        previous = chained.hash
        row = {**_without_id(event), "case_id": case_id}
        pending["journal_events"].append(row | {"prev_hash": chained.prev_hash, "hash": previous})
    [case] = rows["cases"][template]
    pending["cases"].append({**case, "id": case_id, "head_hash": previous})
    for name in ("snapshots", "tasks", "timers"):
        for row in rows[name][template]:
            pending[name].append({**_without_id(row), "case_id": case_id})


def _without_id(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "id"}


def _streamed(outcomes: Iterator[Any], total: int, samples: list[float]) -> dict[str, int]:
    counts: dict[str, int] = {}
    step = max(1, total // 10)
    for index, impact in enumerate(outcomes, start=1):
        counts[impact.outcome] = counts.get(impact.outcome, 0) + 1
        if index % step == 0:
            samples.append(round(_rss_mb(), 1))
    return counts


def migration_bench(url: str, data_dir: Path, total: int) -> dict[str, Any]:
    """Seed `total` active cases on `url`, deploy version 2, time preview and migration."""
    eng = open_engine(url, data_dir)
    try:
        started = time.perf_counter()
        seeded = seed_spread(eng, total)
        seeded["seconds"] = round(time.perf_counter() - started, 1)
        v2 = data_dir / "v2"
        v2.mkdir(parents=True, exist_ok=True)
        for source in PROCESSES.glob("*.*mn"):
            content = source.read_text(encoding="utf-8")
            if source.name == "eligibility.dmn":
                content = content.replace("<text>&lt; 18</text>", "<text>&lt; 21</text>")
            (v2 / source.name).write_text(content, encoding="utf-8")
        [version] = [d.version for d in eng.deploy([v2], actor="bench") if d.key == LTSA_KEY]
        eng.writer.forget_cached()
        memory: dict[str, list[float]] = {"preview": [], "migrate": [], "one_pass": []}
        half = total // 2
        started = time.perf_counter()
        previewing = eng.preview_migration(LTSA_KEY, version, DESIGNER)
        preview = _streamed(previewing, total, memory["preview"])
        preview_s = time.perf_counter() - started
        # the first half moves after the preview (the designer's two steps) ...
        started = time.perf_counter()
        moving = islice(eng.migrate(LTSA_KEY, version, DESIGNER), half)
        migrated = _streamed(moving, half, memory["migrate"])
        migrate_s = time.perf_counter() - started
        # ... the second half in one pass, unpreviewed (`ltsa migrate` alone judges and moves)
        eng.migrator.forget_verdicts()
        started = time.perf_counter()
        moving = eng.migrate(LTSA_KEY, version, DESIGNER)
        one_pass = _streamed(moving, total - half, memory["one_pass"])
        one_pass_s = time.perf_counter() - started
        sample = [eng.verify(case_id) for case_id in (1, half, total)]
    finally:
        eng.close()
    return {
        "cases": total,
        "seeded": seeded,
        "preview": preview,
        "migrated": migrated,
        "one_pass": one_pass,
        "preview_cases_per_s": total / preview_s,
        "migrate_cases_per_s": half / migrate_s,
        "preview_and_migrate_cases_per_s": 1 / (preview_s / total + migrate_s / half),
        "one_pass_cases_per_s": (total - half) / one_pass_s,
        "rss_mb": memory,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "sample_verified": all(v.intact for v in sample),
    }
