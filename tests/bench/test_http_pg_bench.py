"""Smoke test: the HTTP bench drives LTSA cases through `ltsa serve --workers 2` on PostgreSQL.

Tiny and untimed: two clients for two seconds; it checks that the workload
completes tasks desk by desk without an error and that every journal it
touched verifies, not how fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.http_pg import run


@pytest.mark.postgres
def test_the_ltsa_workload_completes_tasks_without_errors(
    postgres_url: str, tmp_path: Path
) -> None:
    result = run(postgres_url, tmp_path / "var", 2, 2, 2, 3.0, "ltsa", warmup=2.0)
    assert result["errors"] == 0, result
    assert result["completions"] > 0 and result["starts_and_messages"] > 0, result
    assert result["cases"] >= 2 and result["journals_broken"] == [], result
    assert set(result["cpu_ms_per_request"]) == {"server", "postgres", "clients"}
