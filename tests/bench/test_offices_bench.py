"""Smoke test: the offices bench seeds several offices with exact counters and times its queries."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from bench.completion import open_engine  # noqa: E402
from bench.offices import measure, office_codes, seed_offices  # noqa: E402


@pytest.mark.postgres
def test_seeded_offices_have_the_counters_their_rows_give(
    postgres_url: str, tmp_path: Path
) -> None:
    eng = open_engine(postgres_url, tmp_path / "var")
    try:
        offices = office_codes(3)
        assert seed_offices(eng, 600, offices, batch=200)["cases"] == 600
        ready = Counter((t.desk, t.case_id % 3) for t in eng.list_tasks(office="kab02", limit=500))
        figures = eng.dashboard("kab02", *_period())
        assert figures is not None
        assert sum(d.queue for d in figures.desks) == sum(ready.values()) or len(ready) == 500
        timings = measure(eng, offices, repeat=3)
        assert set(timings) == {"inbox", "dashboard_api", "dashboard_engine"}
    finally:
        eng.close()


def _period():  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from bench.completion import START

    return START - timedelta(days=28), START
