"""Every user task of the LTSA processes yields a form, a JSON Schema and HTML."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.specs.user_task import UserTask

import forms

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


def _user_tasks() -> list[tuple[str, UserTask]]:
    parser = CamundaParser()
    for path in sorted(PROCESSES.glob("*.dmn")):
        parser.add_dmn_xml(etree.fromstring(path.read_bytes()), filename=path.name)
    for path in sorted(PROCESSES.glob("*.bpmn")):
        parser.add_bpmn_xml(etree.fromstring(path.read_bytes()), filename=path.name)
    found = []
    for process_id in parser.get_process_ids():
        for spec in parser.get_spec(process_id).task_specs.values():
            if isinstance(spec, UserTask):
                found.append((f"{process_id}/{spec.name}", spec))
    return found


USER_TASKS = _user_tasks()


def test_the_ltsa_processes_have_user_tasks() -> None:
    assert len(USER_TASKS) >= 25


@pytest.mark.parametrize("locale", ["id", "en"])
@pytest.mark.parametrize(("name", "spec"), USER_TASKS, ids=[n for n, _ in USER_TASKS])
def test_every_user_task_renders_its_fields(name: str, spec: UserTask, locale: str) -> None:
    assert forms.check_spiff_form(spec.form) == []
    form = forms.form_from_spiff(spec.form)
    assert form.fields, f"{name} declares no fields"
    page = str(forms.render_html(form, values={}, errors={}, locale=locale, csrf_token="t"))
    schema = form.json_schema(locale)
    for field in form.fields:
        assert f'name="{field.id}"' in page or field.readonly, (name, field.id)
        assert html.escape(field.label_for(locale), quote=False) in page, (name, field.id)
        assert field.id in schema["properties"], (name, field.id)
    if any(f.type == "file" for f in form.fields):
        assert 'enctype="multipart/form-data"' in page
