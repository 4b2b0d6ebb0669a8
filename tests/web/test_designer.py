from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from web_testkit import BPMN_DIR, csrf_of, upload

from engine import Engine

NEW_PROCESS = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://ltsa.test">
  <bpmn:process id="pengaduan_sederhana" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="pengaduan"><bpmn:flowNodeRef>s</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>terima</bpmn:flowNodeRef><bpmn:flowNodeRef>e</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="s" />
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="terima" />
    <bpmn:userTask id="terima" name="Terima pengaduan" camunda:formKey="terima">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="summary" label="Ringkasan" type="string" />
      </camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="terima" targetRef="e" />
    <bpmn:endEvent id="e" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_designer_page_lists_versions_and_active_cases(
    as_user: Callable[[str], FlaskClient], case_at_register: int
) -> None:
    page = as_user("designer").get("/designer")
    assert page.status_code == 200
    assert "intake" in page.text and "documents" in page.text
    assert "/designer/processes/intake/1/files/intake.bpmn?download=1" in page.text


def test_valid_upload_deploys_a_new_version(
    as_user: Callable[[str], FlaskClient], eng: Engine
) -> None:
    client = as_user("designer")
    checked = upload(client, "validate", (NEW_PROCESS, "pengaduan.bpmn"))
    assert checked.status_code == 200 and "pengaduan_sederhana" in checked.text
    assert "pengaduan_sederhana" not in {p.key for p in eng.processes()}
    deployed = upload(client, "deploy", (NEW_PROCESS, "pengaduan.bpmn"))
    assert deployed.status_code == 200
    assert "pengaduan_sederhana v1" in deployed.text
    assert any(
        p.key == "pengaduan_sederhana" and p.deployed_by == "designer" for p in eng.processes()
    )


def test_invalid_upload_lists_errors_and_stores_nothing(
    as_user: Callable[[str], FlaskClient], eng: Engine
) -> None:
    before = eng.processes()
    broken = NEW_PROCESS.replace(b'<bpmn:lane id="pengaduan">', b'<bpmn:lane id="nowhere">')
    response = upload(as_user("designer"), "deploy", (broken, "pengaduan.bpmn"))
    assert response.status_code == 422
    assert 'class="problem"' in response.text
    assert "pengaduan.bpmn" in response.text and "LTSA-" in response.text
    assert eng.processes() == before


def test_non_bpmn_file_is_refused(as_user: Callable[[str], FlaskClient]) -> None:
    response = upload(as_user("designer"), "deploy", (b"hello", "notes.txt"))
    assert response.status_code == 422
    assert "notes.txt" in response.text


def test_version_file_download(as_user: Callable[[str], FlaskClient]) -> None:
    client = as_user("designer")
    response = client.get("/designer/processes/intake/1/files/intake.bpmn?download=1")
    assert response.status_code == 200
    assert response.data == (BPMN_DIR / "intake.bpmn").read_bytes()
    assert "attachment" in response.headers["Content-Disposition"]
    assert client.get("/designer/processes/intake/1/files/nope.bpmn").status_code == 404
    assert client.get("/designer/processes/intake/7/files/intake.bpmn").status_code == 404


def test_modeler_reports_errors_as_json(as_user: Callable[[str], FlaskClient]) -> None:
    client = as_user("designer")
    token = csrf_of(client.get("/designer/modeler").text)
    response = client.post(
        "/designer/modeler/deploy",
        json={"xml": "<bpmn:definitions", "name": "x.bpmn"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["file"] == "x.bpmn"
