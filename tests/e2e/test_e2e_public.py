"""The public side in Chromium: a complaint from filing to resolution, timers, printouts as PDF.

The complainant has no account; officers work the complaint in their inboxes;
the receipt printed at the desk is rendered to PDF (``page.pdf``) and PNG
(pdftoppm), and its tracking code, read back from the PDF text, opens the
applicant's status on `/publik`.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from public_testkit import WORKER, case_waiting_for_documents

from engine import Actor, Engine, ManualClock, PublicDesk

pytestmark = pytest.mark.e2e

COMPLAINTS_DESK = Actor("petugas.pengaduan", "officer", ("pengaduan",))

Page = Any


@pytest.fixture
def anonymous(browser: Any, base_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, viewport={"width": 1000, "height": 900})
    yield context.new_page()
    context.close()


def _task(live_engine: Engine, case_id: int, name: str) -> int:
    return next(t.id for t in live_engine.get_case(case_id).ready_tasks if t.name == name)


def _submit(page: Page) -> None:
    page.click("form.ltsa-form button[type=submit]")
    page.wait_for_url("**/tasks")


def _file_complaint(page: Page, category: str, description: str) -> str:
    page.goto("/publik")
    page.click("#complaint-link")
    page.select_option("#field-category", category)
    page.fill("#field-description", description)
    page.fill("#field-complainant_name", "Ibu Sari")
    page.click("form.ltsa-form button[type=submit]")
    return page.locator("#tracking-code").inner_text().strip()


def test_an_anonymous_complaint_is_referred_resolved_and_read_back_with_its_code(
    live_engine: Engine, page_for: Callable[..., Page], anonymous: Page, artifacts: Path
) -> None:
    anonymous.goto("/publik")
    listed = anonymous.locator("#banned-destinations li").evaluate_all(
        "items => items.map(item => item.dataset.country)"
    )
    deployed = PublicDesk(live_engine).requirements().banned_destinations
    assert listed == [b.country for b in deployed] and "SA" in listed
    anonymous.screenshot(path=str(artifacts / "public-requirements.png"), full_page=True)
    code = _file_complaint(anonymous, "masalah_luar_negeri", "Gaji adik saya belum dibayar")
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    anonymous.screenshot(path=str(artifacts / "public-complaint-filed.png"), full_page=True)
    case_id = PublicDesk(live_engine).codes.case_for(code)
    assert case_id is not None

    desk = page_for("petugas.pengaduan")
    desk.goto("/tasks")
    desk.click(f"a[href='/tasks/{_task(live_engine, case_id, 'triase')}']")
    assert "Gaji adik saya" in desk.content() and "Ibu Sari" not in desk.content()
    desk.select_option("#field-category", "masalah_luar_negeri")
    desk.fill("#field-triage_note", "Rujuk ke BP2MI")
    _submit(desk)

    bp2mi = page_for("petugas.bp2mi")
    bp2mi.goto("/tasks")
    bp2mi.click(f"a[href='/tasks/{_task(live_engine, case_id, 'rujukan_bp2mi')}']")
    bp2mi.fill("#field-finding_bp2mi", "Majikan menunda gaji 3 bulan")
    bp2mi.fill("#field-action_bp2mi", "Dimediasi melalui KBRI")
    _submit(bp2mi)

    desk.goto(f"/tasks/{_task(live_engine, case_id, 'penyelesaian')}")
    desk.select_option("#field-substantiated", "terbukti")
    desk.fill("#field-resolution", "Gaji telah dibayar penuh melalui KBRI")
    _submit(desk)

    anonymous.goto("/publik")
    anonymous.fill("#complaint-code", code.lower().replace("-", " "))
    anonymous.click("#complaints button[type=submit]")
    assert anonymous.locator("#complaint-status").inner_text() == "Selesai"
    resolution = anonymous.locator("#complaint-resolution").inner_text()
    assert resolution == "Gaji telah dibayar penuh melalui KBRI"
    assert "Ibu Sari" not in anonymous.content()
    anonymous.screenshot(path=str(artifacts / "public-complaint-resolved.png"), full_page=True)


def test_reminder_at_7_days_reaches_the_desk_holding_it_and_escalation_at_14_the_head(
    live_engine: Engine,
    live_clock: ManualClock,
    page_for: Callable[..., Page],
    anonymous: Page,
) -> None:
    code = _file_complaint(anonymous, "calo_ilegal", "Calo menjanjikan kerja di Malaysia")
    case_id = PublicDesk(live_engine).codes.case_for(code)
    assert case_id is not None
    triage = {"category": "calo_ilegal", "triage_note": "Satgas"}
    live_engine.complete_task(_task(live_engine, case_id, "triase"), triage, COMPLAINTS_DESK)
    polri = Actor("petugas.polri", "officer", ("polri",))
    done = {"finding_polri": "Calo teridentifikasi", "action_polri": "Penyidikan"}
    live_engine.complete_task(_task(live_engine, case_id, "rujukan_polri"), done, polri)
    before = live_clock.now()
    try:
        live_clock.advance(timedelta(days=7))
        live_engine.fire_due_timers()
        names = {t.name for t in live_engine.get_case(case_id).ready_tasks}
        assert names == {"rujukan_bp2mi", "pengingat_bp2mi"}  # polri answered: not reminded
        bp2mi = page_for("petugas.bp2mi")
        bp2mi.goto("/tasks")
        bp2mi.click(f"a[href='/tasks/{_task(live_engine, case_id, 'pengingat_bp2mi')}']")
        bp2mi.fill("#field-reminder_note_bp2mi", "Menunggu data P3MI")
        _submit(bp2mi)

        live_clock.advance(timedelta(days=7))
        live_engine.fire_due_timers()
        head = page_for("kepala")
        head.goto("/tasks")
        escalation = _task(live_engine, case_id, "eskalasi_kepala")
        head.click(f"a[href='/tasks/{escalation}']")
        head.fill("#field-head_instruction", "Selesaikan pekan ini")
        _submit(head)
        case = live_engine.get_case(case_id)
        assert case.status == "active" and case.data["complaint_status"] == "in_progress"
        assert {t.name for t in case.ready_tasks} == {"rujukan_bp2mi"}
    finally:
        live_clock.set(before)


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _page_size(path: Path) -> str:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return next(line for line in info.stdout.splitlines() if line.startswith("Page size"))


def test_printouts_render_to_pdf_and_the_receipt_code_opens_the_status(
    live_engine: Engine, page_for: Callable[..., Page], anonymous: Page, artifacts: Path
) -> None:
    case_id, _ = case_waiting_for_documents(live_engine)
    officer = page_for("petugas.disnaker")
    officer.goto(f"/cases/{case_id}")
    officer.click("#printouts a:has-text('Tanda terima berkas')")
    receipt = artifacts / "print-receipt-a4.pdf"
    officer.pdf(path=str(receipt), prefer_css_page_size=True, print_background=True)
    text = _pdf_text(receipt)
    found = re.search(r"\b([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})\b", text)
    assert found and "Tanda terima berkas" in text and "Surat keterangan status perkawinan" in text
    assert "(A4)" in _page_size(receipt)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(receipt), str(artifacts / "receipt")],
        check=True,
    )
    assert (artifacts / "receipt.png").stat().st_size > 1000

    officer.goto(f"/cases/{case_id}/print/receipt?width=80mm")
    narrow = artifacts / "print-receipt-80mm.pdf"
    officer.pdf(path=str(narrow), prefer_css_page_size=True)
    width = float(_page_size(narrow).split(":")[1].split("x")[0])
    assert abs(width - 80 / 25.4 * 72) < 1.5  # 80 mm
    assert found.group(1) in _pdf_text(narrow)

    officer.goto(f"/cases/{case_id}/print/missing?lang=en")
    missing = artifacts / "print-missing-documents.pdf"
    officer.pdf(path=str(missing), prefer_css_page_size=True)
    assert "Surat izin orang tua" in _pdf_text(missing)
    assert "village or ward office" in _pdf_text(missing)

    anonymous.goto("/publik")
    anonymous.fill("#status-code", found.group(1))
    anonymous.fill("#status-birth-date", WORKER["birth_date"])
    anonymous.click("#status-check button[type=submit]")
    assert "Surat izin orang tua" in anonymous.locator("#progress-missing").inner_text()
    assert "Dinas Ketenagakerjaan" in anonymous.locator("#progress-desks").inner_text()
    assert WORKER["full_name"] not in anonymous.content()
