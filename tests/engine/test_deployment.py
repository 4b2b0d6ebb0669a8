"""Deployment: versions by content hash, refusals that name file, line and element."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import Actor, DeploymentError, DeploymentFailed, Engine, SourceFile

BPMN_DIR = Path(__file__).parent / "bpmn"
OFFICER = Actor("ani", "officer", ("disnaker", "dukcapil", "dinkes", "p3mi"))


def _files(**replace: bytes) -> list[SourceFile]:
    files = [SourceFile(p.name, p.read_bytes()) for p in sorted(BPMN_DIR.iterdir())]
    return [SourceFile(f.name, replace.get(f.name.replace(".", "_"), f.content)) for f in files]


def _refused_edit(eng: Engine, old: bytes, new: bytes) -> list[DeploymentError]:
    """Deploy the test files with `old` in intake.bpmn replaced by `new`: the refusal's errors."""
    original = (BPMN_DIR / "intake.bpmn").read_bytes()
    assert old in original
    with pytest.raises(DeploymentFailed) as refused:
        eng.deploy(_files(intake_bpmn=original.replace(old, new)), actor="designer")
    return refused.value.errors


def _versions(eng: Engine) -> list[tuple[str, int, str]]:
    return [(v.key, v.version, v.content_hash) for v in eng.processes()]


def test_redeploying_unchanged_files_creates_no_version(eng: Engine) -> None:
    before = _versions(eng)
    results = eng.deploy(_files(), actor="designer")
    assert {r.status for r in results} == {"unchanged"}
    assert _versions(eng) == before


def test_changed_file_creates_next_version_and_running_case_finishes_on_its_own(
    eng: Engine,
) -> None:
    running = eng.start("intake", {}, OFFICER)
    original = (BPMN_DIR / "intake.bpmn").read_bytes()
    renamed = original.replace(b'name="Verifikasi akhir"', b'name="Verifikasi akhir v2"')
    results = {r.key: r for r in eng.deploy(_files(intake_bpmn=renamed), actor="designer")}
    assert (results["intake"].version, results["intake"].status) == (2, "new")
    assert (results["documents"].version, results["documents"].status) == (1, "unchanged")

    new_case = eng.start("intake", {}, OFFICER)
    assert (running.version, new_case.version) == (1, 2)
    # the old case keeps the title of version 1 all the way to its end
    register = running.ready_tasks[0].id
    case = eng.complete_task(register, {"full_name": "Siti", "age": 30}, OFFICER)
    assert eng.get_case(case.id).version == 1


def test_version_files_are_kept_byte_for_byte(eng: Engine) -> None:
    stored = {f.name: f.content for f in eng.version_files("intake", 1)}
    assert stored["intake.bpmn"] == (BPMN_DIR / "intake.bpmn").read_bytes()
    assert stored["age_check.dmn"] == (BPMN_DIR / "age_check.dmn").read_bytes()
    assert "intake.bpmn" not in {f.name for f in eng.version_files("documents", 1)}


BROKEN_CASES = {
    "malformed": (b"<bpmn:definitions", "LTSA-D003"),
    "doctype": (
        b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<x/>',
        "LTSA-D002",
    ),
    "not_bpmn": (
        b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"/>',
        "LTSA-D003",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN_CASES))
def test_broken_file_is_refused_and_versions_stay(eng: Engine, name: str) -> None:
    content, code = BROKEN_CASES[name]
    before = _versions(eng)
    with pytest.raises(DeploymentFailed) as refused:
        eng.deploy(_files(intake_bpmn=content), actor="designer")
    errors = refused.value.errors
    assert any(e.code == code and e.file == "intake.bpmn" for e in errors), errors
    assert _versions(eng) == before


def test_user_task_outside_a_desk_lane_is_refused_with_line_and_element(eng: Engine) -> None:
    errors = _refused_edit(eng, b"<bpmn:flowNodeRef>verify_ektp</bpmn:flowNodeRef>", b"")
    (error,) = [e for e in errors if e.code == "LTSA-D007"]
    assert error.element_id == "verify_ektp"
    assert error.file == "intake.bpmn"
    original = (BPMN_DIR / "intake.bpmn").read_bytes()
    expected_line = original[: original.index(b'<bpmn:userTask id="verify_ektp"')].count(b"\n") + 1
    assert error.line == expected_line
    assert "lane" in error.hint


def test_lane_that_is_no_desk_is_refused(eng: Engine) -> None:
    errors = _refused_edit(
        eng, b'<bpmn:lane id="dinkes" name="Dinkes"', b'<bpmn:lane id="kantin" name="Kantin"'
    )
    assert [e.element_id for e in errors if e.code == "LTSA-D008"] == ["health_check"]


def test_unknown_form_field_type_is_refused_naming_the_field(eng: Engine) -> None:
    errors = _refused_edit(
        eng,
        b'id="ektp_valid" label="e-KTP sah" type="boolean"',
        b'id="ektp_valid" label="e-KTP sah" type="colour"',
    )
    (error,) = [e for e in errors if e.code == "LTSA-D010"]
    assert error.element_id == "verify_ektp" and "ektp_valid" in error.message


def test_code_in_a_gateway_condition_is_refused_at_deployment(eng: Engine) -> None:
    errors = _refused_edit(
        eng, b"rejection_reason is not None", b"__import__('os').system('touch /tmp/pwned')"
    )
    (error,) = [e for e in errors if e.code == "LTSA-D020"]
    assert error.element_id == "f_reject"
    assert error.line is not None
    assert not Path("/tmp/pwned").exists()


def test_missing_called_process_and_decision_are_refused(eng: Engine) -> None:
    files = [f for f in _files() if f.name not in ("documents.bpmn", "age_check.dmn")]
    with pytest.raises(DeploymentFailed) as refused:
        eng.deploy(files, actor="designer")
    assert refused.value.errors
    assert all(e.file for e in refused.value.errors)


def test_empty_deployment_is_refused(eng: Engine) -> None:
    with pytest.raises(DeploymentFailed):
        eng.deploy([], actor="designer")


def test_form_fields_without_a_form_key_use_the_task_id_as_key(eng: Engine) -> None:
    original = (BPMN_DIR / "intake.bpmn").read_bytes()
    generated = original.replace(
        b'<bpmn:userTask id="verify_ektp" name="Verifikasi e-KTP" camunda:formKey="verify_ektp">',
        b'<bpmn:userTask id="verify_ektp" name="Verifikasi e-KTP">',
    )
    assert generated != original
    results = eng.deploy(_files(intake_bpmn=generated), actor="designer")
    assert "new" in {r.status for r in results}


@pytest.mark.parametrize(
    ("old", "new", "element"),
    [
        (b'default="f_ok"', b'default="f_gone"', "eligible_gw"),
        (b'attachedToRef="wait_job_order"', b'attachedToRef="gone"', "sla_timer"),
        (b'sourceRef="register" targetRef="decide"', b'sourceRef="register" targetRef="x"', "f2"),
    ],
)
def test_dangling_references_are_refused_naming_the_element(
    eng: Engine, old: bytes, new: bytes, element: str
) -> None:
    (error,) = _refused_edit(eng, old, new)
    assert (error.code, error.element_id, error.file) == ("LTSA-D012", element, "intake.bpmn")
    assert error.line is not None and repr(new.split(b'"')[-2].decode()) in error.message
