"""Fixtures for the LTSA process scenarios: an engine on tmp_path with a manual clock."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The venv's editable install predates the packages' __init__.py: put the checkout first.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
for _name in ("engine", "forms"):
    if _name in sys.modules and getattr(sys.modules[_name], "__file__", None) is None:
        del sys.modules[_name]
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from ltsa_driver import PROCESSES, START, Driver  # noqa: E402

from engine import Engine, ManualClock  # noqa: E402


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def engine(tmp_path: Path, clock: ManualClock) -> Engine:
    eng = Engine(database_url=f"sqlite:///{tmp_path}/t.db", data_dir=tmp_path, clock=clock)
    eng.init_db()
    eng.deploy([PROCESSES], actor="designer")
    yield eng
    eng.close()


@pytest.fixture
def driver(engine: Engine, clock: ManualClock) -> Driver:
    return Driver(engine, clock)
