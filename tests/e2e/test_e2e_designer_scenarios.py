"""A designer changes R1 in the browser's decision-table editor, sees a scenario fail, deploys.

The journey of issue #14: eligibility.dmn's minimum age raised from 18 to 21
breaks a scenario; the scenario results and the coverage show on the page
(reached elements marked on the diagram, unreached outlined), "Pasang" is
refused naming the scenario, and after setting the age back the set deploys.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ltsa_driver import PROCESSES

from engine import Engine, SourceFile

pytestmark = pytest.mark.e2e

Page = Any
R1_AGE_CELL = "td[data-element-id=eligibility_r2_i2]"  # R1: minimum age, "< 18"


def _set_cell(page: Page, text: str) -> None:
    page.locator(R1_AGE_CELL).click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.click("h1")  # leave the cell: dmn-js writes it to the model
    assert page.locator(R1_AGE_CELL).inner_text().strip() == text


def _latest(engine: Engine, key: str) -> int:
    return max(p.version for p in engine.processes() if p.key == key)


@pytest.fixture
def scenarios_stored(live_engine: Engine) -> Engine:
    """The LTSA processes' scenario files stored with them, as `ltsa deploy processes/` does."""
    scenarios = [SourceFile(p.name, p.read_bytes()) for p in sorted(PROCESSES.glob("tests/*.yaml"))]
    assert scenarios, "processes/tests/ has no scenario file"
    live_engine.deploy([PROCESSES], actor="setup", scenarios=scenarios)
    return live_engine


def test_designer_breaks_r1_in_the_table_editor_sees_the_failure_and_coverage_then_deploys(
    scenarios_stored: Engine, page_for: Callable[..., Page], artifacts: Path
) -> None:
    live_engine = scenarios_stored
    before = _latest(live_engine, "ltsa_placement")
    designer = page_for("designer")
    designer.goto("/designer")
    designer.click(
        f"a[href='/designer/decisions?key=ltsa_placement&version={before}&file=eligibility.dmn']"
    )
    designer.wait_for_selector("#canvas[data-ready=true]", timeout=20_000)
    assert designer.locator(R1_AGE_CELL).inner_text().strip() == "< 18"

    _set_cell(designer, "< 21")
    designer.click("#test")
    designer.wait_for_selector(".scenario-report[data-passed=false]", timeout=60_000)
    failed = designer.locator("tr.scenario.failed")
    assert failed.count() >= 1
    failure = failed.first.locator(".failure").inner_text()
    assert "R1" in failure, failure
    assert "Skenario gagal" in designer.locator("#modeler-result").inner_text()
    diagram = designer.locator(".coverage[data-process=ltsa_placement] .coverage-diagram")
    diagram.wait_for(state="attached")
    designer.wait_for_selector(
        ".coverage[data-process=ltsa_placement] .coverage-diagram[data-ready=true]",
        timeout=20_000,
    )
    assert diagram.locator(".djs-shape.ltsa-reached").count() > 0
    assert diagram.locator(".djs-connection.ltsa-reached").count() > 0
    designer.locator(".scenario-report").scroll_into_view_if_needed()
    designer.screenshot(path=str(artifacts / "designer-scenarios-failing-1280.png"))
    diagram.scroll_into_view_if_needed()
    designer.screenshot(path=str(artifacts / "designer-coverage-1280.png"))

    designer.click("#deploy")  # refused: a scenario fails
    designer.wait_for_selector("#modeler-result.bad", timeout=60_000)
    refusal = designer.locator("#modeler-result").inner_text()
    assert "tidak ada yang dipasang" in refusal
    assert failed.first.get_attribute("data-scenario") in refusal
    assert _latest(live_engine, "ltsa_placement") == before

    designer.locator(R1_AGE_CELL).scroll_into_view_if_needed()
    _set_cell(designer, "< 18")
    designer.click("#test")
    designer.wait_for_selector(".scenario-report[data-passed=true]", timeout=60_000)
    coverage = designer.locator(".coverage[data-process=ltsa_placement] .figures").inner_text()
    assert "100" in coverage, coverage
    designer.click("#deploy")
    designer.wait_for_selector("#modeler-result.ok >> text=Terpasang", timeout=60_000)
    after = _latest(live_engine, "ltsa_placement")
    assert after == before + 1
    latest = next(
        p for p in live_engine.processes() if p.key == "ltsa_placement" and p.version == after
    )
    assert latest.tests_skipped_by is None
    assert designer.csp_errors == []
