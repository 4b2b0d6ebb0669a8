from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from web_testkit import csrf_of, ready_task

from engine import Actor, Engine


def test_search_by_name_and_full_nik(
    eng: Engine, as_user: Callable[[str], FlaskClient], clerk: Actor
) -> None:
    eng.start("intake", {"full_name": "Siti Aminah", "nik": "3201014501990001"}, clerk)
    eng.start("intake", {"full_name": "Budi Santoso", "nik": "3201010101900002"}, clerk)
    client = as_user("auditor")
    by_name = client.get("/cases?q=aminah").text
    assert "Siti Aminah" in by_name and "Budi" not in by_name
    by_nik = client.get("/cases?q=3201010101900002").text
    assert "Budi Santoso" in by_nik and "Siti" not in by_nik
    assert "3201010101900002" not in by_nik.split("<table", 1)[1]  # masked in the list


def test_case_page_shows_timeline_and_diagram_container(
    eng: Engine, as_user: Callable[[str], FlaskClient], clerk: Actor
) -> None:
    case = eng.start("intake", {}, clerk)
    eng.complete_task(ready_task(eng, case.id, "register"), {"full_name": "Siti", "age": 30}, clerk)
    page = as_user("auditor").get(f"/cases/{case.id}")
    assert page.status_code == 200
    assert 'id="diagram"' in page.text
    assert "Tugas diselesaikan" in page.text  # task_completed, in Indonesian
    assert "age, full_name" in page.text  # the fields changed
    assert "Verifikasi e-KTP" in page.text  # waiting at


def test_diagram_json_marks_path_and_active_tasks(
    eng: Engine, as_user: Callable[[str], FlaskClient], clerk: Actor
) -> None:
    case = eng.start("intake", {}, clerk)
    eng.complete_task(ready_task(eng, case.id, "register"), {"full_name": "Siti", "age": 30}, clerk)
    info = as_user("auditor").get(f"/cases/{case.id}/diagram.json").json
    assert info["process"] == "intake" and info["version"] == 1
    assert 'id="intake"' in info["xml"]
    assert "register" in info["completed"]
    # ready user tasks, and the events the case waits on (the engine's case_path)
    assert {"verify_ektp", "health_check", "wait_job_order"} <= set(info["active"])
    assert not set(info["active"]) & set(info["completed"])
    bare = as_user("auditor").get(f"/cases/{case.id}/diagram.json?path=0").json
    assert bare["xml"] == info["xml"] and bare["completed"] == bare["active"] == []


def test_officer_starts_a_case_from_the_search_page(
    eng: Engine, as_user: Callable[[str], FlaskClient]
) -> None:
    client = as_user("disnaker")
    page = client.get("/cases")
    response = client.post(
        "/cases/new", data={"process": "intake", "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 302
    assert len(eng.list_cases()) == 1


def test_missing_case_is_404_page(as_user: Callable[[str], FlaskClient]) -> None:
    response = as_user("auditor").get("/cases/12345")
    assert response.status_code == 404
    assert "<html" in response.text
