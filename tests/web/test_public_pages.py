"""The public side without an account: pages, API, one 404 for every miss, rate limits, CSRF."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from public_testkit import PROCESSES
from web_testkit import csrf_of, submit

from engine import Engine, ManualClock, PublicDesk


def _post(client: FlaskClient, path: str, data: dict[str, str]) -> object:
    return submit(client, "/publik", data, to=path)


def test_status_page_shows_step_desk_and_missing_documents(
    client: FlaskClient, waiting_case: tuple[int, str]
) -> None:
    _, code = waiting_case
    page = _post(client, "/publik/status", {"code": code.lower(), "birth_date": "1995-06-15"})
    assert page.status_code == 200
    assert "Lengkapi dokumen yang kurang" in page.text and "Dinas Ketenagakerjaan" in page.text
    assert "Surat izin orang tua" in page.text
    assert "Siti" not in page.text and "3212015506950001" not in page.text


def test_wrong_code_wrong_birth_date_and_malformed_code_read_the_same(
    client: FlaskClient, waiting_case: tuple[int, str]
) -> None:
    _, code = waiting_case
    misses = [(code, "1995-06-16"), ("2345-6789-ABCD", "1995-06-15"), ("O0O0", "1995-06-15")]
    pages = [_post(client, "/publik/status", {"code": c, "birth_date": b}) for c, b in misses]
    assert {p.status_code for p in pages} == {404}
    bodies = {re.sub(r'(value|content)="[^"]+"', "", p.text) for p in pages}  # CSRF tokens
    assert len(bodies) == 1
    answers = [
        client.get("/api/v1/public/status", query_string={"code": c, "birth_date": b})
        for c, b in misses
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.get_data() for a in answers}) == 1


def test_the_21st_look_up_within_a_minute_is_refused(
    client: FlaskClient, waiting_case: tuple[int, str]
) -> None:
    _, code = waiting_case
    query = {"code": code, "birth_date": "1995-06-15"}
    answers = [client.get("/api/v1/public/status", query_string=query) for _ in range(21)]
    assert [a.status_code for a in answers] == [200] * 20 + [429]
    assert answers[-1].json["code"] == "too_many_requests" or answers[-1].is_json
    other = client.get(
        "/api/v1/public/status", query_string=query, environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert other.status_code == 200
    assert answers[0].json == {
        "steps": ["Lengkapi dokumen yang kurang"],
        "desks": ["disnaker"],
        "missing_documents": ["Surat izin orang tua"],
        "finished": False,
    }


def test_a_complaint_filed_on_the_page_reads_back_without_the_complainant(
    client: FlaskClient, deployed: Engine
) -> None:
    form = client.get("/publik/pengaduan")
    assert 'name="description"' in form.text and 'name="category"' in form.text
    # one office: it is chosen already, as a browser then sends it
    assert '<option value="utama" selected>Kantor LTSA</option>' in form.text
    data = {"category": "biaya_penempatan", "description": "P3MI meminta uang", "office": "utama"}
    filed = submit(client, "/publik/pengaduan", {**data, "complainant_name": "Ibu Sari"})
    assert filed.status_code == 201
    code = re.search(r'id="tracking-code">([^<]+)<', filed.text).group(1)
    status = _post(client, "/publik/pengaduan/status", {"code": code})
    assert status.status_code == 200 and "Diterima" in status.text and "Sari" not in status.text
    api = client.get(f"/api/v1/public/complaints/{code}")
    assert api.json["status"] == "received" and "Sari" not in api.get_data(as_text=True)


def test_an_invalid_complaint_is_refused_and_nothing_is_stored(
    client: FlaskClient, deployed: Engine
) -> None:
    answer = client.post("/api/v1/public/complaints", json={"data": {"category": "x"}})
    assert answer.status_code == 422 and "description" in answer.json["errors"]
    page = client.post("/publik/pengaduan", data={"category": "informasi", "description": "x"})
    assert page.status_code == 400  # no CSRF token
    assert deployed.list_cases(process_key="pengaduan") == []


def test_requirements_page_lists_the_deployed_banned_destinations(
    client: FlaskClient, deployed: Engine
) -> None:
    page = client.get("/publik")
    listed = re.findall(r'data-country="([A-Z]{2})"', page.text)
    assert listed == [b.country for b in PublicDesk(deployed).requirements().banned_destinations]
    assert "SA" in listed and "Pekerja tidak dibebani biaya penempatan" in page.text
    api = client.get("/api/v1/public/requirements")
    assert [b["country"] for b in api.json["banned_destinations"]] == listed


def test_public_pages_speak_english_on_request(client: FlaskClient, deployed: Engine) -> None:
    token = csrf_of(client.get("/publik").text)
    client.post("/language", data={"lang": "en", "csrf_token": token, "back": "/publik"})
    page = client.get("/publik")
    assert "Countries closed to domestic work" in page.text
    assert "Saudi Arabia" in page.text


def test_officers_may_use_the_public_pages_too(app: Flask, deployed: Engine) -> None:
    assert app.test_client().get("/publik").status_code == 200


def test_a_banned_destination_added_and_deployed_appears_on_the_page(
    client: FlaskClient, deployed: Engine, tmp_path: Path
) -> None:
    changed = tmp_path / "processes"
    shutil.copytree(PROCESSES, changed, ignore=shutil.ignore_patterns("tests", "*.md"))
    dmn = (changed / "eligibility.dmn").read_text(encoding="utf-8")
    row = re.search(r'<rule id="eligibility_r4">.*?</rule>', dmn, re.S)
    assert row is not None
    new_row = row.group(0).replace("eligibility_r4", "eligibility_r4b").replace('"SA"', '"NG"')
    (changed / "eligibility.dmn").write_text(dmn.replace(row.group(0), row.group(0) + new_row))
    assert 'data-country="NG"' not in client.get("/publik").text
    deployed.deploy([changed], actor="designer")
    listed = re.findall(r'data-country="([A-Z]{2})"', client.get("/publik").text)
    assert listed[:3] == ["DZ", "SA", "NG"]


def test_the_head_finds_an_escalated_complaint_in_the_inbox_and_on_its_case(
    as_user: Callable[[str], FlaskClient], deployed: Engine, clock: ManualClock
) -> None:
    case_id, _ = PublicDesk(deployed).file_complaint(
        {"category": "layanan_ltsa", "description": "Loket tutup lebih awal"}
    )
    clock.advance(timedelta(days=14))
    assert deployed.fire_due_timers() >= 1  # one input may fire both the reminder and escalation
    task = next(t for t in deployed.get_case(case_id).ready_tasks if t.name == "eskalasi_kepala")
    head = as_user("kepala")
    assert f'href="/tasks/{task.id}"' in head.get("/tasks").text
    assert f'href="/tasks/{task.id}"' in head.get(f"/cases/{case_id}").text
    assert 'id="linked-complaints"' not in head.get(f"/cases/{case_id}").text
    assert as_user("disnaker").get(f"/tasks/{task.id}").status_code == 403


def test_a_complaint_goes_to_the_office_named_or_the_default_one(
    client: FlaskClient, deployed: Engine
) -> None:
    deployed.offices.add("indramayu", "LTSA Kabupaten Indramayu")
    data = {"category": "informasi", "description": "Jam buka loket?"}
    named = client.post("/api/v1/public/complaints", json={"data": data, "office": "indramayu"})
    plain = client.post("/api/v1/public/complaints", json={"data": data})
    assert (named.status_code, plain.status_code) == (201, 201)
    offices = sorted(c.office for c in deployed.list_cases(process_key="pengaduan"))
    assert offices == ["indramayu", "utama"]
    unknown = client.post("/api/v1/public/complaints", json={"data": data, "office": "atlantis"})
    assert unknown.status_code == 422 and "office" in unknown.json["errors"]
    assert len(deployed.list_cases(process_key="pengaduan")) == 2
