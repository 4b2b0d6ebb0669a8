from __future__ import annotations

import re
import stat
from collections.abc import Callable
from pathlib import Path

from flask.testing import FlaskClient

from engine import Engine
from web import create_app
from web.messages_id import DYNAMIC, MESSAGES_ID

WEB = Path(__file__).resolve().parents[2] / "web"


def test_secret_key_is_generated_once_with_mode_600(eng: Engine, monkeypatch) -> None:
    monkeypatch.delenv("LTSA_SECRET_KEY", raising=False)
    first = create_app({"LTSA_ENGINE": eng})
    second = create_app({"LTSA_ENGINE": eng})
    path = Path(eng.data_dir) / "secret_key"
    assert first.secret_key == second.secret_key == path.read_text().strip()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_security_headers_on_pages(client: FlaskClient) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_session_cookie_is_httponly_and_samesite(
    as_user: Callable[[str], FlaskClient],
) -> None:
    client = as_user("auditor")
    cookie = client.get_cookie("ltsa_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_templates_have_no_inline_scripts_or_remote_assets() -> None:
    for template in (WEB / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"\son\w+=", text), template
        assert "http://" not in text and "https://" not in text, template


def test_every_page_text_has_an_indonesian_translation() -> None:
    pattern = re.compile(r"""(?:\b_|gettext)\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")""")
    texts = set(DYNAMIC)
    for path in [*WEB.rglob("*.html"), *WEB.rglob("*.py")]:
        if "node_modules" in path.parts or "static" in path.parts:
            continue
        texts |= {a or b for a, b in pattern.findall(path.read_text())}
    missing = sorted(t for t in texts if t not in MESSAGES_ID)
    assert not missing


def test_pages_switch_to_english(as_user: Callable[[str], FlaskClient]) -> None:
    from web_testkit import csrf_of

    client = as_user("disnaker")
    page = client.get("/tasks")
    assert "Kotak tugas" in page.text
    client.post("/language", data={"lang": "en", "csrf_token": csrf_of(page.text)})
    assert "Inbox" in client.get("/tasks").text
