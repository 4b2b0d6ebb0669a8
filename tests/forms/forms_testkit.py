"""Helpers for forms tests: BPMN user tasks with camunda:formData, parsed by SpiffWorkflow."""

from __future__ import annotations

from typing import Any

from lxml import etree
from SpiffWorkflow.camunda.parser import CamundaParser

from forms import Form, form_from_spiff

BPMN_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task"/>
    <bpmn:userTask id="task" name="Task" camunda:formKey="{form_key}">
      <bpmn:extensionElements>
        <camunda:formData>
{fields}
        </camunda:formData>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def spiff_form_from_xml(fields_xml: str, form_key: str = "test_form") -> Any:
    """Parse a BPMN document with one user task declaring ``fields_xml``; return Spiff's form."""
    xml = BPMN_TEMPLATE.replace("{form_key}", form_key).replace("{fields}", fields_xml)
    parser = CamundaParser()
    parser.add_bpmn_xml(etree.fromstring(xml.encode()), filename="t.bpmn")
    return parser.get_spec("p").task_specs["task"].form


def form_from_xml(fields_xml: str, form_key: str = "test_form") -> Form:
    """Parse BPMN and build our `Form` from the user task's camunda:formData."""
    return form_from_spiff(spiff_form_from_xml(fields_xml, form_key))


def field(fid, ftype="string", label=None, constraints=(), properties=(), extra="", default=None):
    cons = "".join(
        f'<camunda:constraint name="{n}"{"" if c is None else f" config={c!r}"}/>'
        for n, c in constraints
    )
    props = "".join(f'<camunda:property id="{i}" value="{v}"/>' for i, v in properties)
    default_attr = f' defaultValue="{default}"' if default is not None else ""
    return (
        f'<camunda:formField id="{fid}" label="{label or fid}" type="{ftype}"{default_attr}>'
        f"<camunda:properties>{props}</camunda:properties>"
        f"<camunda:validation>{cons}</camunda:validation>{extra}</camunda:formField>"
    )
