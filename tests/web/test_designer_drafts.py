"""The designer's drafts: DMN tables edited in the browser, tested and deployed as a set."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from web_testkit import BPMN_DIR, PASSWORD, csrf_of, token_for, upload
from werkzeug.test import TestResponse

from engine import Engine, ManualClock, SourceFile


def test_designer_page_offers_the_decision_table_editor_beside_dmn_files(
    as_user: Callable[[str], FlaskClient],
) -> None:
    page = as_user("designer").get("/designer").text
    assert "/designer/decisions?key=intake&amp;version=1&amp;file=age_check.dmn" in page
    assert "/designer/modeler?key=intake&amp;version=1&amp;file=intake.bpmn" in page


@pytest.mark.parametrize(
    ("editor", "name", "assets"),
    [
        ("decisions", "age_check.dmn", "camunda-dmn-js"),
        ("modeler", "intake.bpmn", "camunda-bpmn-js"),
    ],
    ids=["decisions", "modeler"],
)
def test_an_editor_loads_the_stored_file_in_its_modeler(
    as_user: Callable[[str], FlaskClient], editor: str, name: str, assets: str
) -> None:
    page = as_user("designer").get(f"/designer/{editor}?key=intake&version=1&file={name}")
    assert page.status_code == 200
    assert f"/static/vendor/{assets}/modeler.js" in page.text
    assert f'data-source="/designer/processes/intake/1/files/{name}"' in page.text
    assert "<script>" not in page.text  # CSP: no inline script


@pytest.mark.parametrize(
    ("editor", "name", "before", "after"),
    [
        ("modeler", "intake.bpmn", "Pendaftaran CPMI", "Pendaftaran"),
        ("decisions", "age_check.dmn", "&lt; 18", "&lt; 21"),
    ],
    ids=["modeler", "decisions"],
)
def test_a_file_edited_in_the_browser_deploys_with_the_versions_other_files(
    as_user: Callable[[str], FlaskClient],
    eng: Engine,
    editor: str,
    name: str,
    before: str,
    after: str,
) -> None:
    client = as_user("designer")
    page = client.get(f"/designer/{editor}?key=intake&version=1&file={name}")
    assert page.status_code == 200
    edited = (BPMN_DIR / name).read_text().replace(before, after)
    response = client.post(
        "/designer/modeler/deploy",
        json={"xml": edited, "name": name, "key": "intake", "version": "1"},
        headers={"X-CSRFToken": csrf_of(page.text)},
    )
    assert response.status_code == 201, response.json
    assert {"key": "intake", "version": 2} in [
        {"key": d["key"], "version": d["version"]} for d in response.json["deployed"]
    ]
    stored = {f.name: f.content for f in eng.version_files("intake", 2)}
    assert set(stored) == {"intake.bpmn", "documents.bpmn", "age_check.dmn"}
    assert after.encode() in stored[name] and before.encode() not in stored[name]


SCENARIOS = b"""\
- name: adult applicant is registered
  process: intake
  steps:
    - task: register
      data: {full_name: Siti, age: 19}
  expect: {status: active}
- name: minor is refused
  process: intake
  steps:
    - task: register
      data: {full_name: Ani, age: 16}
  expect: {status: rejected, reason_contains: R1}
"""
RAISED_AGE = (BPMN_DIR / "age_check.dmn").read_bytes().replace(b"&lt; 18", b"&lt; 21")


@pytest.fixture
def with_scenarios(eng: Engine) -> Engine:
    """The test processes deployed again with their scenario file stored."""
    eng.deploy([BPMN_DIR], actor="setup", scenarios=[SourceFile("intake.yaml", SCENARIOS)])
    return eng


def _upload_storing_nothing(designer: FlaskClient, eng: Engine, action: str) -> TestResponse:
    """Upload the table with the raised age as `action`: no version may change."""
    before = eng.processes()
    page = upload(designer, action, (RAISED_AGE, "age_check.dmn"))
    assert eng.processes() == before
    return page


def test_testing_an_upload_shows_the_failing_scenario_and_coverage_and_stores_nothing(
    as_user: Callable[[str], FlaskClient], with_scenarios: Engine
) -> None:
    page = _upload_storing_nothing(as_user("designer"), with_scenarios, "test")
    assert page.status_code == 200
    html = page.text
    assert 'data-passed="false"' in html
    assert 'class="scenario failed" data-scenario="adult applicant is registered"' in html
    assert 'class="scenario passed" data-scenario="minor is refused"' in html
    assert "R1: usia di bawah 18 tahun" in html  # the failure says what happened
    assert 'data-process="intake"' in html and "coverage-diagram" in html
    assert "/static/js/coverage.js" in html


def test_deploy_is_refused_naming_the_failing_scenario(
    as_user: Callable[[str], FlaskClient], with_scenarios: Engine
) -> None:
    page = _upload_storing_nothing(as_user("designer"), with_scenarios, "deploy")
    assert page.status_code == 422
    assert "nothing was deployed" in page.text or "tidak ada yang dipasang" in page.text
    assert 'class="scenario failed" data-scenario="adult applicant is registered"' in page.text
    assert "intake.yaml:1" in page.text


def test_deploy_without_tests_is_recorded_on_the_version_and_shown(
    as_user: Callable[[str], FlaskClient], with_scenarios: Engine
) -> None:
    client = as_user("designer")
    page = upload(client, "deploy_untested", (RAISED_AGE, "age_check.dmn"))
    assert page.status_code == 200, page.text
    latest = next(p for p in with_scenarios.processes() if p.key == "intake")
    assert (latest.version, latest.tests_skipped_by) == (2, "designer")
    stored = {f.name: f.content for f in with_scenarios.version_files("intake", 2)}
    assert set(stored) == {"intake.bpmn", "documents.bpmn", "age_check.dmn"}  # the whole set
    assert stored["age_check.dmn"] == RAISED_AGE
    listing = client.get("/designer").text
    assert "dipasang tanpa uji oleh designer" in listing


def test_modeler_deploy_refuses_then_deploys_without_tests_when_asked(
    as_user: Callable[[str], FlaskClient], with_scenarios: Engine
) -> None:
    client = as_user("designer")
    token = csrf_of(client.get("/designer/decisions?key=intake&version=1&file=age_check.dmn").text)
    body = {"xml": RAISED_AGE.decode(), "name": "age_check.dmn", "key": "intake", "version": "1"}
    tested = client.post(
        "/designer/modeler/deploy", json={**body, "action": "test"}, headers={"X-CSRFToken": token}
    )
    assert tested.status_code == 200
    assert (tested.json["passed"], tested.json["failed"]) == (
        False,
        ["adult applicant is registered"],
    )
    assert 'class="scenario failed"' in tested.json["report_html"]
    refused = client.post("/designer/modeler/deploy", json=body, headers={"X-CSRFToken": token})
    assert refused.status_code == 422
    assert refused.json["scenarios_failed"] is True
    assert refused.json["errors"][0]["code"] == "LTSA-T001"
    assert [p.version for p in with_scenarios.processes() if p.key == "intake"] == [1]
    skipped = client.post(
        "/designer/modeler/deploy",
        json={**body, "skip_tests": True},
        headers={"X-CSRFToken": token},
    )
    assert skipped.status_code == 201
    assert skipped.json["tests_skipped"] is True
    latest = next(p for p in with_scenarios.processes() if p.key == "intake")
    assert (latest.version, latest.tests_skipped_by) == (2, "designer")


def test_api_test_route_answers_the_report_and_deploy_answers_422_with_it(
    as_user: Callable[[str], FlaskClient], with_scenarios: Engine
) -> None:
    client = as_user("designer")
    headers = token_for(with_scenarios, "designer")
    tested = client.post(
        "/api/v1/processes/test",
        data={"files": [(io.BytesIO(RAISED_AGE), "age_check.dmn")]},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert tested.status_code == 200, tested.json
    assert tested.json["passed"] is False
    assert [s["passed"] for s in tested.json["scenarios"]] == [False, True]
    assert "intake" in {c["process_key"] for c in tested.json["coverage"]}

    def deploy(query: str) -> TestResponse:
        files = [(io.BytesIO(p.read_bytes()), p.name) for p in BPMN_DIR.glob("*.bpmn")]
        files.append((io.BytesIO(RAISED_AGE), "age_check.dmn"))
        return client.post(
            f"/api/v1/processes{query}",
            data={"files": files},
            content_type="multipart/form-data",
            headers=headers,
        )

    refused = deploy("")
    assert refused.status_code == 422
    assert refused.json["code"] == "scenarios_failed"
    assert "adult applicant is registered" in refused.json["message"]
    assert refused.json["report"]["passed"] is False
    assert [p.version for p in with_scenarios.processes() if p.key == "intake"] == [1]
    deployed = deploy("?skip_tests=true")
    assert deployed.status_code == 201, deployed.json
    listed = client.get("/api/v1/processes", headers=headers).json
    intake = next(p for p in listed if p["key"] == "intake")
    assert (intake["version"], intake["tests_skipped_by"]) == (2, "designer")


def test_an_invalid_uploaded_scenario_file_is_named_with_its_line(
    as_user: Callable[[str], FlaskClient], eng: Engine
) -> None:
    bad = SCENARIOS.replace(
        b"task: register\n      data: {full_name: Ani",
        b"task: registr\n      data: {full_name: Ani",
    )
    page = upload(as_user("designer"), "test", (RAISED_AGE, "age_check.dmn"), (bad, "bad.yaml"))
    assert page.status_code == 422
    assert "LTSA-T002" in page.text
    assert "bad.yaml" in page.text and "registr" in page.text
    assert 'data-label="Baris">10<' in page.text


def _kept_token(html: str) -> str:
    found = re.search(r'action="/designer/drafts/([A-Za-z0-9_-]+)"', html)
    assert found, "the refused page offers no kept draft"
    return found.group(1)


def _use(client: FlaskClient, token: str, action: str, page: str) -> TestResponse:
    return client.post(
        f"/designer/drafts/{token}", data={"csrf_token": csrf_of(page), "action": action}
    )


def test_a_refused_upload_deploys_without_tests_without_being_uploaded_again(
    as_user: Callable[[str], FlaskClient], with_scenarios: Engine
) -> None:
    client = as_user("designer")
    refused = upload(client, "deploy", (RAISED_AGE, "age_check.dmn"))
    assert refused.status_code == 422
    token = _kept_token(refused.text)
    assert token not in {p.name for p in (with_scenarios.data_dir / "drafts").iterdir()}
    retested = _use(client, token, "deploy", refused.text)  # "Pasang" tests again
    assert retested.status_code == 422
    assert 'class="scenario failed" data-scenario="adult applicant is registered"' in retested.text
    assert f"/designer/drafts/{token}" in retested.text  # still offered
    assert [p.version for p in with_scenarios.processes() if p.key == "intake"] == [1]
    no_csrf = client.post(f"/designer/drafts/{token}", data={"action": "deploy_untested"})
    assert no_csrf.status_code == 400
    deployed = _use(client, token, "deploy_untested", retested.text)
    assert deployed.status_code == 200, deployed.text
    assert "Terpasang tanpa uji" in deployed.text
    latest = next(p for p in with_scenarios.processes() if p.key == "intake")
    assert (latest.version, latest.tests_skipped_by) == (2, "designer")
    stored = {f.name: f.content for f in with_scenarios.version_files("intake", 2)}
    assert set(stored) == {"intake.bpmn", "documents.bpmn", "age_check.dmn"}
    assert stored["age_check.dmn"] == RAISED_AGE
    assert _use(client, token, "deploy_untested", deployed.text).status_code == 404  # used up


def test_another_designer_cannot_use_a_kept_draft(
    as_user: Callable[[str], FlaskClient], with_scenarios: Engine
) -> None:
    with_scenarios.users.add("designer2", "designer", (), PASSWORD)
    refused = upload(as_user("designer"), "deploy", (RAISED_AGE, "age_check.dmn"))
    token = _kept_token(refused.text)
    other = as_user("designer2")
    page = other.get("/designer").text
    assert _use(other, token, "deploy_untested", page).status_code == 404
    assert _use(other, token, "test", page).status_code == 404
    assert [p.version for p in with_scenarios.processes() if p.key == "intake"] == [1]


def test_a_kept_draft_expires_after_a_day(
    as_user: Callable[[str], FlaskClient], with_scenarios: Engine, clock: ManualClock
) -> None:
    client = as_user("designer")
    refused = upload(client, "test", (RAISED_AGE, "age_check.dmn"))
    token = _kept_token(refused.text)
    drafts = with_scenarios.data_dir / "drafts"
    assert len(list(drafts.glob("*.json"))) == 1
    clock.advance(timedelta(hours=23))
    assert _use(client, token, "test", refused.text).status_code == 200
    clock.advance(timedelta(hours=1))
    assert _use(client, token, "deploy_untested", refused.text).status_code == 404
    assert list(drafts.glob("*.json")) == []  # removed, not just refused
    assert [p.version for p in with_scenarios.processes() if p.key == "intake"] == [1]
