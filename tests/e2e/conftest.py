"""End-to-end fixtures: a live server in a thread and a headless Debian Chromium."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[2]
for _path in (str(_ROOT), str(_ROOT / "tests" / "web"), str(_ROOT / "tests" / "processes")):
    if _path not in sys.path:
        sys.path.insert(0, _path)
for _name in ("engine", "forms", "web"):
    if _name in sys.modules and getattr(sys.modules[_name], "__file__", None) is None:
        del sys.modules[_name]

from ltsa_driver import PROCESSES, START  # noqa: E402
from web_testkit import BPMN_DIR, PASSWORD, PEOPLE, served  # noqa: E402

from engine import Desk, Engine, ManualClock  # noqa: E402
from web import create_app  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = _ROOT / "tests" / "artifacts"
VENDOR = _ROOT / "web" / "static" / "vendor"
E2E_BPMN = Path(__file__).resolve().parent / "bpmn"


def officer_of(desk: str) -> str:
    """The demo-style user name of a desk's officer."""
    return f"petugas.{desk}"


@pytest.fixture(scope="session")
def live_clock() -> ManualClock:
    """The engine's clock, at the date the LTSA scenario data is valid for."""
    return ManualClock(START)


@pytest.fixture(scope="session")
def live_engine(
    tmp_path_factory: pytest.TempPathFactory, live_clock: ManualClock
) -> Iterator[Engine]:
    engine = Engine(data_dir=tmp_path_factory.mktemp("e2e") / "var", clock=live_clock)
    engine.init_db()
    engine.deploy([BPMN_DIR], actor="setup")
    engine.deploy([E2E_BPMN], actor="setup")  # has diagram interchange, so bpmn-js can draw it
    engine.deploy([PROCESSES], actor="setup")  # the real LTSA process
    for name, (role, desks) in PEOPLE.items():
        engine.users.add(name, role, desks, PASSWORD)
    for desk in Desk:
        engine.users.add(officer_of(desk), "officer", (desk.value,), PASSWORD)
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def base_url(live_engine: Engine) -> Iterator[str]:
    """The app served on a free port of 127.0.0.1 for the whole session."""
    app = create_app(
        {
            "LTSA_ENGINE": live_engine,
            "SECRET_KEY": "e2e-secret",
            "LTSA_LOGIN_ATTEMPTS": 200,  # every desk's officer signs in from 127.0.0.1
        }
    )
    with served(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    if not VENDOR.is_dir():
        pytest.skip(
            "browser assets missing: run `npm ci --prefix web && npm run build --prefix web`"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page_for(browser: object, base_url: str) -> Iterator[object]:
    """Make a signed-in page: page_for(user, width=1280, height=800)."""
    contexts = []

    def make(user: str, width: int = 1280, height: int = 800) -> object:
        context = browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": width, "height": height}, base_url=base_url
        )
        contexts.append(context)
        page = context.new_page()
        page.csp_errors = []
        page.on(
            "console",
            lambda message: (
                page.csp_errors.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        page.goto("/login")
        page.fill("#username", user)
        page.fill("#password", PASSWORD)
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_load_state()
        assert "/login" not in page.url
        return page

    yield make
    for context in contexts:
        context.close()
