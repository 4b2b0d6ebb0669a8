"""Browser: the head of office's dashboard and the zoomed case diagram, desktop and phone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ltsa_driver import Driver
from playwright.sync_api import Page

from engine import Engine, ManualClock


def _inside(page: Page, selector: str) -> bool:
    """Whether a diagram element is drawn within the visible diagram box."""
    box = page.locator("#diagram").bounding_box()
    shape = page.locator(f"#diagram {selector}").first.bounding_box()
    assert box is not None and shape is not None
    return (
        shape["x"] >= box["x"] - 1
        and shape["y"] >= box["y"] - 1
        and shape["x"] + shape["width"] <= box["x"] + box["width"] + 1
        and shape["y"] + shape["height"] <= box["y"] + box["height"] + 1
    )


def test_dashboard_and_zoomed_diagram_on_desktop_and_phone(
    live_engine: Engine,
    live_clock: ManualClock,
    page_for: Callable[..., Page],
    artifacts: Path,
) -> None:
    case = Driver(live_engine, live_clock).register()  # waits in the called document check
    for width, height in ((1280, 800), (390, 844)):
        page = page_for("kepala", width=width, height=height)
        page.goto("/dashboard?process=ltsa_placement")
        page.wait_for_selector("#weekly-chart[data-ready='4']", timeout=20_000)
        page.wait_for_selector("#diagram[data-ready]", timeout=20_000)
        desk = case.ready_tasks[0].desk
        assert int(page.locator(f"#queues tr[data-desk={desk}] .queue").inner_text()) >= 1
        assert page.locator("#weekly tbody tr").count() >= 1
        assert (
            page.locator(
                "[data-element-id=registrasi].ltsa-heat-1, "
                "[data-element-id=registrasi][class*=ltsa-heat]"
            ).count()
            >= 1
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        page.screenshot(path=str(artifacts / f"dashboard-{width}.png"), full_page=True)
        assert page.csp_errors == []

        diagram = page_for("auditor", width=width, height=height)
        diagram.goto(f"/cases/{case.id}")
        diagram.wait_for_selector("#diagram[data-ready=true]", timeout=20_000)
        assert diagram.locator(".ltsa-active").count() >= 1
        assert _inside(diagram, ".ltsa-active")  # opened on what waits
        focused = float(diagram.locator("#diagram").get_attribute("data-zoom-level") or 0)
        assert focused >= 0.75  # labels readable
        diagram.click(".zoom-controls [data-zoom=fit]")
        whole = float(diagram.locator("#diagram").get_attribute("data-zoom-level") or 0)
        assert whole < focused  # the nine lanes need a smaller scale
        diagram.click(".zoom-controls [data-zoom=in]")
        assert float(diagram.locator("#diagram").get_attribute("data-zoom-level") or 0) > whole
        diagram.click(".zoom-controls [data-zoom=focus]")
        assert _inside(diagram, ".ltsa-active")
        diagram.screenshot(path=str(artifacts / f"case-diagram-zoomed-{width}.png"), full_page=True)
        assert diagram.csp_errors == []
