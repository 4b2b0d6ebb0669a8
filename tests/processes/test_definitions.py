"""The BPMN/DMN files parse, carry complete diagram interchange and map tasks to desks."""

from __future__ import annotations

from pathlib import Path

import pytest
from ltsa_driver import PROCESSES
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DESKS = {
    "disnaker",
    "dukcapil",
    "dinkes",
    "imigrasi",
    "polri",
    "bpjs",
    "bank",
    "p3mi",
    "bp2mi",
    "pengaduan",
    "kepala",
}
BPMN_FILES = sorted(PROCESSES.glob("*.bpmn"))
DMN_FILES = sorted(PROCESSES.glob("*.dmn"))
# Elements that are drawn: flow nodes, sequence flows, lanes and pools.
DRAWN = {
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "userTask",
    "scriptTask",
    "businessRuleTask",
    "serviceTask",
    "task",
    "manualTask",
    "callActivity",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "sequenceFlow",
    "lane",
    "participant",
}


def _tree(path: Path) -> etree._Element:
    return etree.fromstring(path.read_bytes())


def test_every_file_parses_with_the_camunda_parser_and_the_schemas():
    parser = CamundaParser(validator=BpmnValidator())
    for path in DMN_FILES:
        parser.add_dmn_xml(_tree(path), filename=path.name)
    for path in BPMN_FILES:
        parser.add_bpmn_xml(_tree(path), filename=path.name)
    assert parser.get_spec("ltsa_placement") is not None
    subprocesses = parser.get_subprocess_specs("ltsa_placement")
    assert "pre_departure_requirements" in subprocesses
    assert {p.name for p in BPMN_FILES} == {
        "ltsa_placement.bpmn",
        "pre_departure_requirements.bpmn",
        "pengaduan.bpmn",
    }
    assert {p.stem for p in DMN_FILES} >= {
        "eligibility",
        "required_consent",
        "consent_acknowledgement",
        "document_validity",
        "health_retake",
        "complaint_referral",
        "complaint_deadlines",
    }


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.name)
def test_every_element_has_a_shape_or_an_edge(path):
    root = _tree(path)
    drawn = {
        el.get("bpmnElement") for el in root.iter(f"{{{BPMNDI}}}BPMNShape", f"{{{BPMNDI}}}BPMNEdge")
    }
    elements = [
        el
        for el in root.iter()
        if isinstance(el.tag, str)
        and etree.QName(el).namespace == BPMN
        and etree.QName(el).localname in DRAWN
    ]
    assert elements
    missing = [el.get("id") for el in elements if el.get("id") not in drawn]
    assert missing == []
    for edge in root.iter(f"{{{BPMNDI}}}BPMNEdge"):
        assert len(edge.findall(f"{{{'http://www.omg.org/spec/DD/20100524/DI'}}}waypoint")) >= 2


def _bounds(root):
    out = {}
    for shape in root.iter(f"{{{BPMNDI}}}BPMNShape"):
        b = shape.find(f"{{{DC}}}Bounds")
        out[shape.get("bpmnElement")] = tuple(
            float(b.get(k)) for k in ("x", "y", "width", "height")
        )
    return out


def _desk(lane):
    return lane.get("id") if lane.get("id") in DESKS else (lane.get("name") or "").lower()


def _overlap(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.name)
def test_lanes_are_desks_laid_out_as_bands_holding_their_nodes(path):
    root = _tree(path)
    bounds = _bounds(root)
    lanes = root.findall(f".//{{{BPMN}}}lane")
    # A lane is a desk by its id, or by its name where the id is taken (process `pengaduan`)
    desk_of = {lane.get("id"): _desk(lane) for lane in lanes}
    assert set(desk_of.values()) <= DESKS
    bands = sorted((bounds[lane.get("id")] for lane in lanes), key=lambda b: b[1])
    for upper, lower in zip(bands, bands[1:], strict=False):
        assert upper[1] + upper[3] <= lower[1]
        assert upper[0] == lower[0] and upper[2] == lower[2]
    lane_of: dict[str, str] = {}
    for lane in lanes:
        for ref in lane.findall(f"{{{BPMN}}}flowNodeRef"):
            assert ref.text not in lane_of, f"{ref.text} is in two lanes"
            lane_of[ref.text] = desk_of[lane.get("id")]
            lx, ly, lw, lh = bounds[lane.get("id")]
            x, y, w, h = bounds[ref.text]
            assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh, ref.text
    for task in root.iter(f"{{{BPMN}}}userTask"):
        assert lane_of.get(task.get("id")) in DESKS, task.get("id")
    # flow nodes of the process do not overlap (boundary events sit on their host)
    process = root.find(f"{{{BPMN}}}process")
    nodes = [
        el.get("id")
        for el in process
        if etree.QName(el).localname in DRAWN
        and etree.QName(el).localname not in ("sequenceFlow", "boundaryEvent")
    ]
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            assert not _overlap(bounds[a], bounds[b]), (a, b)


def test_user_tasks_have_forms_with_known_field_types():
    camunda = "http://camunda.org/schema/1.0/bpmn"
    for path in BPMN_FILES:
        for task in _tree(path).iter(f"{{{BPMN}}}userTask"):
            assert task.get(f"{{{camunda}}}formKey"), task.get("id")
            fields = list(task.iter(f"{{{camunda}}}formField"))
            assert fields, task.get("id")
            for field in fields:
                assert field.get("type") in {"string", "long", "boolean", "date", "enum", "file"}
                assert field.get("label")


def test_job_order_message_and_sla_timer():
    root = _tree(PROCESSES / "ltsa_placement.bpmn")
    names = {m.get("name") for m in root.iter(f"{{{BPMN}}}message")}
    assert names == {"job_order_verified"}
    catch = root.find(f".//{{{BPMN}}}intermediateCatchEvent[@id='catch_job_order']")
    assert catch.find(f"{{{BPMN}}}messageEventDefinition") is not None
    timer = root.find(f".//{{{BPMN}}}boundaryEvent[@id='sla_verifikasi']")
    assert timer.get("cancelActivity") == "false"
    assert timer.find(f".//{{{BPMN}}}timeDuration").text == '"P14D"'


def test_the_engine_deploys_the_processes(engine):
    keys = {p.key for p in engine.processes()}
    assert keys == {"ltsa_placement", "pre_departure_requirements", "pengaduan"}
