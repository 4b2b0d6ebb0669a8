"""New versions of the LTSA process for migration tests: a copy of processes/, edited.

Each edit is what a designer would do in the modeler: a DMN threshold, a
step added before departure, a step removed. The files are edited as text
(the element ids are stable) so the copy stays byte for byte otherwise.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
BPMN = "ltsa_placement.bpmn"

NEW_STEP = """    <bpmn:userTask id="cek_pra_berangkat" name="Cek kesiapan pra-berangkat"
        camunda:formKey="cek_pra_berangkat">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="ready_to_depart" label="Siap berangkat" type="boolean">
            <camunda:validation>
              <camunda:constraint name="required" />
            </camunda:validation>
          </camunda:formField>
        </camunda:formData>
      </bpmn:extensionElements>
      <bpmn:incoming>flow_serah_terima__pemberangkatan</bpmn:incoming>
      <bpmn:outgoing>flow_cek_pra_berangkat__pemberangkatan</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="flow_cek_pra_berangkat__pemberangkatan"
        sourceRef="cek_pra_berangkat" targetRef="pemberangkatan" />
"""
NEW_SHAPE = """      <bpmndi:BPMNShape id="cek_pra_berangkat_di" bpmnElement="cek_pra_berangkat">
        <dc:Bounds x="6810" y="2140" width="100" height="80" />
      </bpmndi:BPMNShape>
"""


def copy_processes(folder: Path) -> Path:
    """A copy of processes/ (BPMN and DMN only) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in PROCESSES.iterdir():
        if source.suffix in (".bpmn", ".dmn"):
            shutil.copy(source, folder / source.name)
    return folder


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, f"{path.name}: {old!r} found {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")


def minimum_age(folder: Path, years: int) -> None:
    """R1 in eligibility.dmn: the minimum age."""
    _edit(folder / "eligibility.dmn", "<text>&lt; 18</text>", f"<text>&lt; {years}</text>")


def step_before_departure(folder: Path) -> None:
    """A new desk step (BP2MI) between the handover and the departure."""
    bpmn = folder / BPMN
    _edit(
        bpmn,
        '<bpmn:sequenceFlow id="flow_serah_terima__pemberangkatan" sourceRef="serah_terima" '
        'targetRef="pemberangkatan" />',
        '<bpmn:sequenceFlow id="flow_serah_terima__pemberangkatan" sourceRef="serah_terima" '
        'targetRef="cek_pra_berangkat" />\n' + NEW_STEP,
    )
    _edit(
        bpmn,
        "      <bpmn:incoming>flow_serah_terima__pemberangkatan</bpmn:incoming>\n"
        "      <bpmn:outgoing>flow_pemberangkatan__end_berangkat</bpmn:outgoing>",
        "      <bpmn:incoming>flow_cek_pra_berangkat__pemberangkatan</bpmn:incoming>\n"
        "      <bpmn:outgoing>flow_pemberangkatan__end_berangkat</bpmn:outgoing>",
    )
    _edit(
        bpmn,
        "        <bpmn:flowNodeRef>pemberangkatan</bpmn:flowNodeRef>",
        "        <bpmn:flowNodeRef>cek_pra_berangkat</bpmn:flowNodeRef>\n"
        "        <bpmn:flowNodeRef>pemberangkatan</bpmn:flowNodeRef>",
    )
    _edit(
        bpmn,
        '      <bpmndi:BPMNShape id="pemberangkatan_di" bpmnElement="pemberangkatan">',
        NEW_SHAPE + '      <bpmndi:BPMNShape id="pemberangkatan_di" bpmnElement="pemberangkatan">',
    )


def without_savings_step(folder: Path) -> None:
    """Remove `tabungan_kur` (savings/KUR credit): the job order leads to the work contract."""
    bpmn = folder / BPMN
    text = bpmn.read_text(encoding="utf-8")
    text, removed = re.subn(
        r'    <bpmn:userTask id="tabungan_kur".*?</bpmn:userTask>\n', "", text, flags=re.S
    )
    assert removed == 1
    text = text.replace("        <bpmn:flowNodeRef>tabungan_kur</bpmn:flowNodeRef>\n", "")
    text = text.replace(
        '<bpmn:sequenceFlow id="flow_tabungan_kur__perjanjian_kerja" sourceRef="tabungan_kur" '
        'targetRef="perjanjian_kerja" />\n',
        "",
    )
    text = text.replace(
        'sourceRef="tunggu_verifikasi" targetRef="tabungan_kur"',
        'sourceRef="tunggu_verifikasi" targetRef="perjanjian_kerja"',
    )
    text = text.replace(
        "<bpmn:incoming>flow_tabungan_kur__perjanjian_kerja</bpmn:incoming>",
        "<bpmn:incoming>flow_tunggu_verifikasi__tabungan_kur</bpmn:incoming>",
    )
    text = re.sub(
        r'      <bpmndi:BPMN(Shape|Edge) id="(tabungan_kur_di'
        r'|flow_tabungan_kur__perjanjian_kerja_di)"'
        r".*?</bpmndi:BPMN\1>\n",
        "",
        text,
        flags=re.S,
    )
    assert 'tabungan_kur"' not in text.replace("flow_tunggu_verifikasi__tabungan_kur", "")
    bpmn.write_text(text, encoding="utf-8")
