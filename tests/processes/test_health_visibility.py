"""Health results in the LTSA placement are specific personal data: the BPMN says who sees them."""

from __future__ import annotations

import pytest
from ltsa_driver import PROCESSES, Driver

from engine import Actor, DeploymentFailed, Engine, SourceFile

HEALTH = {
    "health_unfit_count",
    "health_facility",
    "health_exam_date",
    "health_result",
    "health_certificate",
}


def test_the_bpmn_declares_who_sees_the_health_fields(engine: Engine) -> None:
    restricted = engine.visibility.restricted("ltsa_placement", 1)
    assert set(restricted) == HEALTH
    for audience in restricted.values():
        assert audience == {"dinkes", "verifikasi_akhir", "auditor", "kepala"}


def test_health_desk_final_verification_auditors_and_head_see_health_results(
    driver: Driver, engine: Engine
) -> None:
    case = driver.to_final_verification()
    assert "verifikasi_akhir" in driver.ready(case)
    assert engine.get_case(case.id).data["health_result"] == "fit"

    def hidden(actor: Actor) -> set[str]:
        return set(engine.visibility.hidden(engine.get_case(case.id), actor))

    assert hidden(Driver.officer("dukcapil")) == HEALTH
    assert hidden(Driver.officer("imigrasi")) == HEALTH
    assert hidden(Actor("admin", "admin")) == HEALTH
    assert hidden(Driver.officer("dinkes")) == set()
    assert hidden(Actor("audrey", "auditor")) == set()
    assert hidden(Actor("kepala", "kepala")) == set()
    assert hidden(Driver.officer("disnaker")) == set()  # the final verification is ready

    shown = engine.visibility.case(engine.get_case(case.id), Driver.officer("dukcapil"))
    assert not HEALTH & set(shown.data) and shown.data["full_name"] == "Siti Aminah"
    events = engine.visibility.events(engine.history(case.id), frozenset(HEALTH))
    assert not any(HEALTH & set(e.payload.get("data") or {}) for e in events)

    driver.final_verification(case)
    assert hidden(Driver.officer("disnaker")) == HEALTH  # once it is done, no longer


def _with_placement_visibility(audience: bytes, *, first_only: bool = False) -> list[SourceFile]:
    """The processes, with the placement's health audience `dinkes,verifikasi_akhir,` replaced."""
    files = []
    for path in sorted(PROCESSES.iterdir()):
        if path.suffix in (".bpmn", ".dmn"):
            content = path.read_bytes()
            if path.name == "ltsa_placement.bpmn":
                old = b"dinkes,verifikasi_akhir,"
                content = content.replace(old, audience, 1 if first_only else -1)
            files.append(SourceFile(path.name, content))
    return files


def test_a_visibility_naming_no_desk_role_or_task_is_refused_at_deployment(
    engine: Engine,
) -> None:
    files = _with_placement_visibility(b"dinkez,verifikasi_akhir,", first_only=True)
    before = engine.processes()
    with pytest.raises(DeploymentFailed) as refused:
        engine.deploy(files, actor="designer")
    [error] = refused.value.errors
    assert (error.code, error.file, error.element_id) == (
        "LTSA-D014",
        "ltsa_placement.bpmn",
        "pemeriksaan_kesehatan",
    )
    assert "'dinkez'" in error.message and error.line is not None
    assert engine.processes() == before


def test_a_restricted_field_on_a_form_outside_its_audience_is_refused_at_deployment(
    engine: Engine,
) -> None:
    # the health desk drops out of the health fields' audience, but its examination
    # form still shows them to the Dinkes officer: refused, naming the task
    files = _with_placement_visibility(b"verifikasi_akhir,")
    before = engine.processes()
    with pytest.raises(DeploymentFailed) as refused:
        engine.deploy(files, actor="designer")
    codes = {(e.code, e.element_id) for e in refused.value.errors}
    assert ("LTSA-D015", "pemeriksaan_kesehatan") in codes
    assert ("LTSA-D015", "pemeriksaan_kesehatan_ulang") in codes
    assert all(code == "LTSA-D015" for code, _ in codes)
    assert "add 'dinkes' or 'pemeriksaan_kesehatan'" in refused.value.errors[0].hint
    assert engine.processes() == before
