"""The designer's drafts: DMN tables edited in the browser, tested and deployed as a set."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from web_testkit import BPMN_DIR, csrf_of

from engine import Engine


def test_designer_page_offers_the_decision_table_editor_beside_dmn_files(
    as_user: Callable[[str], FlaskClient],
) -> None:
    page = as_user("designer").get("/designer").text
    assert "/designer/decisions?key=intake&amp;version=1&amp;file=age_check.dmn" in page
    assert "/designer/modeler?key=intake&amp;version=1&amp;file=intake.bpmn" in page


def test_decision_table_editor_loads_the_stored_table_in_dmn_js(
    as_user: Callable[[str], FlaskClient],
) -> None:
    page = as_user("designer").get("/designer/decisions?key=intake&version=1&file=age_check.dmn")
    assert page.status_code == 200
    assert "/static/vendor/camunda-dmn-js/modeler.js" in page.text
    assert 'data-source="/designer/processes/intake/1/files/age_check.dmn"' in page.text
    assert "<script>" not in page.text  # CSP: no inline script


def test_edited_dmn_deploys_with_the_versions_other_files(
    as_user: Callable[[str], FlaskClient], eng: Engine
) -> None:
    client = as_user("designer")
    page = client.get("/designer/decisions?key=intake&version=1&file=age_check.dmn")
    edited = (BPMN_DIR / "age_check.dmn").read_text().replace("&lt; 18", "&lt; 21")
    response = client.post(
        "/designer/modeler/deploy",
        json={"xml": edited, "name": "age_check.dmn", "key": "intake", "version": "1"},
        headers={"X-CSRFToken": csrf_of(page.text)},
    )
    assert response.status_code == 201, response.json
    stored = {f.name: f.content for f in eng.version_files("intake", 2)}
    assert set(stored) == {"intake.bpmn", "documents.bpmn", "age_check.dmn"}
    assert b"&lt; 21" in stored["age_check.dmn"]
