"""One real LTSA case from registration to departure, desk by desk, through the pages only.

Each desk's officer signs in (``petugas.<desk>``), finds the case in the
inbox, claims the task, fills the generated form and submits it. Only the
embassy's ``job_order_verified`` message comes from outside, as it would:
no page sends messages. The data is the scenario driver's valid data.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ltsa_driver import Driver, registration

from engine import Actor, Engine

pytestmark = pytest.mark.e2e

Page = Any


def officer_of(desk: str) -> str:
    """The officer of a desk created by the live_engine fixture."""
    return f"petugas.{desk}"


_DOCS = Driver.docs_for("belum_kawin", "both")
_REG = registration()

#: (task, desk, form data) in the order the driver runs the happy path.
JOURNEY: list[tuple[str, str, dict[str, Any]]] = [
    ("registrasi", "disnaker", _REG),
    ("periksa_dokumen", "disnaker", _DOCS),
    ("cetak_ak1", "disnaker", {"ak1_number": "AK1-3212-0001", "ak1_issued": "2026-03-02"}),
    ("verifikasi_ektp", "dukcapil", {"ektp_result": "sesuai"}),
    (
        "pemeriksaan_kesehatan",
        "dinkes",
        {
            "health_result": "fit",
            "health_exam_date": "2026-03-03",
            "health_facility": "Sarkes Indramayu",
            "health_certificate": {"name": "sehat.pdf"},
        },
    ),
    (
        "penerbitan_paspor",
        "imigrasi",
        {"passport_number": "C1234567", "passport_expiry": "2031-03-01"},
    ),
    ("penerbitan_skck", "polri", {"skck_number": "SKCK/123/III/2026", "skck_issued": "2026-03-03"}),
    ("kepesertaan_bpjs", "bpjs", {"bpjs_number": "BPJS-0001"}),
    ("pembayaran_bpjs", "bank", {"bpjs_paid": True, "payment_reference": "TRX-1"}),
    (
        "wawancara_pp",
        "p3mi",
        {
            "p3mi_id": "PT Maju Jaya",
            "interview_date": "2026-03-10",
            "placement_agreement_signed": True,
        },
    ),
    (
        "uji_kompetensi",
        "p3mi",
        {
            "competence_passed": True,
            "competence_test_date": "2026-03-11",
            "competence_certificate": {"name": "kompetensi.pdf"},
        },
    ),
    (
        "pencocokan_job_order",
        "p3mi",
        {"job_order_id": "JO-TW-2026-17", "employer_name": "ACME Taipei"},
    ),
    ("tabungan_kur", "bank", {"placement_financing": "tabungan"}),
    ("perjanjian_kerja", "p3mi", {"work_contract_signed": True}),
    ("proses_visa", "p3mi", {"visa_number": "V-TW-991"}),
    ("opp", "bp2mi", {"opp_date": "2026-04-01", "pap_completed": True}),
    ("verifikasi_akhir", "disnaker", {"documents_checked": True}),
    ("penerbitan_skpln", "dukcapil", {"skpln_number": "SKPLN-77"}),
    ("serah_terima", "disnaker", {"handover_date": "2026-04-03"}),
    ("pemberangkatan", "bp2mi", {"epmi_card_number": "EPMI-1", "departure_date": "2026-04-05"}),
]
MESSAGE_AFTER = "pencocokan_job_order"
PDF = base64.b64decode(Driver.docs_for("belum_kawin")["marital_status_letter"]["content_base64"])


def fill_form(page: Page, data: dict[str, Any], uploads: Path) -> None:
    """Fill the generated form the way a person would: type, pick, tick, attach."""
    for name, value in data.items():
        field = page.locator(f"form.ltsa-form [name='{name}']").first
        kind = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if isinstance(value, dict):  # a document: attach a real PDF file
            path = uploads / str(value["name"])
            path.write_bytes(PDF)
            field.set_input_files(str(path))
        elif kind.startswith("select"):
            field.select_option(str(value))
        elif kind == "input:checkbox":
            field.set_checked(bool(value))
        elif kind == "input:radio":
            page.check(f"form.ltsa-form [name='{name}'][value='{value}']")
        else:
            field.fill(str(value))


def _ready_task_id(eng: Engine, case_id: int, name: str) -> int:
    tasks = [t for t in eng.list_tasks(case_id=case_id) if t.name == name]
    assert tasks, f"{name} is not ready; ready: {[t.name for t in eng.list_tasks(case_id=case_id)]}"
    return tasks[0].id


def test_one_ltsa_case_from_registration_to_departure_through_the_pages(
    live_engine: Engine, page_for: Callable[..., Page], artifacts: Path, tmp_path: Path
) -> None:
    pages: dict[str, Page] = {}

    def desk_page(desk: str) -> Page:
        if desk not in pages:
            pages[desk] = page_for(officer_of(desk))
        return pages[desk]

    start = desk_page("disnaker")
    start.goto("/cases")
    start.select_option("#process", "ltsa_placement")
    start.click("form[action='/cases/new'] button[type=submit]")
    start.wait_for_url("**/cases/*")
    case_id = int(start.url.rstrip("/").rsplit("/", 1)[1])

    for number, (task_name, desk, data) in enumerate(JOURNEY, start=1):
        page = desk_page(desk)
        task_id = _ready_task_id(live_engine, case_id, task_name)
        page.goto("/tasks")
        row = page.locator(f"tr[data-task='{task_id}']")
        assert row.count() == 1, f"{task_name} is not in the {desk} inbox"
        row.locator("button", has_text="Ambil").click()  # claim it
        page.wait_for_url("**/tasks")
        assert "Anda" in page.locator(f"tr[data-task='{task_id}'] .holder").inner_text()
        page.locator(f"tr[data-task='{task_id}'] a.button").click()
        page.wait_for_url(f"**/tasks/{task_id}")
        fill_form(page, data, tmp_path)
        if number in (1, 2):
            page.screenshot(path=str(artifacts / f"ltsa-{task_name}-1280.png"), full_page=True)
        page.click("form.ltsa-form button[type=submit]")
        page.wait_for_url("**/tasks")
        flash = page.locator(".flash").inner_text()
        assert flash.startswith("Tugas selesai"), (task_name, flash, page.content()[:2000])
        if task_name == MESSAGE_AFTER:  # the embassy verifies the job order (no page for it)
            embassy = Actor("kbri.taipei", "officer", ("p3mi",))
            live_engine.send_message(
                case_id, "job_order_verified", {"job_order_verified": True}, embassy
            )
        assert page.csp_errors == []

    case = live_engine.get_case(case_id)
    assert case.status == "completed", case.ready_tasks
    assert case.data["epmi_card_number"] == "EPMI-1"
    done = desk_page("bp2mi")
    done.goto(f"/cases/{case_id}")
    done.wait_for_selector("#diagram[data-ready=true]", timeout=20_000)
    assert done.locator("[data-element-id=pemberangkatan].ltsa-completed").count() == 1
    done.screenshot(path=str(artifacts / "ltsa-departed-case-1280.png"), full_page=True)

    phone = page_for(officer_of("disnaker"), width=390, height=844)
    phone.goto("/cases?q=Siti")
    phone.screenshot(path=str(artifacts / "ltsa-case-search-390.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
