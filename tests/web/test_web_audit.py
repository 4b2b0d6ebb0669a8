"""The auditor's replay, verification, what-if and export: API and page."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text
from web_testkit import BPMN_DIR, ready_task, token_for

from engine import Actor, Engine, SourceFile, verify_export


def _error_shape(body: dict[str, object]) -> None:
    assert set(body) >= {"code", "message", "errors"}


@pytest.fixture
def registered(eng: Engine, clerk: Actor) -> int:
    """An intake case after registration (age 30): events 1 started, 2 registered."""
    case = eng.start("intake", {}, clerk)
    register = ready_task(eng, case.id, "register")
    eng.complete_task(register, {"full_name": "Siti Aminah", "age": 30}, clerk)
    return case.id


def _deploy_stricter_age_rule(eng: Engine) -> int:
    """Version 2 of intake whose DMN rejects applicants under 31."""
    files = [
        SourceFile(p.name, p.read_bytes())
        for p in sorted(BPMN_DIR.iterdir())
        if p.name != "age_check.dmn"
    ]
    dmn = (BPMN_DIR / "age_check.dmn").read_text().replace("&lt; 18", "&lt; 31")
    files.append(SourceFile("age_check.dmn", dmn.encode()))
    results = eng.deploy(files, actor="designer")
    return next(r.version for r in results if r.key == "intake")


def test_replay_steps_through_the_events(client: FlaskClient, eng: Engine, registered: int) -> None:
    auditor = token_for(eng, "auditor")
    first = client.get(f"/api/v1/cases/{registered}/replay?to=1", headers=auditor)
    assert first.status_code == 200
    assert first.json["seq"] == 1 and first.json["events"] == 2
    assert first.json["data"] == {} and first.json["active"] == ["register"]
    second = client.get(f"/api/v1/cases/{registered}/replay?to=2", headers=auditor).json
    assert second["event"]["kind"] == "task_completed"
    assert second["changed"]["age"] == {"before": None, "after": 30, "absent": "before"}
    assert "register" in second["path"]
    assert {"verify_ektp", "health_check"} <= set(second["active"])
    latest = client.get(f"/api/v1/cases/{registered}/replay", headers=auditor).json
    assert latest["seq"] == 2


def test_replay_of_a_missing_event_or_version_is_404_json(
    client: FlaskClient, eng: Engine, registered: int
) -> None:
    auditor = token_for(eng, "auditor")
    for query in ("to=9", "against=7"):
        response = client.get(f"/api/v1/cases/{registered}/replay?{query}", headers=auditor)
        assert response.status_code == 404, query
        _error_shape(response.json)
    bad = client.get(f"/api/v1/cases/{registered}/replay?to=-1", headers=auditor)
    assert bad.status_code == 422
    assert "to" in bad.json["errors"]


def test_what_if_names_the_first_divergence(
    client: FlaskClient, eng: Engine, registered: int
) -> None:
    stricter = _deploy_stricter_age_rule(eng)
    response = client.get(
        f"/api/v1/cases/{registered}/replay?to=1&against={stricter}",
        headers=token_for(eng, "admin"),
    )
    assert response.status_code == 200
    body = response.json
    assert body["seq"] == 1 and body["against"] == stricter
    assert body["divergence"]["seq"] == 2
    assert "rejected" in body["divergence"]["reason"]
    assert body["divergence"]["details"]["status"] == {"recorded": "active", "other": "rejected"}


def test_verify_reports_intact_then_the_tampered_event(
    client: FlaskClient, eng: Engine, registered: int
) -> None:
    auditor = token_for(eng, "auditor")
    intact = client.get(f"/api/v1/cases/{registered}/verify", headers=auditor)
    assert intact.status_code == 200
    assert intact.json["intact"] is True and intact.json["first_bad_event"] is None
    assert intact.json["problems"] == []
    with eng.db.engine.begin() as connection:
        connection.execute(
            text("UPDATE journal_events SET payload = :p WHERE case_id = :c AND seq = 2"),
            {"p": json.dumps({"data": {"full_name": "Siti Aminah", "age": 12}}), "c": registered},
        )
    tampered = client.get(f"/api/v1/cases/{registered}/verify", headers=auditor).json
    assert tampered["intact"] is False and tampered["first_bad_event"] == 2
    assert tampered["problems"]


def test_export_is_a_signed_download_that_verifies(
    client: FlaskClient, eng: Engine, registered: int
) -> None:
    response = client.get(f"/api/v1/cases/{registered}/export", headers=token_for(eng, "auditor"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.data)
    assert document["case"]["id"] == registered and len(document["events"]) == 2
    assert verify_export(document, eng.public_key()).intact


def test_officers_and_designers_may_not_audit(
    client: FlaskClient, eng: Engine, registered: int
) -> None:
    for user in ("disnaker", "designer"):
        for what in ("replay", "verify", "export"):
            response = client.get(
                f"/api/v1/cases/{registered}/{what}", headers=token_for(eng, user)
            )
            assert response.status_code == 403, (user, what)
            _error_shape(response.json)


def test_audit_page_steps_through_events(
    as_user: Callable[[str], FlaskClient], eng: Engine, registered: int
) -> None:
    client = as_user("auditor")
    case_page = client.get(f"/cases/{registered}").text
    assert f'href="/audit/cases/{registered}"' in case_page
    last = client.get(f"/audit/cases/{registered}")
    assert last.status_code == 200
    assert "Setelah peristiwa 2 dari 2" in last.text
    assert "Siti Aminah" in last.text and 'id="step-prev"' in last.text
    assert 'id="step-next"' not in last.text
    assert "Verifikasi e-KTP" in last.text  # a ready task after registration, by its title
    assert "&#34;register&#34;" in last.text  # the path taken, for the diagram
    first = client.get(f"/audit/cases/{registered}?to=1").text
    assert "Setelah peristiwa 1 dari 2" in first and 'id="step-next"' in first
    assert "Siti Aminah</td>" not in first  # no data yet after event 1
    clamped = client.get(f"/audit/cases/{registered}?to=99").text
    assert "Setelah peristiwa 2 dari 2" in clamped


def test_audit_page_verifies_and_compares_versions(
    as_user: Callable[[str], FlaskClient], eng: Engine, registered: int
) -> None:
    client = as_user("auditor")
    plain = client.get(f"/audit/cases/{registered}").text
    assert 'id="verify-result"' not in plain
    assert "Belum ada versi lain" in plain
    verified = client.get(f"/audit/cases/{registered}?verify=1").text
    assert 'class="verdict ok" id="verify-result"' in verified
    stricter = _deploy_stricter_age_rule(eng)
    compared = client.get(f"/audit/cases/{registered}?to=1&against={stricter}").text
    assert f"Versi {stricter} akan mulai berbeda pada peristiwa 2." in compared
    assert f"/audit/cases/{registered}?to=2&amp;against={stricter}" in compared


def test_audit_page_is_for_auditors_and_admins(
    as_user: Callable[[str], FlaskClient], registered: int
) -> None:
    assert as_user("admin").get(f"/audit/cases/{registered}").status_code == 200
    assert as_user("disnaker").get(f"/audit/cases/{registered}").status_code == 403
    assert 'id="audit-link"' not in as_user("disnaker").get(f"/cases/{registered}").text
    assert as_user("auditor").get("/audit/cases/4242").status_code == 404
