"""Smoke test: the benchmark runs end to end on tiny counts and writes the issue's JSON keys."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from bench.__main__ import QUICK, run, write_results  # noqa: E402

REQUIRED = (
    "raw_ms",
    "naive_ms",
    "engine_sqlite_ms",
    "engine_postgres_ms",
    "http_completions_per_s",
    "growth",
    "inbox_p95_ms_1m_postgres",
    "inbox_p95_ms_200k_sqlite",
    "machine",
    "goals",
)

TINY = QUICK.__class__(
    loop_cases=1,
    loop_iterations=5,
    ltsa_cases=1,
    growth_levels=(10,),
    http_completions=10,
    sqlite_cases=300,
    postgres_cases=0,
    query_repeat=5,
    migration_cases=30,
)


def test_tiny_benchmark_writes_every_key_the_issue_names(tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    results = run(TINY, tmp_path / "work")
    out = tmp_path / "latest.json"
    text = write_results(results, TINY, out)
    written = json.loads(out.read_text())
    assert "Goals" in text
    missing = [key for key in REQUIRED if key not in written]
    assert not missing
    assert written["raw_ms"] > 0 and written["engine_sqlite_ms"] > 0
    assert set(written["growth"]) == {"raw", "naive", "engine"}
    assert written["growth"]["engine"]["10"] is not None
    migration = written["migration"]
    assert migration["preview"] == {"same": 30} and migration["sample_verified"]
    assert migration["migrated"] == {"migrated": 15} == migration["one_pass"]
    assert len(migration["rss_mb"]["preview"]) == 10
