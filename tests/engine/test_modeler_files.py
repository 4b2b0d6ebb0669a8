"""Files as real modelers export them deploy, or are refused with a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import Actor, DeploymentFailed, Engine

MODELERS = Path(__file__).parent / "modelers"

# file -> None (deploys) or the diagnostic code it is refused with, and the element named
EXPECTED: dict[str, tuple[str, str] | None] = {
    "adonis_no_start.bpmn": ("LTSA-D005", "adonis_process"),
    "bizagi_lane_names.bpmn": None,  # generated lane ids, lane named after the desk
    "bom_camunda7.bpmn": None,
    "camunda7_generated_form.bpmn": None,  # formData without formKey: the task id is the key
    "bpmn_io_default.bpmn": ("LTSA-D009", ""),  # isExecutable="false"
    "camunda8_zeebe.bpmn": ("LTSA-D007", "check"),
    "dangling_reference.bpmn": ("LTSA-D012", "f1"),
    "signavio_pools.bpmn": None,  # two pools, one of them not executable
}


def test_every_modeler_file_has_an_expectation() -> None:
    assert {p.name for p in MODELERS.iterdir()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_modeler_file_deploys_or_is_refused_naming_the_element(make_engine, name: str) -> None:
    eng: Engine = make_engine()
    expected = EXPECTED[name]
    if expected is None:
        results = eng.deploy([MODELERS / name], actor="designer")
        assert [r.status for r in results] == ["new"]
        return
    with pytest.raises(DeploymentFailed) as refused:
        eng.deploy([MODELERS / name], actor="designer")
    code, element = expected
    (error,) = refused.value.errors
    assert (error.file, error.code) == (name, code)
    assert (error.element_id or "") == element
    assert eng.processes() == []


def test_a_lane_named_after_a_desk_routes_its_tasks_there(make_engine) -> None:
    eng: Engine = make_engine()
    eng.deploy([MODELERS / "bizagi_lane_names.bpmn"], actor="designer")
    case = eng.start("Id_proc", {}, Actor("ani", "officer", ("disnaker",)))
    assert [(t.name, t.desk) for t in case.ready_tasks] == [("Id_task", "disnaker")]
