"""A refused deployment from the modeler outlines the element at fault on the canvas."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine import Engine

pytestmark = pytest.mark.e2e

Page = Any


def test_validation_errors_are_listed_and_the_element_is_outlined(
    live_engine: Engine, page_for: Callable[..., Page], artifacts: Path
) -> None:
    version = max(p.version for p in live_engine.processes() if p.key == "pengaduan_umum")
    designer = page_for("designer")
    designer.goto(f"/designer/modeler?key=pengaduan_umum&version={version}&file=pengaduan.bpmn")
    designer.wait_for_selector("#canvas[data-ready=true]", timeout=20_000)

    designer.click("#canvas [data-element-id=terima]")
    designer.click(
        "[data-group-id=group-CamundaPlatform__FormData] .bio-properties-panel-group-header"
    )
    constraint = designer.locator(
        "#bio-properties-panel-terima-formField-0-formFieldConstraints-constraint-0-name"
    )
    folded = (
        "[data-group-id=group-CamundaPlatform__FormData] "
        ".bio-properties-panel-collapsible-entry:not(.open) "
        "> .bio-properties-panel-collapsible-entry-header:visible"
    )
    for _ in range(4):  # the field, its constraint list and the constraint start folded
        if constraint.is_visible():
            break
        if designer.locator(folded).count():
            designer.locator(folded).first.click()
        else:
            designer.locator("#properties").get_by_text("Constraints", exact=True).click()
    assert constraint.input_value() == "required"
    constraint.fill("wajib")  # no such constraint: the deployment check refuses it
    constraint.press("Tab")
    designer.wait_for_timeout(400)

    designer.click("#validate")
    designer.wait_for_selector("#modeler-result.bad", timeout=20_000)
    listed = designer.locator("#modeler-result").inner_text()
    assert "[terima]" in listed and "LTSA-D010" in listed, listed
    outlined = designer.locator("#canvas .djs-element.ltsa-error[data-element-id=terima]")
    assert outlined.count() == 1
    designer.screenshot(path=str(artifacts / "designer-modeler-error-1280.png"))
    assert max(p.version for p in live_engine.processes() if p.key == "pengaduan_umum") == version
