"""A designer changes a form field's label in the browser modeler; new cases show it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine import Engine

pytestmark = pytest.mark.e2e

Page = Any
NEW_LABEL = "Nama lengkap pelapor (diubah)"


def test_designer_relabels_a_field_in_the_modeler_and_a_new_case_shows_it(
    live_engine: Engine, page_for: Callable[..., Page], artifacts: Path
) -> None:
    before = max(p.version for p in live_engine.processes() if p.key == "pengaduan_umum")
    designer = page_for("designer")
    designer.goto("/designer")
    designer.click(
        f"a[href='/designer/modeler?key=pengaduan_umum&version={before}&file=pengaduan.bpmn']"
    )
    designer.wait_for_selector("#canvas[data-ready=true]", timeout=20_000)

    designer.click("#canvas [data-element-id=terima]")  # select the user task
    designer.click(
        "[data-group-id=group-CamundaPlatform__FormData] .bio-properties-panel-group-header"
    )
    label = designer.locator("#bio-properties-panel-terima-formField-0-formFieldLabel")
    if not label.is_visible():  # the field's entry starts folded
        designer.click(
            "[data-group-id=group-CamundaPlatform__FormData] "
            ".bio-properties-panel-collapsible-entry-header"
        )
    assert label.input_value() == "Nama pelapor"
    label.fill(NEW_LABEL)
    label.press("Tab")
    designer.wait_for_timeout(400)  # the panel writes to the model after a short debounce
    designer.screenshot(path=str(artifacts / "designer-properties-panel-1280.png"))
    designer.click("#deploy")
    designer.wait_for_selector("#modeler-result.ok", timeout=20_000)
    result = designer.locator("#modeler-result").inner_text()
    assert f"pengaduan_umum v{before + 1} (new)" in result, result
    assert designer.csp_errors == []

    officer = page_for("petugas.pengaduan")
    officer.goto("/cases")
    officer.select_option("#process", "pengaduan_umum")
    officer.click("form[action='/cases/new'] button[type=submit]")
    officer.wait_for_url("**/cases/*")
    case_id = int(officer.url.rsplit("/", 1)[1])
    assert live_engine.get_case(case_id).version == before + 1
    officer.click("dl.facts a[href^='/tasks/']")  # the waiting task at the officer's desk
    officer.wait_for_selector("form.ltsa-form")
    assert officer.locator("label[for=field-full_name]").inner_text().startswith(NEW_LABEL)
    officer.screenshot(path=str(artifacts / "officer-relabelled-form-1280.png"), full_page=True)

    phone = page_for("designer", width=390, height=844)
    phone.goto(f"/designer/modeler?key=pengaduan_umum&version={before + 1}&file=pengaduan.bpmn")
    phone.wait_for_selector("#canvas[data-ready=true]", timeout=20_000)
    phone.screenshot(path=str(artifacts / "designer-modeler-390.png"), full_page=True)
