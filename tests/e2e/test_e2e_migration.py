"""A designer previews a new version's impact and migrates; an auditor sees the switch.

This module serves its own engine (the other journeys keep version 1 of the
LTSA process): cases registered on v1, then a v2 that raises the minimum age
to 21 and adds a step before departure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ltsa_driver import PROCESSES, START, Driver, birth_date_for_age
from web_testkit import PASSWORD, PEOPLE, served

from engine import Engine, EventKind, ManualClock
from web import create_app

_ENGINE_TESTS = Path(__file__).resolve().parents[1] / "engine"
import sys  # noqa: E402

if str(_ENGINE_TESTS) not in sys.path:
    sys.path.insert(0, str(_ENGINE_TESTS))
import migration_versions as versions  # noqa: E402

pytestmark = pytest.mark.e2e
Page = Any


@pytest.fixture(scope="module")
def live_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    folder = tmp_path_factory.mktemp("e2e-migration")
    engine = Engine(data_dir=folder / "var", clock=ManualClock(START))
    engine.init_db()
    engine.deploy([PROCESSES], actor="setup")
    for name, (role, desks) in PEOPLE.items():
        engine.users.add(name, role, desks, PASSWORD)
    drv = Driver(engine, engine.clock)  # type: ignore[arg-type]
    drv.register(birth_date=birth_date_for_age(19))
    for _ in range(3):
        drv.register()
    v2 = versions.copy_processes(folder / "v2")
    versions.minimum_age(v2, 21)
    versions.step_before_departure(v2)
    engine.deploy([v2], actor="setup")
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def base_url(live_engine: Engine) -> Iterator[str]:
    with served(create_app({"LTSA_ENGINE": live_engine, "SECRET_KEY": "e2e-migration"})) as url:
        yield url


def test_designer_previews_and_migrates_with_progress_then_the_auditor_sees_the_switch(
    live_engine: Engine, page_for: Callable[..., Page], artifacts: Path
) -> None:
    page = page_for("designer")
    page.goto("/designer")
    page.click("a.impact-link")
    page.wait_for_selector("#migration[data-previewed=true]", timeout=30_000)
    assert page.locator("#count-same").inner_text() == "3"
    assert page.locator("#count-diverges").inner_text() == "1"
    young = page.locator('#impact tr[data-outcome="diverges"]')
    assert young.locator(".event").inner_text() == "2"
    assert "rejected" in young.locator(".reason").inner_text()
    page.select_option("#filter-outcome", "diverges")
    assert page.locator("#impact tbody tr:visible").count() == 1
    page.select_option("#filter-outcome", "")
    page.wait_for_selector("#diagram-new[data-ready=true]", timeout=20_000)
    page.wait_for_selector("#diagram-old[data-ready=true]", timeout=20_000)
    assert page.locator("#diagram-new [data-element-id=cek_pra_berangkat].ltsa-added").count()
    assert page.locator("#diagram-old [data-element-id=cek_kelayakan].ltsa-changed").count()
    page.screenshot(path=str(artifacts / "designer-migration-preview-1280.png"), full_page=True)

    page.click("#migrate-same")
    page.wait_for_selector("#migration[data-migrated=true]", timeout=60_000)
    progress = page.locator("#migrate-progress")
    assert progress.evaluate("(p) => p.value === p.max")
    assert page.locator("#count-migrated").inner_text() == "3"
    assert page.locator("#count-same").inner_text() == "0"
    assert "3" in page.locator("#migrate-status").inner_text()
    assert page.csp_errors == []
    page.screenshot(path=str(artifacts / "designer-migration-done-1280.png"), full_page=True)

    migrated = [c.id for c in live_engine.list_cases(status="active") if c.version == 2]
    assert len(migrated) == 3
    case_id = migrated[0]
    events = live_engine.history(case_id)
    switch = next(e.seq for e in events if e.kind is EventKind.CASE_MIGRATED)
    auditor = page_for("auditor")
    auditor.goto(f"/audit/cases/{case_id}?to={switch}")
    auditor.wait_for_selector("#diagram[data-ready=true]", timeout=20_000)
    notice = auditor.locator("#migration-switch").inner_text()
    assert "versi 1 ke versi 2" in notice
    assert events[switch - 1].payload["proof"] in notice
    assert "v2" in auditor.locator("dl.facts").first.inner_text()
    auditor.click("#step-prev")
    auditor.wait_for_url(f"**?to={switch - 1}")
    auditor.wait_for_selector("#diagram[data-ready=true]", timeout=20_000)
    assert "v1" in auditor.locator("dl.facts").first.inner_text()
    assert auditor.locator("#migration-switch").count() == 0
    auditor.goto(f"/cases/{case_id}")
    assert "v1 → v2" in auditor.locator(".timeline").inner_text()
    assert auditor.csp_errors == []
