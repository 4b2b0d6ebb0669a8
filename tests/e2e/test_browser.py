"""The three users' first minutes in a real browser (headless Debian Chromium)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from web_testkit import BPMN_DIR

from engine import Actor, Engine

pytestmark = pytest.mark.e2e

E2E_BPMN = Path(__file__).resolve().parent / "bpmn"

Page = object


def _ready_task(eng: Engine, case_id: int, name: str) -> int:
    return next(t.id for t in eng.list_tasks(case_id=case_id) if t.name == name)


def test_officer_completes_a_task_through_the_form(
    live_engine: Engine, page_for: Callable[..., Page], artifacts: Path
) -> None:
    clerk = Actor("disnaker", "officer", ("disnaker",))
    case = live_engine.start("intake", {"nik": "3201014501990001"}, clerk)
    task_id = _ready_task(live_engine, case.id, "register")

    page = page_for("disnaker")
    page.goto("/tasks")
    page.screenshot(path=str(artifacts / "officer-inbox-1280.png"), full_page=True)
    page.click(f"a[href='/tasks/{task_id}']")
    page.fill("#field-full_name", "Siti Aminah")
    page.fill("#field-age", "-1")
    page.eval_on_selector("form.ltsa-form", "form => { form.noValidate = true; }")  # server check
    page.click("form.ltsa-form button[type=submit]")
    assert page.locator("#field-age-error").is_visible()
    page.fill("#field-age", "29")
    page.screenshot(path=str(artifacts / "officer-task-form-1280.png"), full_page=True)
    page.click("form.ltsa-form button[type=submit]")
    page.wait_for_url("**/tasks")
    assert page.locator(".flash").inner_text().startswith("Tugas selesai")
    assert live_engine.get_case(case.id).data["full_name"] == "Siti Aminah"
    assert page.csp_errors == []

    other = live_engine.start("intake", {"full_name": "Dewi Lestari"}, clerk)
    phone = page_for("disnaker", width=390, height=844)
    phone.goto("/tasks")
    phone.screenshot(path=str(artifacts / "officer-inbox-390.png"), full_page=True)
    phone.goto(f"/tasks/{_ready_task(live_engine, other.id, 'register')}")
    phone.screenshot(path=str(artifacts / "officer-task-form-390.png"), full_page=True)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_designer_uploads_and_deploys_a_process(
    live_engine: Engine, page_for: Callable[..., Page], artifacts: Path, tmp_path: Path
) -> None:
    source = (
        (BPMN_DIR / "intake.bpmn")
        .read_text()
        .replace('name="Intake test process"', 'name="Intake (edited in e2e)"')
    )
    edited = tmp_path / "intake.bpmn"
    edited.write_text(source)
    page = page_for("designer")
    page.goto("/designer")
    page.set_input_files(
        "#files", [str(edited), str(BPMN_DIR / "documents.bpmn"), str(BPMN_DIR / "age_check.dmn")]
    )
    page.click("button[value=deploy]")
    page.wait_for_selector(".deployed")
    assert any("intake v2" in text for text in page.locator(".deployed").all_inner_texts())
    page.screenshot(path=str(artifacts / "designer-1280.png"), full_page=True)

    broken = tmp_path / "broken.bpmn"
    broken.write_text(
        (E2E_BPMN / "pengaduan.bpmn")
        .read_text()
        .replace('lane id="pengaduan" name="Pengaduan"', 'lane id="x" name="X"')
    )
    page.set_input_files("#files", [str(broken)])
    page.click("button[value=deploy]")  # the lane is no desk: refused with errors
    page.wait_for_selector("tr.problem")
    page.screenshot(path=str(artifacts / "designer-errors-1280.png"), full_page=True)

    page.goto("/designer/modeler?key=pengaduan_umum&version=1&file=pengaduan.bpmn")
    page.wait_for_selector("#canvas[data-ready=true]", timeout=20_000)
    assert page.locator("#canvas svg").count() > 0
    page.click("#validate")
    page.wait_for_selector("#modeler-result.ok", timeout=20_000)
    page.screenshot(path=str(artifacts / "designer-modeler-1280.png"))
    assert page.csp_errors == []


def test_auditor_sees_the_case_diagram(
    live_engine: Engine, page_for: Callable[..., Page], artifacts: Path
) -> None:
    clerk = Actor("petugas.pengaduan", "officer", ("pengaduan",))
    case = live_engine.start("pengaduan_umum", {}, clerk)
    live_engine.complete_task(
        _ready_task(live_engine, case.id, "terima"), {"full_name": "Budi"}, clerk
    )
    page = page_for("auditor")
    page.goto(f"/cases/{case.id}")
    page.wait_for_selector("#diagram[data-ready=true]", timeout=20_000)
    assert page.locator("#diagram svg").count() > 0
    assert page.locator("[data-element-id=terima].ltsa-completed").count() == 1
    assert page.locator("[data-element-id=tindak_lanjut].ltsa-active").count() == 1
    page.screenshot(path=str(artifacts / "auditor-case-1280.png"), full_page=True)
    assert page.csp_errors == []

    phone = page_for("auditor", width=390, height=844)
    phone.goto(f"/cases/{case.id}")
    phone.wait_for_selector("#diagram[data-ready=true]", timeout=20_000)
    phone.screenshot(path=str(artifacts / "auditor-case-390.png"), full_page=True)
