"""An Idempotency-Key makes a retried request safe: one change, the first answer again."""

from __future__ import annotations

from flask.testing import FlaskClient
from web_testkit import ready_task, token_for

from engine import Actor, Engine


def _message_request(eng: Engine, clerk: Actor, key: str) -> tuple[int, str, dict[str, str]]:
    """A case waiting for the job order: its id, the URL of the message, headers with `key`."""
    case = eng.start("intake", {}, clerk)
    eng.complete_task(ready_task(eng, case.id, "register"), {"full_name": "S", "age": 30}, clerk)
    headers = {**token_for(eng, "disnaker"), "Idempotency-Key": key}
    return case.id, f"/api/v1/cases/{case.id}/messages/job_order_verified", headers


def test_a_message_delivered_twice_with_one_key_changes_the_case_once(
    client: FlaskClient, eng: Engine, clerk: Actor
) -> None:
    case_id, url, headers = _message_request(eng, clerk, "embassy-msg-0001")
    body = {"data": {"job_order_id": "JO-1"}}
    events_before = len(eng.history(case_id))

    first = client.post(url, json=body, headers=headers)
    second = client.post(url, json=body, headers=headers)

    assert first.status_code == second.status_code == 200
    assert second.json == first.json
    assert len(eng.history(case_id)) == events_before + 1
    assert eng.get_case(case_id).revision == first.json["revision"]


def test_one_key_for_another_request_is_a_conflict(
    client: FlaskClient, eng: Engine, clerk: Actor
) -> None:
    _, url, headers = _message_request(eng, clerk, "k-42")
    assert client.post(url, json={"data": {}}, headers=headers).status_code == 200
    other = client.post(url, json={"data": {"x": 1}}, headers=headers)
    assert other.status_code == 409
    assert set(other.json) >= {"code", "message", "errors"}


def test_start_complete_and_withdraw_accept_the_key(client: FlaskClient, eng: Engine) -> None:
    officer = token_for(eng, "disnaker")

    def post(url: str, body: dict[str, object], key: str) -> object:
        return client.post(url, json=body, headers={**officer, "Idempotency-Key": key})

    started = [post("/api/v1/cases", {"process": "intake"}, "start-1") for _ in range(2)]
    assert started[0].status_code == started[1].status_code == 201
    assert started[0].json == started[1].json
    case_id = started[0].json["id"]
    assert len(eng.list_cases()) == 1

    task = ready_task(eng, case_id, "register")
    body = {"data": {"full_name": "Siti", "age": 30}}
    done = [post(f"/api/v1/tasks/{task}/complete", body, "done-1") for _ in range(2)]
    assert done[0].status_code == done[1].status_code == 200
    assert done[0].json == done[1].json

    withdrawn = [
        post(f"/api/v1/cases/{case_id}/withdraw", {"reason": "pindah"}, "wd-1") for _ in range(2)
    ]
    assert withdrawn[0].status_code == withdrawn[1].status_code == 200
    assert withdrawn[1].json["status"] == "withdrawn"
    assert [e.kind for e in eng.history(case_id)].count("case_withdrawn") == 1


def test_an_overlong_key_is_refused_as_json(client: FlaskClient, eng: Engine) -> None:
    response = client.post(
        "/api/v1/cases",
        json={"process": "intake"},
        headers={**token_for(eng, "disnaker"), "Idempotency-Key": "x" * 201},
    )
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json["errors"]
    assert eng.list_cases() == []
