"""Camunda 7's "generated task form" (camunda:formData, no camunda:formKey) runs.

Camunda Modeler writes it for a form Camunda 7 builds from the declared
fields; the engine accepts it with the task id as form key, renders the form
and enforces its constraints like any other.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import forms
from engine import Actor, Engine, ValidationFailed

FILE = Path(__file__).parent / "modelers" / "camunda7_generated_form.bpmn"
OFFICER = Actor("ani", "officer", ("disnaker",))


@pytest.fixture
def eng(make_engine) -> Engine:
    engine = make_engine()
    (result,) = engine.deploy([FILE], actor="designer")
    assert (result.key, result.status) == ("Process_ak1", "new")
    return engine


def test_generated_form_uses_the_task_id_as_key_and_renders(eng: Engine) -> None:
    case = eng.start("Process_ak1", {}, OFFICER)
    (ready,) = case.ready_tasks
    task = eng.get_task(ready.id)
    assert task.form is not None and task.form.key == "Activity_isi_ak1"
    assert [f.id for f in task.form.fields] == [
        "ak1_number",
        "years_of_school",
        "education",
        "ak1_issued",
        "printed",
    ]
    html = str(forms.render_html(task.form, values={}, errors=None))
    assert 'name="ak1_number"' in html and "Nomor AK.1" in html
    assert 'value="sma"' in html and "SMP" in html


def test_generated_form_validates_its_constraints(eng: Engine) -> None:
    case = eng.start("Process_ak1", {}, OFFICER)
    task_id = case.ready_tasks[0].id
    with pytest.raises(ValidationFailed) as refused:
        eng.complete_task(
            task_id, {"ak1_number": "AK1", "years_of_school": 40, "education": "s3"}, OFFICER
        )
    assert set(refused.value.errors) == {"ak1_number", "years_of_school", "education", "ak1_issued"}
    assert eng.get_case(case.id).status == "active"  # nothing changed

    done = eng.complete_task(
        task_id,
        {
            "ak1_number": "AK1-0001",
            "years_of_school": 12,
            "education": "smp",
            "ak1_issued": "2026-03-02",
        },
        OFFICER,
    )
    assert done.status == "completed"
    assert done.data["education"] == "smp" and done.data["ak1_number"] == "AK1-0001"
