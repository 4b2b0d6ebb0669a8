"""Schemathesis, with all its checks, over every /api/v1 operation of the live app, as each role.

The operations come from the app's own OpenAPI document, so a new route is tested the day it
is added. Schemathesis generates requests from the document (examples, coverage of its
boundaries and undeclared methods, then fuzzing; not chains of calls) and checks every answer
against it: no 5xx, documented status codes, content types, headers and bodies, `Allow` on a
405, schema-invalid input refused, schema-valid input accepted. An operation whose document
says it checks content its schema cannot state (`x-checked-beyond-schema`: a task's form, a
BPMN file) may answer schema-valid input with its documented 422, and only that.

The app serves from a thread of this process on a loopback port (Schemathesis' run engine
speaks HTTP); its examples are derandomized (fixed seed), so every run sends the same requests.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.checks import CHECKS
from schemathesis.engine import events, from_schema
from web_testkit import ready_task
from werkzeug.serving import WSGIRequestHandler, make_server

from engine import Actor, Engine, ManualClock
from web import create_app
from web.api.schemas import CHECKED_BEYOND_SCHEMA

MAX_EXAMPLES = 5
SEED = 20260302
ROLES = {"admin": "admin", "designer": "designer", "officer": "disnaker", "auditor": "auditor"}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# A response time limit is a speed goal: bench/ measures those, tests do not.
UNTIMED_CHECKS = sorted(name for name in CHECKS.get_all_names() if name != "max_response_time")


class _Quiet(WSGIRequestHandler):
    def log(self, *args: Any, **kwargs: Any) -> None:
        """Keep the request log out of the test output."""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, seeded_data_dir: Path) -> Iterator[Any]:
    """The app on a loopback port, with cases and tasks for the generated ids to find."""
    data_dir = tmp_path_factory.mktemp("conformance") / "var"
    shutil.copytree(seeded_data_dir, data_dir)
    eng = Engine(data_dir=data_dir, clock=ManualClock(datetime(2026, 3, 2, 8, tzinfo=UTC)))
    clerk = Actor("disnaker", "officer", ("disnaker",))
    for number in range(3):
        case = eng.start("intake", {}, clerk)
        if number:
            registration = {"full_name": f"Siti {number}", "age": 20 + number}
            eng.complete_task(ready_task(eng, case.id, "register"), registration, clerk)
    app = create_app({"LTSA_ENGINE": eng, "TESTING": True, "SECRET_KEY": "conformance"})
    server = make_server("127.0.0.1", 0, app, threaded=False, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield eng, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        eng.close()


def _document(eng: Engine, base_url: str) -> dict[str, Any]:
    """The app's OpenAPI document, as a client reads it."""
    import requests

    token = eng.users.new_token("admin")
    answer = requests.get(
        f"{base_url}/api/openapi.json", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    answer.raise_for_status()
    document: dict[str, Any] = answer.json()
    return document


def _v1_operations(document: dict[str, Any]) -> set[str]:
    return {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        if path.startswith("/api/v1/")
        for method in item
        if method in METHODS
    }


def _config(document: dict[str, Any], base_url: str, headers: dict[str, str]) -> Any:
    checks: dict[str, Any] = {name: {"enabled": True} for name in UNTIMED_CHECKS}
    beyond_schema = [
        {
            "include-path": path,
            "include-method": method.upper(),
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
                }
            },
        }
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS and CHECKED_BEYOND_SCHEMA in operation
    ]
    return schemathesis.Config.from_dict(
        {
            "base-url": base_url,
            "seed": SEED,
            "headers": headers,
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
            "checks": {"enabled": True, **checks},
            # Chains of calls (stateful phase) cost more than the time this test may take.
            "phases": {"stateful": {"enabled": False}},
            "operations": beyond_schema,
        }
    )


def _run(schema: Any) -> tuple[set[str], list[str]]:
    """Run every phase; return the operations tested and one line per distinct failure."""
    tested: set[str] = set()
    failures: dict[tuple[str, str, str], str] = {}
    for event in from_schema(schema).execute():
        if isinstance(event, (events.ScenarioFinished, events.FuzzScenarioFinished)):
            tested.add(event.recorder.label)
            for nodes in event.recorder.checks.values():
                for node in nodes:
                    if node.failure_info is None:
                        continue
                    failure = node.failure_info.failure
                    key = (event.recorder.label, node.name, failure.title)
                    sample = node.failure_info.code_sample.splitlines()[0][:400]
                    failures.setdefault(key, f"{' / '.join(key)}: {failure.message}\n  {sample}")
        elif isinstance(event, events.NonFatalError):
            failures.setdefault((event.label, "error", ""), f"{event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            failures.setdefault(("run", "fatal", ""), f"fatal: {event.exception!r}")
    return tested, sorted(failures.values())


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_every_v1_operation_conforms_to_the_openapi_document(live: Any, role: str) -> None:
    eng, base_url = live
    document = _document(eng, base_url)
    operations = _v1_operations(document)
    user = ROLES.get(role)
    headers = {"Authorization": f"Bearer {eng.users.new_token(user)}"} if user else {}
    schema = schemathesis.openapi.from_dict(
        document, config=_config(document, base_url, headers)
    ).include(path_regex="^/api/v1/")

    tested, failures = _run(schema)

    assert failures == [], "\n".join(failures)
    assert tested == operations


def test_the_document_states_what_the_server_enforces(live: Any) -> None:
    eng, base_url = live
    document = _document(eng, base_url)
    schemas = document["components"]["schemas"]
    for name in ("CaseStart", "Complete", "Message"):
        data = schemas[name]["properties"]["data"]
        assert data["propertyNames"]["pattern"] == "^[A-Za-z][A-Za-z0-9_]*$", name
        assert data["maxProperties"] == 500, name
    complete = document["paths"]["/api/v1/tasks/{task_id}/complete"]["post"]
    assert "task's form" in complete[CHECKED_BEYOND_SCHEMA]
    assert complete["responses"]["422"]["description"] == complete[CHECKED_BEYOND_SCHEMA]


def test_a_405_names_the_allowed_methods(live: Any) -> None:
    import requests

    eng, base_url = live
    token = eng.users.new_token("admin")
    answer = requests.delete(
        f"{base_url}/api/v1/tasks/1", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert answer.json()["code"] == "method_not_allowed"
