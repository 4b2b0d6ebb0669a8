from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask.testing import FlaskClient
from web_testkit import csrf_of, ready_task

from engine import Actor, Engine, ManualClock


def test_inbox_lists_only_tasks_of_my_desks(
    eng: Engine, as_user: Callable[[str], FlaskClient], clerk: Actor, clock: ManualClock
) -> None:
    case = eng.start("intake", {}, clerk)
    register = ready_task(eng, case.id, "register")
    eng.complete_task(register, {"full_name": "Siti Aminah", "age": 30}, clerk)
    eng.start("intake", {}, clerk)
    clock.advance(timedelta(hours=3))

    dukcapil = as_user("dukcapil").get("/tasks")
    assert dukcapil.status_code == 200
    assert "Verifikasi e-KTP" in dukcapil.text
    assert "Siti Aminah" in dukcapil.text
    assert "Pendaftaran CPMI" not in dukcapil.text
    assert "3 jam" in dukcapil.text  # waiting time, Indonesian

    disnaker = as_user("disnaker").get("/tasks")
    assert "Pendaftaran CPMI" in disnaker.text
    assert "Verifikasi e-KTP" not in disnaker.text


def test_inbox_refuses_a_desk_that_is_not_mine(as_user: Callable[[str], FlaskClient]) -> None:
    assert as_user("disnaker").get("/tasks?desk=dukcapil").status_code == 403


def test_inbox_masks_the_nik(
    eng: Engine, as_user: Callable[[str], FlaskClient], clerk: Actor
) -> None:
    eng.start("intake", {"nik": "3201014501990001", "full_name": "Dewi"}, clerk)
    page = as_user("disnaker").get("/tasks").text
    assert "3201014501990001" not in page
    assert "0001" in page


def test_inbox_pages(eng: Engine, as_user: Callable[[str], FlaskClient], clerk: Actor) -> None:
    for _ in range(3):
        eng.start("intake", {}, clerk)
    client = as_user("disnaker")
    client.application.config["LTSA_PAGE_SIZE"] = 2
    first = client.get("/tasks").text
    assert first.count("/tasks/") >= 2 and "page=2" in first
    second = client.get("/tasks?page=2").text
    assert "page=1" in second and "page=3" not in second


def test_task_form_completes_the_task(
    eng: Engine, as_user: Callable[[str], FlaskClient], case_at_register: int
) -> None:
    client = as_user("disnaker")
    task_id = ready_task(eng, case_at_register, "register")
    page = client.get(f"/tasks/{task_id}")
    assert page.status_code == 200
    assert 'name="full_name"' in page.text and 'name="age"' in page.text
    response = client.post(
        f"/tasks/{task_id}",
        data={"full_name": "Siti Aminah", "age": "30", "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/tasks"
    case = eng.get_case(case_at_register)
    assert case.data["full_name"] == "Siti Aminah"
    assert {t.name for t in case.ready_tasks} == {"verify_ektp", "health_check"}
    assert "Tugas selesai" in client.get("/tasks").text


def test_invalid_form_shows_errors_next_to_fields_and_changes_nothing(
    eng: Engine, as_user: Callable[[str], FlaskClient], case_at_register: int
) -> None:
    client = as_user("disnaker")
    task_id = ready_task(eng, case_at_register, "register")
    before = eng.get_case(case_at_register)
    page = client.get(f"/tasks/{task_id}")
    response = client.post(
        f"/tasks/{task_id}",
        data={"full_name": "Siti", "age": "-4", "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 422
    assert 'id="field-age-error"' in response.text
    assert 'value="Siti"' in response.text  # what was typed is kept
    after = eng.get_case(case_at_register)
    assert after.revision == before.revision and after.data == before.data


def test_task_done_meanwhile_shows_already_done_message(
    eng: Engine, as_user: Callable[[str], FlaskClient], case_at_register: int
) -> None:
    task_id = ready_task(eng, case_at_register, "register")
    client = as_user("disnaker")
    page = client.get(f"/tasks/{task_id}")
    colleague = Actor("rekan", "officer", ("disnaker",))
    eng.complete_task(task_id, {"full_name": "Budi", "age": 40}, colleague)
    response = client.post(
        f"/tasks/{task_id}",
        data={"full_name": "Siti", "age": "30", "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 409
    assert "sudah diselesaikan oleh orang lain (rekan)" in response.text
    assert eng.get_case(case_at_register).data["full_name"] == "Budi"


def test_officer_cannot_open_a_task_of_another_desk(
    eng: Engine, as_user: Callable[[str], FlaskClient], case_at_register: int
) -> None:
    task_id = ready_task(eng, case_at_register, "register")
    assert as_user("dukcapil").get(f"/tasks/{task_id}").status_code == 403


def test_form_post_without_csrf_token_is_refused(
    eng: Engine, as_user: Callable[[str], FlaskClient], case_at_register: int
) -> None:
    task_id = ready_task(eng, case_at_register, "register")
    response = as_user("disnaker").post(
        f"/tasks/{task_id}", data={"full_name": "Siti", "age": "30"}
    )
    assert response.status_code == 400
    assert eng.get_case(case_at_register).revision == 1


def test_file_upload_is_stored_and_downloadable(
    eng: Engine, as_user: Callable[[str], FlaskClient], clerk: Actor
) -> None:
    import io

    case = eng.start("intake", {}, clerk)
    eng.complete_task(ready_task(eng, case.id, "register"), {"full_name": "Siti", "age": 30}, clerk)
    eng.complete_task(
        ready_task(eng, case.id, "verify_ektp"),
        {"ektp_valid": True},
        Actor("d", "officer", ("dukcapil",)),
    )
    eng.complete_task(
        ready_task(eng, case.id, "health_check"),
        {"health_result": "fit"},
        Actor("k", "officer", ("dinkes",)),
    )
    eng.send_message(case.id, "job_order_verified", {}, clerk)
    upload = ready_task(eng, case.id, "upload")
    client = as_user("disnaker")
    page = client.get(f"/tasks/{upload}")
    assert 'enctype="multipart/form-data"' in page.text
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = client.post(
        f"/tasks/{upload}",
        data={
            "csrf_token": csrf_of(page.text),
            "marital_status_letter": (io.BytesIO(pdf), "surat.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.text
    ref = eng.get_case(case.id).data["marital_status_letter"]
    assert ref["media_type"] == "application/pdf"
    shown = client.get(f"/cases/{case.id}")
    assert ref["sha256"] in shown.text
    download = client.get(f"/cases/{case.id}/documents/{ref['sha256']}")
    assert download.status_code == 200
    assert download.data == pdf
    assert "attachment" in download.headers["Content-Disposition"]
    assert as_user("auditor").get(f"/cases/{case.id}/documents/{ref['sha256']}").status_code == 200
    assert as_user("admin").get(f"/cases/{case.id}/documents/{ref['sha256']}").status_code == 403
    assert client.get(f"/cases/{case.id}/documents/{'0' * 64}").status_code == 404
