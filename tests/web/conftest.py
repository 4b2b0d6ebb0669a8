"""Fixtures for the web tests: a real SQLite engine on tmp_path, the app, signed-in clients."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))
for _name in ("engine", "forms", "web"):
    if _name in sys.modules and getattr(sys.modules[_name], "__file__", None) is None:
        del sys.modules[_name]

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from web_testkit import BPMN_DIR, PASSWORD, PEOPLE, login  # noqa: E402

from engine import Actor, Engine, ManualClock  # noqa: E402
from web import create_app  # noqa: E402


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def seeded_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the schema, the test processes and PEOPLE, made once."""
    data_dir = tmp_path_factory.mktemp("seed") / "var"
    engine = Engine(data_dir=data_dir)
    engine.init_db()
    engine.deploy([BPMN_DIR], actor="setup")
    for name, (role, desks) in PEOPLE.items():
        engine.users.add(name, role, desks, PASSWORD)
    engine.close()
    return data_dir


@pytest.fixture
def eng(tmp_path: Path, clock: ManualClock, seeded_data_dir: Path) -> Iterator[Engine]:
    data_dir = tmp_path / "var"
    shutil.copytree(seeded_data_dir, data_dir)
    engine = Engine(data_dir=data_dir, clock=clock)
    yield engine
    engine.close()


@pytest.fixture
def app(eng: Engine) -> Flask:
    return create_app({"LTSA_ENGINE": eng, "TESTING": True, "SECRET_KEY": "test-secret"})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def as_user(app: Flask) -> Callable[[str], FlaskClient]:
    """A new client signed in as one of PEOPLE."""

    def make(name: str) -> FlaskClient:
        client = app.test_client()
        response = login(client, name)
        assert response.status_code == 302, response
        return client

    return make


@pytest.fixture
def clerk() -> Actor:
    return Actor("disnaker", "officer", ("disnaker",))


@pytest.fixture
def case_at_register(eng: Engine, clerk: Actor) -> int:
    """A started intake case waiting at the Disnaker registration task."""
    return eng.start("intake", {}, clerk).id


# --- the public side (issue 16): the real processes deployed ----------------------------


@pytest.fixture
def deployed(eng: Engine) -> Engine:
    from public_testkit import deploy_processes

    return deploy_processes(eng)


@pytest.fixture
def waiting_case(deployed: Engine) -> tuple[int, str]:
    """A placement case sent back for the parents' consent, and its tracking code."""
    from public_testkit import case_waiting_for_documents

    return case_waiting_for_documents(deployed)
