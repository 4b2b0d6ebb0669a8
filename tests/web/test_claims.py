"""Claiming tasks: API and pages; the inbox shows who holds each task."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from web_testkit import PASSWORD, csrf_of, ready_task, token_for

from engine import Actor, Engine


def test_claim_and_unclaim_through_the_api(
    client: FlaskClient, eng: Engine, case_at_register: int
) -> None:
    eng.users.add("disnaker2", "officer", ("disnaker",), PASSWORD)
    task_id = ready_task(eng, case_at_register, "register")
    mine, colleague = token_for(eng, "disnaker"), token_for(eng, "disnaker2")

    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers=mine)
    assert claimed.status_code == 200 and claimed.json["assignee"] == "disnaker"
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=mine).status_code == 200

    taken = client.post(f"/api/v1/tasks/{task_id}/claim", headers=colleague)
    assert taken.status_code == 409 and taken.json["code"] == "conflict"
    blocked = client.post(
        f"/api/v1/tasks/{task_id}/complete",
        json={"data": {"full_name": "Siti", "age": 30}},
        headers=colleague,
    )
    assert blocked.status_code == 409
    assert client.post(f"/api/v1/tasks/{task_id}/unclaim", headers=colleague).status_code == 409

    wrong_desk = client.post(f"/api/v1/tasks/{task_id}/claim", headers=token_for(eng, "dukcapil"))
    assert wrong_desk.status_code == 403

    released = client.post(f"/api/v1/tasks/{task_id}/unclaim", headers=mine)
    assert released.status_code == 200 and released.json["assignee"] is None
    again = client.post(f"/api/v1/tasks/{task_id}/claim", headers=colleague)
    assert again.json["assignee"] == "disnaker2"
    by_admin = client.post(f"/api/v1/tasks/{task_id}/unclaim", headers=token_for(eng, "admin"))
    assert by_admin.status_code == 200 and by_admin.json["assignee"] is None
    missing = client.post("/api/v1/tasks/4242/claim", headers=mine)
    assert missing.status_code == 404


def test_inbox_claims_and_shows_the_holder(
    eng: Engine, as_user: Callable[[str], FlaskClient], case_at_register: int
) -> None:
    eng.users.add("disnaker2", "officer", ("disnaker",), PASSWORD)
    task_id = ready_task(eng, case_at_register, "register")
    client = as_user("disnaker")
    inbox = client.get("/tasks").text
    assert f'action="/tasks/{task_id}/claim"' in inbox
    response = client.post(f"/tasks/{task_id}/claim", data={"csrf_token": csrf_of(inbox)})
    assert response.status_code == 302 and response.headers["Location"] == "/tasks"
    assert eng.get_task(task_id).assignee == "disnaker"
    inbox = client.get("/tasks").text
    assert "Anda mengambil" in inbox and f'action="/tasks/{task_id}/unclaim"' in inbox

    colleague = as_user("disnaker2")
    theirs = colleague.get("/tasks").text
    assert '<td data-label="Dipegang oleh" class="holder">disnaker</td>' in theirs
    assert f"/tasks/{task_id}/claim" not in theirs
    refused = colleague.post(f"/tasks/{task_id}/claim", data={"csrf_token": csrf_of(theirs)})
    assert refused.status_code == 302
    assert "Tugas ini sudah dipegang oleh disnaker." in colleague.get("/tasks").text
    form = colleague.get(f"/tasks/{task_id}").text
    assert "ltsa-form" not in form and "sudah dipegang oleh disnaker" in form

    page = client.get(f"/tasks/{task_id}").text
    assert 'id="claim-button"' in page and "Kembalikan" in page
    back = client.post(
        f"/tasks/{task_id}/unclaim", data={"csrf_token": csrf_of(page), "back": "task"}
    )
    assert back.headers["Location"] == f"/tasks/{task_id}"
    assert eng.get_task(task_id).assignee is None


def test_inbox_reads_applicant_and_nik_from_the_task_list_alone(
    eng: Engine, as_user: Callable[[str], FlaskClient], clerk: Actor, monkeypatch
) -> None:
    eng.start("intake", {"full_name": "Rina Wati", "nik": "3201014501990007"}, clerk)
    client = as_user("disnaker")

    def no_case_fetch(case_id: int) -> None:
        raise AssertionError("the inbox fetched a case")

    monkeypatch.setattr(eng, "get_case", no_case_fetch)
    page = client.get("/tasks").text
    assert "Rina Wati" in page and "0007" in page and "3201014501990007" not in page
