"""A designer changes R1 in the browser's decision-table editor, sees a scenario fail, deploys.

The journey of issue #14: eligibility.dmn's minimum age raised from 18 to 21
breaks a scenario; the scenario results and the coverage show on the page
(reached elements marked on the diagram, unreached outlined), "Pasang" is
refused naming the scenario, and after setting the age back the set deploys.
Tested from the BPMN modeler, the coverage is marked on the modeler's own canvas.
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


def test_designer_tests_from_the_modeler_and_sees_coverage_on_the_modeler_canvas(
    live_engine: Engine, page_for: Callable[..., Page], artifacts: Path
) -> None:
    # one scenario file only: some elements of ltsa_placement stay unreached
    one = PROCESSES / "tests" / "kelayakan.yaml"
    live_engine.deploy(
        [PROCESSES], actor="setup", scenarios=[SourceFile(one.name, one.read_bytes())]
    )
    version = _latest(live_engine, "ltsa_placement")
    designer = page_for("designer")
    designer.goto(
        f"/designer/modeler?key=ltsa_placement&version={version}&file=ltsa_placement.bpmn"
    )
    designer.wait_for_selector("#canvas[data-ready=true]", timeout=20_000)
    modeler_canvas = designer.locator("#canvas")
    assert designer.locator(".coverage-toggle").is_hidden()  # nothing to show before a test
    designer.click("#test")
    designer.wait_for_selector("#canvas[data-coverage=shown]", timeout=60_000)
    reached = modeler_canvas.locator(".djs-shape.ltsa-reached")
    missed = modeler_canvas.locator(".djs-element.ltsa-missed")
    assert reached.count() > 0
    assert modeler_canvas.locator(".djs-connection.ltsa-reached").count() > 0
    assert missed.count() > 0
    designer.screenshot(path=str(artifacts / "designer-modeler-coverage-1280.png"))

    designer.uncheck("#coverage-toggle")  # hidden, and back
    assert (reached.count(), missed.count()) == (0, 0)
    designer.check("#coverage-toggle")
    assert reached.count() > 0 and missed.count() > 0

    with designer.expect_request(lambda r: r.url.endswith("/designer/modeler/deploy")) as sent:
        designer.click("#validate")
    designer.wait_for_selector("#modeler-result.ok", timeout=20_000)
    xml = sent.value.post_data_json["xml"]
    assert "ltsa_placement" in xml and "ltsa-reached" not in xml and "ltsa-missed" not in xml
    assert reached.count() > 0  # a validation's answer has no report: the marks stay
    assert designer.csp_errors == []
