"""Fixtures for forms tests: build forms from real BPMN parsed by SpiffWorkflow's camunda parser."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from SpiffWorkflow.camunda.parser import CamundaParser

# The venv's editable install was made before the packages had __init__.py, so from
# outside the checkout `forms` resolves to a namespace package. Put the checkout first.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
if "forms" in sys.modules and getattr(sys.modules["forms"], "__file__", None) is None:
    del sys.modules["forms"]

from forms import Form, form_from_spiff  # noqa: E402

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


@pytest.fixture
def make_form() -> Callable[..., Form]:
    return form_from_xml


@pytest.fixture
def make_spiff_form() -> Callable[..., Any]:
    return spiff_form_from_xml
