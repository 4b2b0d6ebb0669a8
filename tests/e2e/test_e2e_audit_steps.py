"""An auditor steps through a finished LTSA case, sees the path on the diagram, verifies it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ltsa_driver import Driver

from engine import Engine, ManualClock

pytestmark = pytest.mark.e2e

Page = Any


@pytest.fixture
def departed_case(live_engine: Engine, live_clock: ManualClock) -> int:
    """An LTSA case driven through the engine from registration to departure."""
    driver = Driver(live_engine, live_clock)
    case = driver.departure(driver.final_verification(driver.to_final_verification()))
    assert case.status == "completed"
    return case.id


def _marked(page: Page, element: str, marker: str) -> bool:
    return page.locator(f"#diagram [data-element-id={element}].{marker}").count() == 1


def test_auditor_steps_through_a_case_and_verifies_it(
    live_engine: Engine, page_for: Callable[..., Page], artifacts: Path, departed_case: int
) -> None:
    last = len(live_engine.history(departed_case))
    page = page_for("auditor")
    page.goto(f"/cases/{departed_case}")
    page.click("#audit-link")
    page.wait_for_url(f"**/audit/cases/{departed_case}")
    page.wait_for_selector("#diagram[data-ready=true]", timeout=20_000)
    assert page.locator("#step-title").inner_text() == f"Setelah peristiwa {last} dari {last}"
    assert _marked(page, "registrasi", "ltsa-completed")
    assert _marked(page, "pemberangkatan", "ltsa-completed")
    assert page.locator("#diagram .ltsa-active").count() == 0
    page.screenshot(path=str(artifacts / "auditor-audit-last-1280.png"), full_page=True)

    page.click("#step-prev")  # back: departure is what the case waits for
    page.wait_for_url(f"**?to={last - 1}")
    page.wait_for_selector("#diagram[data-ready=true]", timeout=20_000)
    assert _marked(page, "pemberangkatan", "ltsa-active")
    assert _marked(page, "serah_terima", "ltsa-completed")
    assert "pemberangkatan" in page.locator("#ready-tasks").inner_text()

    page.locator("#step-to").evaluate(
        "(s) => { s.value = '2'; s.dispatchEvent(new Event('change')); }"
    )
    page.wait_for_url("**?to=2")  # the slider jumps to just after registration
    page.wait_for_selector("#diagram[data-ready=true]", timeout=20_000)
    assert _marked(page, "registrasi", "ltsa-completed")
    assert _marked(page, "cek_kelayakan", "ltsa-completed")  # the eligibility decision
    assert not _marked(page, "pemberangkatan", "ltsa-completed")
    assert "periksa_dokumen" in page.locator("#ready-tasks").inner_text()  # in a called process
    assert "full_name" in page.locator("#changed").inner_text()
    page.screenshot(path=str(artifacts / "auditor-audit-step2-1280.png"), full_page=True)

    page.click("#step-next")
    page.wait_for_url("**?to=3")
    assert "Setelah peristiwa 3" in page.locator("#step-title").inner_text()

    page.click("#verify-button")
    page.wait_for_selector("#verify-result")
    assert "verdict ok" in page.locator("#verify-result").get_attribute("class")
    assert f"Utuh: {last} peristiwa" in page.locator("#verify-result").inner_text()
    assert page.locator("#export-link").get_attribute("href") == (
        f"/api/v1/cases/{departed_case}/export"
    )
    assert page.csp_errors == []

    phone = page_for("auditor", width=390, height=844)
    phone.goto(f"/audit/cases/{departed_case}?to=5")
    phone.wait_for_selector("#diagram[data-ready=true]", timeout=20_000)
    phone.screenshot(path=str(artifacts / "auditor-audit-390.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
