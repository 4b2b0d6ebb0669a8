"""Complaints and offices: the public form names the office; linked complaints stay in theirs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from public_testkit import WORKER
from web_testkit import PASSWORD, submit

from engine import Engine, PublicDesk

FORM = "/publik/pengaduan"
COMPLAINT = {"category": "informasi", "description": "Jam buka loket?"}


@pytest.fixture
def two(deployed: Engine) -> Engine:
    """The real processes, a second office, and a complaints officer in each office."""
    deployed.offices.add("indramayu", "LTSA Kabupaten Indramayu")
    deployed.users.add("aduan.utama", "officer", ["pengaduan"], PASSWORD)
    deployed.users.add("aduan.indramayu", "officer", ["pengaduan"], PASSWORD, office="indramayu")
    return deployed


def test_a_complaint_filed_for_office_b_lands_at_office_b_complaints_desk(
    client: FlaskClient, as_user: Callable[[str], FlaskClient], two: Engine
) -> None:
    form = client.get(FORM).text
    assert '<option value="indramayu">LTSA Kabupaten Indramayu</option>' in form
    assert "selected>Kantor LTSA" not in form  # several offices: the complainant chooses
    assert "Kantor LTSA yang menangani pengaduan Anda" in form

    unchosen = submit(client, FORM, COMPLAINT)
    unknown = submit(client, FORM, {**COMPLAINT, "office": "atlantis"})
    assert (unchosen.status_code, unknown.status_code) == (422, 422)
    for refused in (unchosen, unknown):  # the error stands at the office field
        assert 'href="#field-office"' in refused.text and 'id="field-office-error"' in refused.text
    assert two.list_cases(process_key="pengaduan") == []

    assert submit(client, FORM, {**COMPLAINT, "office": "indramayu"}).status_code == 201
    (case,) = two.list_cases(process_key="pengaduan")
    assert case.office == "indramayu"
    (task,) = two.get_case(case.id).ready_tasks  # triage at the complaints desk
    link = f'href="/tasks/{task.id}"'
    assert link in as_user("aduan.indramayu").get("/tasks").text
    theirs = as_user("aduan.utama")
    assert link not in theirs.get("/tasks").text
    assert theirs.get(f"/tasks/{task.id}").status_code == 404


def test_a_case_page_shows_only_complaints_of_the_readers_office(
    as_user: Callable[[str], FlaskClient], two: Engine, waiting_case: tuple[int, str]
) -> None:
    case_id, _ = waiting_case  # in the default office, utama
    desk = PublicDesk(two)
    named = {**COMPLAINT, "nik": WORKER["nik"]}
    here, _ = desk.file_complaint(named, office="utama")
    there, _ = desk.file_complaint(named, office="indramayu")
    officer = as_user("disnaker").get(f"/cases/{case_id}").text
    assert f'href="/cases/{here}"' in officer
    assert f'href="/cases/{there}"' not in officer
    auditor = as_user("auditor").get(f"/cases/{case_id}").text  # national
    assert f'href="/cases/{here}"' in auditor and f'href="/cases/{there}"' in auditor


def test_the_public_api_lists_the_offices_a_complaint_may_name(
    client: FlaskClient, two: Engine
) -> None:
    listed = client.get("/api/v1/public/offices")  # no account
    assert listed.status_code == 200
    assert listed.json == [{"code": o.code, "name": o.name} for o in two.offices.list()]
    assert {"code": "indramayu", "name": "LTSA Kabupaten Indramayu"} in listed.json
    filed = client.post(
        "/api/v1/public/complaints", json={"data": COMPLAINT, "office": "indramayu"}
    )
    assert filed.status_code == 201
    (case,) = two.list_cases(process_key="pengaduan")
    assert case.office == "indramayu"
