"""Printouts from a case, and complaints naming its worker on the case page."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from public_testkit import DISNAKER, WORKER

from engine import Engine, PublicDesk


def test_receipt_carries_the_tracking_code_and_the_documents_received(
    as_user: Callable[[str], FlaskClient], waiting_case: tuple[int, str]
) -> None:
    case_id, code = waiting_case
    officer = as_user("disnaker")
    page = officer.get(f"/cases/{case_id}/print/receipt")
    assert page.status_code == 200
    assert f'id="receipt-code">{code}<' in page.text
    assert "Tanda terima berkas" in page.text and "Surat keterangan status perkawinan" in page.text
    assert "print.css" in page.text and "print-80mm.css" not in page.text
    narrow = officer.get(f"/cases/{case_id}/print/receipt?width=80mm&lang=en")
    assert "print-80mm.css" in narrow.text and "Receipt of documents" in narrow.text
    assert "Marital status certificate" in narrow.text
    css = officer.get("/static/css/print-80mm.css").get_data(as_text=True)
    assert "@page" in css and "80mm" in css


def test_missing_documents_list_says_where_to_get_each(
    as_user: Callable[[str], FlaskClient], waiting_case: tuple[int, str]
) -> None:
    case_id, _ = waiting_case
    page = as_user("disnaker").get(f"/cases/{case_id}/print/missing")
    assert '<td class="missing">Surat izin orang tua</td>' in page.text
    assert "diketahui kepala desa atau lurah" in page.text


def test_ak1_card_waits_for_its_issue_and_is_valid_for_the_deployed_period(
    as_user: Callable[[str], FlaskClient], deployed: Engine
) -> None:
    case = deployed.start("ltsa_placement", {}, DISNAKER)
    deployed.complete_task(case.ready_tasks[0].id, WORKER, DISNAKER)
    officer = as_user("disnaker")
    assert officer.get(f"/cases/{case.id}/print/ak1").status_code == 404
    deployed.correct(case.id, "ak1_number", "AK1-0001", "test", DISNAKER)
    deployed.correct(case.id, "ak1_issued", "2026-03-02", "test", DISNAKER)
    page = officer.get(f"/cases/{case.id}/print/ak1")
    assert 'id="ak1-valid-until">2028-03-02<' in page.text
    assert WORKER["nik"] in page.text


def test_only_officers_print(
    as_user: Callable[[str], FlaskClient], waiting_case: tuple[int, str]
) -> None:
    case_id, _ = waiting_case
    assert as_user("auditor").get(f"/cases/{case_id}/print/receipt").status_code == 403
    assert as_user("disnaker").get(f"/cases/{case_id}/print/nothing").status_code == 404


def test_a_complaint_naming_the_worker_shows_to_officers_and_auditors_only(
    as_user: Callable[[str], FlaskClient], waiting_case: tuple[int, str], deployed: Engine
) -> None:
    case_id, _ = waiting_case
    complaint_id, _ = PublicDesk(deployed).file_complaint(
        {"category": "biaya_penempatan", "description": "Diminta uang", "nik": WORKER["nik"]}
    )
    for user in ("disnaker", "auditor"):
        page = as_user(user).get(f"/cases/{case_id}")
        assert 'id="linked-complaints"' in page.text, user
        assert f"/cases/{complaint_id}" in page.text
    assert 'id="linked-complaints"' not in as_user("admin").get(f"/cases/{case_id}").text
