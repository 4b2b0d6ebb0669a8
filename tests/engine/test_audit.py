"""The auditor's ground truth: tampering is found and named, replay is exact."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from engine import Actor, CaseView, Engine, ManualClock, SourceFile, verify_export

BPMN_DIR = Path(__file__).parent / "bpmn"
OFFICER = Actor("ani", "officer", ("disnaker", "dukcapil", "dinkes", "p3mi"))


def _task(case: CaseView, name: str) -> int:
    return next(t.id for t in case.ready_tasks if t.name == name)


def _case_with_history(eng: Engine, clock: ManualClock) -> CaseView:
    """A case with six events: start, register, timer, message, two desks."""
    case = eng.start("intake", {}, OFFICER)
    case = eng.complete_task(_task(case, "register"), {"full_name": "Siti", "age": 30}, OFFICER)
    clock.advance(timedelta(days=15))
    eng.fire_due_timers()
    case = eng.send_message(case.id, "job_order_verified", {"job_order_verified": True}, OFFICER)
    case = eng.complete_task(_task(case, "verify_ektp"), {"ektp_valid": True}, OFFICER)
    case = eng.complete_task(_task(case, "health_check"), {"health_result": "fit"}, OFFICER)
    return case


def _sql(eng: Engine, statement: str, **params: object) -> None:
    with eng.db.engine.begin() as connection:
        connection.execute(text(statement), params)


def test_untouched_history_verifies(eng: Engine, clock: ManualClock) -> None:
    case = _case_with_history(eng, clock)
    eng.checkpoint()
    result = eng.verify(case.id)
    assert result.intact, result.problems
    assert result.events == 6 and result.first_bad_event is None


def test_edited_event_data_is_named(eng: Engine, clock: ManualClock) -> None:
    case = _case_with_history(eng, clock)
    payload = json.dumps({"data": {"full_name": "Siti", "age": 17}})
    _sql(
        eng,
        "UPDATE journal_events SET payload = :p WHERE case_id = :c AND seq = 2",
        p=payload,
        c=case.id,
    )
    result = eng.verify(case.id)
    assert (result.intact, result.first_bad_event) == (False, 2)
    assert "altered" in result.problems[0]


def test_deleted_event_is_named(eng: Engine, clock: ManualClock) -> None:
    case = _case_with_history(eng, clock)
    _sql(eng, "DELETE FROM journal_events WHERE case_id = :c AND seq = 3", c=case.id)
    result = eng.verify(case.id)
    assert (result.intact, result.first_bad_event) == (False, 3)


def test_swapped_events_are_named(eng: Engine, clock: ManualClock) -> None:
    case = _case_with_history(eng, clock)
    _sql(eng, "UPDATE journal_events SET seq = 100 WHERE case_id = :c AND seq = 4", c=case.id)
    _sql(eng, "UPDATE journal_events SET seq = 4 WHERE case_id = :c AND seq = 5", c=case.id)
    _sql(eng, "UPDATE journal_events SET seq = 5 WHERE case_id = :c AND seq = 100", c=case.id)
    result = eng.verify(case.id)
    assert (result.intact, result.first_bad_event) == (False, 4)


def test_forged_event_with_recomputed_hash_is_found_at_its_successor(
    eng: Engine, clock: ManualClock
) -> None:
    from engine.journal import EventKind, JournalEvent, event_hash

    case = _case_with_history(eng, clock)
    history = eng.history(case.id)
    forged = JournalEvent(
        case_id=case.id,
        seq=3,
        kind=EventKind.DATA_CORRECTED,
        recorded_at=history[1].recorded_at,
        actor="mallory",
        desk=None,
        task_ref=None,
        payload={"field": "age", "value": 40, "reason": "x"},
        state_digest=history[1].state_digest,
        prev_hash=history[1].hash,
        hash="",
    )
    forged_hash = event_hash(forged.prev_hash, forged.content())
    for seq in range(6, 2, -1):
        _sql(
            eng,
            "UPDATE journal_events SET seq = :n WHERE case_id = :c AND seq = :s",
            n=seq + 1,
            c=case.id,
            s=seq,
        )
    _sql(
        eng,
        "INSERT INTO journal_events (case_id, seq, kind, format_version, recorded_at, actor,"
        " desk, task_ref, payload, state_digest, prev_hash, hash) VALUES (:c, 3, :k, 1, :t,"
        " 'mallory', NULL, NULL, :p, :d, :prev, :h)",
        c=case.id,
        k="data_corrected",
        t=forged.recorded_at,
        p=json.dumps(forged.payload),
        d=forged.state_digest,
        prev=forged.prev_hash,
        h=forged_hash,
    )
    result = eng.verify(case.id)
    assert not result.intact
    assert result.first_bad_event == 4  # the forged event's successor does not follow it


def test_altered_workflow_state_without_an_event_is_found(eng: Engine, clock: ManualClock) -> None:
    case = _case_with_history(eng, clock)
    with eng.db.engine.begin() as connection:
        state = connection.execute(
            text("SELECT state FROM snapshots WHERE case_id = :c"), {"c": case.id}
        ).scalar_one()
        altered = state.replace('"status":"active"', '"status":"completed"')
        assert altered != state
        connection.execute(
            text("UPDATE snapshots SET state = :s WHERE case_id = :c"),
            {"s": altered, "c": case.id},
        )
    result = eng.verify(case.id)
    assert not result.intact
    assert "altered without an event" in result.problems[0]


def test_cut_tail_is_found_by_the_signed_checkpoint(eng: Engine, clock: ManualClock) -> None:
    case = _case_with_history(eng, clock)
    eng.checkpoint()
    history = eng.history(case.id)
    _sql(eng, "DELETE FROM journal_events WHERE case_id = :c AND seq = 6", c=case.id)
    _sql(
        eng,
        "UPDATE cases SET revision = 5, head_hash = :h, state_digest = :d WHERE id = :c",
        h=history[4].hash,
        d=history[4].state_digest,
        c=case.id,
    )
    _sql(eng, "DELETE FROM snapshots WHERE case_id = :c", c=case.id)
    result = eng.verify(case.id)
    assert (result.intact, result.first_bad_event) == (False, 6)
    assert "missing at the end" in result.problems[0]


def test_deleted_case_is_reported_by_verify_all(eng: Engine, clock: ManualClock) -> None:
    kept = eng.start("intake", {}, OFFICER)
    gone = eng.start("intake", {}, OFFICER)
    eng.checkpoint()
    for table in ("journal_events", "tasks", "timers", "snapshots"):
        _sql(eng, f"DELETE FROM {table} WHERE case_id = :c", c=gone.id)  # noqa: S608
    _sql(eng, "DELETE FROM cases WHERE id = :c", c=gone.id)
    verdicts = {v.case_id: v for v in eng.verify_all()}
    assert verdicts[kept.id].intact
    assert not verdicts[gone.id].intact and "deleted" in verdicts[gone.id].problems[0]


def test_replay_steps_through_history(eng: Engine, clock: ManualClock) -> None:
    case = _case_with_history(eng, clock)
    after_register = eng.replay(case.id, to=2)
    assert after_register.data["full_name"] == "Siti"
    assert set(after_register.changed) >= {"full_name", "age"}
    assert sorted(after_register.ready_tasks) == ["intake/health_check#1", "intake/verify_ektp#1"]
    assert "register" in after_register.path and "decide" in after_register.path
    assert "wait_job_order" in after_register.active
    at_start = eng.replay(case.id, to=1)
    assert at_start.ready_tasks == ("intake/register#1",)
    latest = eng.replay(case.id)
    assert latest.seq == 6 and latest.data == eng.get_case(case.id).data


def test_what_if_a_dmn_threshold_changes(eng: Engine, clock: ManualClock) -> None:
    case = _case_with_history(eng, clock)
    stricter = (BPMN_DIR / "age_check.dmn").read_bytes().replace(b"&lt; 18", b"&lt; 35")
    files = [SourceFile(p.name, p.read_bytes()) for p in sorted(BPMN_DIR.iterdir())]
    files = [SourceFile(f.name, stricter) if f.name == "age_check.dmn" else f for f in files]
    version = {r.key: r for r in eng.deploy(files, actor="designer")}["intake"].version
    assert version == 2
    replay = eng.replay(case.id, against=2)
    assert replay.divergence is not None
    assert replay.divergence.seq == 2
    assert "rejected" in replay.divergence.reason
    assert "rejection_reason" in replay.divergence.details["data"]
    assert eng.replay(case.id, against=1).divergence is None


def test_what_if_a_version_adds_a_step(eng: Engine, clock: ManualClock) -> None:
    case = _case_with_history(eng, clock)
    intake = (BPMN_DIR / "intake.bpmn").read_bytes()
    extra = intake.replace(
        b'<bpmn:sequenceFlow id="f4" sourceRef="fork" targetRef="verify_ektp" />',
        b'<bpmn:sequenceFlow id="f4" sourceRef="fork" targetRef="pre_check" />'
        b'<bpmn:userTask id="pre_check" name="Pra-verifikasi" camunda:formKey="pre" />'
        b'<bpmn:sequenceFlow id="f4b" sourceRef="pre_check" targetRef="verify_ektp" />',
    ).replace(
        b"<bpmn:flowNodeRef>verify_ektp</bpmn:flowNodeRef>",
        b"<bpmn:flowNodeRef>verify_ektp</bpmn:flowNodeRef><bpmn:flowNodeRef>pre_check"
        b"</bpmn:flowNodeRef>",
    )
    files = [SourceFile(p.name, p.read_bytes()) for p in sorted(BPMN_DIR.iterdir())]
    files = [SourceFile(f.name, extra) if f.name == "intake.bpmn" else f for f in files]
    eng.deploy(files, actor="designer")
    replay = eng.replay(case.id, against=2)
    assert replay.divergence is not None
    assert replay.divergence.seq == 2
    assert "intake/pre_check#1" in replay.divergence.reason


def test_export_verifies_without_the_database_and_detects_tampering(
    eng: Engine, clock: ManualClock
) -> None:
    case = _case_with_history(eng, clock)
    exported = eng.export_case(case.id)
    assert verify_export(exported, eng.public_key()).intact
    assert verify_export(json.loads(json.dumps(exported))).intact
    tampered = json.loads(json.dumps(exported))
    tampered["events"][1]["payload"]["data"]["age"] = 17
    verdict = verify_export(tampered)
    assert not verdict.intact and "signature" in verdict.problems[0]
    foreign = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"
    assert not verify_export(exported, foreign).intact


@pytest.mark.parametrize("count", [3])
def test_checkpoint_signs_every_case_head(eng: Engine, count: int) -> None:
    cases = [eng.start("intake", {}, OFFICER) for _ in range(count)]
    signed = eng.checkpoint()
    assert set(signed["cases"]) == {str(c.id) for c in cases}
    assert signed["public_key"] == eng.public_key()


def test_replay_tells_a_new_field_from_one_set_to_null(eng: Engine) -> None:
    case = eng.start("intake", {"note": None}, OFFICER)
    case = eng.correct(case.id, "remark", None, "catatan kosong", OFFICER)
    changed = eng.replay(case.id, to=2).changed
    assert changed == {"remark": {"before": None, "after": None, "absent": "before"}}
    assert eng.replay(case.id, to=1).changed["note"]["absent"] == "before"
