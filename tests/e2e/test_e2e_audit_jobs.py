"""An auditor verifies every case from the browser: progress bar, then a signed report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ltsa_driver import Driver

from engine import Engine, ManualClock, verify_report

pytestmark = pytest.mark.e2e

Page = Any


def test_auditor_verifies_every_case_and_downloads_the_signed_report(
    live_engine: Engine,
    live_clock: ManualClock,
    page_for: Callable[..., Page],
    artifacts: Path,
    tmp_path: Path,
) -> None:
    driver = Driver(live_engine, live_clock)
    case = driver.register()
    page = page_for("auditor")
    page.goto("/audit")
    page.click("#verify-all")
    page.wait_for_url("**/audit/jobs/*")
    assert page.locator("#job-progress").count() == 1
    page.wait_for_selector("#job-report", timeout=60_000)  # the page polls, then reloads
    assert page.locator("#job-bad").inner_text() == "0"
    page.screenshot(path=str(artifacts / "auditor-verify-job-1280.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#job-report")
    saved = tmp_path / "report.json"
    download.value.save_as(saved)
    intact, summary = verify_report(saved.read_bytes())
    assert intact, summary
    assert f'"case_id":{case.id},' in saved.read_text()

    page.goto("/audit?actor=petugas_disnaker&sample=1&seed=3")
    assert "seed 3" in page.locator("#sample-seed").inner_text()
    assert page.csp_errors == []
