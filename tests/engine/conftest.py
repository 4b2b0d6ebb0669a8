"""Fixtures of the engine tests: the LTSA driver over an engine with processes/ deployed."""

from __future__ import annotations

import sys
from pathlib import Path

import migration_versions as versions
import pytest

# The LTSA driver lives with the process scenarios.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "processes"))
from ltsa_driver import Driver  # noqa: E402

from engine import ManualClock  # noqa: E402


@pytest.fixture
def ltsa(make_engine, database_url: str, clock: ManualClock) -> Driver:
    """The LTSA driver, on SQLite and on PostgreSQL, with processes/ deployed."""
    engine = make_engine(database_url)
    engine.deploy([versions.PROCESSES], actor="designer")
    return Driver(engine, clock)
