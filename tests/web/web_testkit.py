"""Helpers of the web and end-to-end tests (fixtures are in conftest.py)."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from engine import Engine

_ROOT = Path(__file__).resolve().parents[2]
BPMN_DIR = _ROOT / "tests" / "engine" / "bpmn"
PASSWORD = "rahasia-2026"

# name -> (role, desks)
PEOPLE: dict[str, tuple[str, tuple[str, ...]]] = {
    "admin": ("admin", ()),
    "designer": ("designer", ()),
    "auditor": ("auditor", ()),
    "disnaker": ("officer", ("disnaker",)),
    "dukcapil": ("officer", ("dukcapil",)),
    "dinkes": ("officer", ("dinkes",)),
    "kepala": ("kepala", ()),
}

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token in a page."""
    match = _CSRF.search(html) or _META.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def submit(
    client: FlaskClient, page: str, data: Mapping[str, object], to: str | None = None
) -> TestResponse:
    """Open `page`, then POST `data` with its CSRF token to `to` (default: the page itself)."""
    token = csrf_of(client.get(page).text)
    return client.post(to or page, data={**data, "csrf_token": token})


def login(client: FlaskClient, name: str, password: str = PASSWORD) -> object:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": csrf_of(page.text)},
    )


def ready_task(eng: Engine, case_id: int, name: str) -> int:
    for task in eng.list_tasks(case_id=case_id):
        if task.name == name:
            return task.id
    raise AssertionError(f"no ready task {name} in case {case_id}")


def token_for(eng: Engine, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {eng.users.new_token(name)}"}


def upload(client: FlaskClient, action: str, *files: tuple[bytes, str]) -> TestResponse:
    """Send `files` (content, name) from the designer's upload form with `action`."""
    token = csrf_of(client.get("/designer").text)
    return client.post(
        "/designer/upload",
        data={
            "csrf_token": token,
            "action": action,
            "files": [(io.BytesIO(content), name) for content, name in files],
        },
        content_type="multipart/form-data",
    )


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """`app` served in a thread on a free port of 127.0.0.1: its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
