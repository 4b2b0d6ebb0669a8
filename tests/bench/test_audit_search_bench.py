"""Smoke test: the audit search benchmark seeds, times each search and writes its JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from bench.audit_search import main  # noqa: E402


def test_audit_search_bench_runs_on_tiny_counts(tmp_path: Path) -> None:
    out = tmp_path / "audit.json"
    assert main(["--sqlite", "--cases", "300", "--repeat", "3", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["seeded"]["cases"] == 300 and result["seeded"]["task_events"] > 300
    assert set(result["searches_ms"]) == {
        "officer_month",
        "retired_officer_all_time",
        "desk_month",
        "kind_status_month",
        "rule_quarter",
        "status_version",
        "sample_100_month",
    }
    assert result["goal_p95_ms"] == 200.0
