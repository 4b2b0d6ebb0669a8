"""The case runtime, on SQLite and PostgreSQL: inputs, journal, projection."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from engine import (
    Actor,
    CaseNotActive,
    CaseView,
    Conflict,
    Engine,
    EventKind,
    Forbidden,
    ManualClock,
    NotFound,
    ValidationFailed,
)
from engine.spiff import serializer
from engine.state import CaseState
from engine.store.models import CaseRow

OFFICER = Actor("ani", "officer", ("disnaker", "dukcapil", "dinkes", "p3mi"))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _task(case: CaseView, name: str) -> int:
    matches = [t.id for t in case.ready_tasks if t.name == name]
    assert matches, f"{name} not ready; ready: {[t.name for t in case.ready_tasks]}"
    return matches[0]


def assert_consistent(eng: Engine, case_id: int) -> None:
    """Reload the case from the store, as a fresh process would, and compare.

    The rebuilt workflow (snapshot + journal replay, digests checked at every
    event) must give the projection's ready tasks, the journal head's digest
    and the stored case data.
    """
    fresh = Engine(database_url=eng.db.url, data_dir=eng.data_dir, clock=eng.clock)
    try:
        state = fresh.workflow_state(case_id)
        case = fresh.get_case(case_id)
        history = fresh.history(case_id)
        assert [t.ref for t in state.ready_tasks()] == [t.ref for t in case.ready_tasks]
        assert state.digest() == history[-1].state_digest
        assert state.status == case.status
        assert state.data() == case.data
        assert case.revision == len(history) == history[-1].seq
    finally:
        fresh.close()


def walk_to_documents(eng: Engine, clock: ManualClock) -> CaseView:
    """Drive a case through every construct of the test process, checking each step."""
    case = eng.start("intake", {}, OFFICER)
    assert_consistent(eng, case.id)
    assert [t.desk for t in case.ready_tasks] == ["disnaker"]
    case = eng.complete_task(_task(case, "register"), {"full_name": "Siti", "age": 25}, OFFICER)
    assert_consistent(eng, case.id)
    assert sorted(case.desks) == ["dinkes", "dukcapil"]  # parallel branches
    clock.advance(timedelta(days=15))
    assert eng.fire_due_timers() == 1  # the SLA reminder, non-interrupting
    case = eng.get_case(case.id)
    assert_consistent(eng, case.id)
    assert "p3mi" in case.desks
    case = eng.send_message(case.id, "job_order_verified", {"job_order_verified": True}, OFFICER)
    assert_consistent(eng, case.id)
    for name, data in (
        ("verify_ektp", {"ektp_valid": True}),
        ("health_check", {"health_result": "fit"}),
        ("remind_p3mi", {}),
    ):
        case = eng.complete_task(_task(case, name), data, OFFICER)
        assert_consistent(eng, case.id)
    return case


def test_case_walks_through_lanes_gateways_dmn_timer_message_and_call_activity(
    eng: Engine, clock: ManualClock
) -> None:
    case = walk_to_documents(eng, clock)
    assert [t.ref for t in case.ready_tasks] == ["documents/upload#1"]  # the called process
    upload = {"name": "surat.pdf", "content_base64": base64.b64encode(PDF).decode()}
    case = eng.complete_task(_task(case, "upload"), {"marital_status_letter": upload}, OFFICER)
    assert_consistent(eng, case.id)
    stored = case.data["marital_status_letter"]
    assert stored["media_type"] == "application/pdf"
    assert eng.documents.get(stored["sha256"]) == PDF
    assert case.data["documents_checked"] is True  # script task in the called process
    case = eng.complete_task(_task(case, "final_check"), {}, OFFICER)
    assert_consistent(eng, case.id)
    assert case.status == "completed"
    assert case.ready_tasks == ()
    kinds = [e.kind for e in eng.history(case.id)]
    assert kinds.count(EventKind.TIMER_FIRED) == 1
    assert kinds.count(EventKind.MESSAGE_RECEIVED) == 1
    assert kinds[0] is EventKind.CASE_STARTED


def test_dmn_rejection_ends_case_with_reason_naming_the_rule(eng: Engine) -> None:
    case = eng.start("intake", {}, OFFICER)
    case = eng.complete_task(_task(case, "register"), {"full_name": "Budi", "age": 16}, OFFICER)
    assert case.status == "rejected"
    assert case.rejection_reason is not None and case.rejection_reason.startswith("R1")
    assert eng.list_tasks(case_id=case.id) == []
    assert_consistent(eng, case.id)


def test_invalid_completion_changes_nothing(eng: Engine) -> None:
    case = eng.start("intake", {}, OFFICER)
    task_id = _task(case, "register")
    with pytest.raises(ValidationFailed) as refused:
        eng.complete_task(task_id, {"full_name": "", "age": "tua", "extra": 1}, OFFICER)
    assert set(refused.value.errors) == {"full_name", "age", "extra"}
    after = eng.get_case(case.id)
    assert after.revision == case.revision
    assert len(eng.history(case.id)) == 1
    assert eng.get_task(task_id).state == "ready"
    assert_consistent(eng, case.id)


def test_officer_of_another_desk_is_forbidden_and_nothing_changes(eng: Engine) -> None:
    case = eng.start("intake", {}, OFFICER)
    stranger = Actor("budi", "officer", ("polri",))
    with pytest.raises(Forbidden):
        eng.complete_task(_task(case, "register"), {"full_name": "X", "age": 30}, stranger)
    designer = Actor("dina", "designer")
    with pytest.raises(Forbidden):
        eng.complete_task(_task(case, "register"), {"full_name": "X", "age": 30}, designer)
    assert eng.get_case(case.id).revision == 1


def test_completing_a_task_twice_is_a_conflict(eng: Engine) -> None:
    case = eng.start("intake", {}, OFFICER)
    task_id = _task(case, "register")
    eng.complete_task(task_id, {"full_name": "Siti", "age": 30}, OFFICER)
    with pytest.raises(Conflict):
        eng.complete_task(task_id, {"full_name": "Siti", "age": 30}, OFFICER)
    assert len(eng.history(case.id)) == 2


def test_stale_expected_revision_is_a_conflict(eng: Engine) -> None:
    case = eng.start("intake", {}, OFFICER)
    with pytest.raises(Conflict):
        eng.complete_task(
            _task(case, "register"), {"full_name": "S", "age": 30}, OFFICER, expected_revision=0
        )
    assert eng.get_case(case.id).revision == 1


def test_two_processes_completing_the_same_task_at_once_exactly_one_wins(
    make_engine, database_url: str, clock: ManualClock
) -> None:
    first = make_engine(database_url)
    first.deploy([Path(__file__).parent / "bpmn"], actor="designer")
    second = make_engine(database_url)  # another process: its own cache and pool
    for _ in range(5):
        case = first.start("intake", {}, OFFICER)
        task_id = _task(case, "register")
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def complete(
            eng: Engine, task_id: int = task_id, barrier=barrier, outcomes=outcomes
        ) -> None:
            barrier.wait()
            try:
                eng.complete_task(task_id, {"full_name": "Siti", "age": 30}, OFFICER)
                outcomes.append("ok")
            except Conflict:
                outcomes.append("conflict")

        threads = [threading.Thread(target=complete, args=(e,)) for e in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["conflict", "ok"]
        completions = [
            e
            for e in first.history(case.id)
            if e.kind is EventKind.TASK_COMPLETED and e.task_ref == "intake/register#1"
        ]
        assert len(completions) == 1
        assert_consistent(first, case.id)


def test_withdrawn_case_accepts_no_more_input(eng: Engine) -> None:
    case = eng.start("intake", {}, OFFICER)
    task_id = _task(case, "register")
    case = eng.withdraw(case.id, "pemohon mengundurkan diri", OFFICER)
    assert case.status == "withdrawn"
    assert case.ready_tasks == ()
    assert eng.get_task(task_id).state == "cancelled"
    with pytest.raises(CaseNotActive):
        eng.send_message(case.id, "job_order_verified", {}, OFFICER)
    assert eng.history(case.id)[-1].payload["reason"] == "pemohon mengundurkan diri"
    assert_consistent(eng, case.id)


def test_message_the_case_does_not_wait_for_is_refused_without_a_trace(eng: Engine) -> None:
    case = eng.start("intake", {}, OFFICER)
    with pytest.raises(Conflict):
        eng.send_message(case.id, "job_order_verified", {"x": 1}, OFFICER)
    assert len(eng.history(case.id)) == 1


def test_timer_fires_once_at_its_due_time(eng: Engine, clock: ManualClock) -> None:
    case = eng.start("intake", {}, OFFICER)
    eng.complete_task(_task(case, "register"), {"full_name": "S", "age": 30}, OFFICER)
    clock.advance(timedelta(days=13, hours=23))
    assert eng.fire_due_timers() == 0
    clock.advance(timedelta(hours=2))
    assert eng.fire_due_timers() == 1
    assert eng.fire_due_timers() == 0
    fired = [e for e in eng.history(case.id) if e.kind is EventKind.TIMER_FIRED]
    assert len(fired) == 1
    # journaled at its due time (expressions it triggers see that time); the worker's
    # own time is kept as noticed_at
    assert fired[0].recorded_at.isoformat().startswith("2026-03-16T09:00")
    assert fired[0].payload["due_at"] == fired[0].recorded_at.isoformat()
    assert fired[0].payload["noticed_at"] == clock.now().isoformat()


def test_data_correction_is_journaled_with_reason(eng: Engine) -> None:
    case = eng.start("intake", {}, OFFICER)
    case = eng.complete_task(_task(case, "register"), {"full_name": "Sti", "age": 30}, OFFICER)
    case = eng.correct(case.id, "full_name", "Siti", "salah ketik di e-KTP", OFFICER)
    assert case.data["full_name"] == "Siti"
    last = eng.history(case.id)[-1]
    assert last.kind is EventKind.DATA_CORRECTED
    assert last.payload == {"field": "full_name", "value": "Siti", "reason": "salah ketik di e-KTP"}
    assert_consistent(eng, case.id)


def test_journal_is_hash_chained_and_records_the_engine_clock(
    eng: Engine, clock: ManualClock
) -> None:
    case = eng.start("intake", {"note": "x"}, OFFICER)
    clock.advance(timedelta(minutes=5))
    eng.complete_task(_task(case, "register"), {"full_name": "S", "age": 30}, OFFICER)
    events = eng.history(case.id)
    assert [e.seq for e in events] == [1, 2]
    assert events[1].prev_hash == events[0].hash
    assert events[1].recorded_at - events[0].recorded_at == timedelta(minutes=5)
    assert events[0].payload["version"] == 1
    assert events[1].actor == "ani" and events[1].desk == "disnaker"


def test_database_refuses_a_second_event_with_the_same_number(eng: Engine) -> None:
    case = eng.start("intake", {}, OFFICER)
    with eng.db.engine.begin() as connection, pytest.raises(Exception) as refused:
        connection.execute(
            text(
                "INSERT INTO journal_events (case_id, seq, kind, format_version,"
                " recorded_at, actor, payload, state_digest, prev_hash, hash)"
                " VALUES (:c, 1, 'x', 1, :t, 'x', '{}', 'x', 'x', 'x')"
            ),
            {"c": case.id, "t": case.created_at},
        )
    assert "unique" in str(refused.value).lower()


def test_lost_cache_rebuilds_from_snapshot_and_journal(
    make_engine, database_url: str, clock
) -> None:
    eng = make_engine(database_url, snapshot_every=3)
    eng.deploy([Path(__file__).parent / "bpmn"], actor="designer")
    case = walk_to_documents(eng, clock)
    eng.writer.forget_cached()
    upload = {"name": "s.pdf", "content_base64": base64.b64encode(PDF).decode()}
    case = eng.complete_task(_task(case, "upload"), {"marital_status_letter": upload}, OFFICER)
    assert [t.name for t in case.ready_tasks] == ["final_check"]
    assert_consistent(eng, case.id)


def test_claimed_task_is_held_for_its_officer(eng: Engine) -> None:
    colleague = Actor("budi", "officer", ("disnaker",))
    case = eng.start("intake", {"full_name": "Siti"}, OFFICER)
    task_id = _task(case, "register")
    assert eng.claim(task_id, OFFICER).assignee == "ani"
    with pytest.raises(Conflict):
        eng.claim(task_id, colleague)
    with pytest.raises(Conflict):
        eng.complete_task(task_id, {"full_name": "Siti", "age": 30}, colleague)
    with pytest.raises(Forbidden):
        eng.claim(task_id, Actor("joko", "officer", ("polri",)))
    assert eng.unclaim(task_id, OFFICER).assignee is None
    assert eng.claim(task_id, colleague).assignee == "budi"
    listed = eng.list_tasks(desk="disnaker")
    assert [(t.assignee, t.applicant_name) for t in listed] == [("budi", "Siti")]
    eng.complete_task(task_id, {"full_name": "Siti", "age": 30}, colleague)


def test_case_path_names_passed_and_waiting_elements(eng: Engine) -> None:
    case = eng.start("intake", {}, OFFICER)
    case = eng.complete_task(_task(case, "register"), {"full_name": "Siti", "age": 30}, OFFICER)
    passed, waiting = eng.case_path(case.id)
    assert {"start", "register", "decide", "eligible_gw", "fork"} <= set(passed)
    assert set(waiting) == {"verify_ektp", "health_check", "wait_job_order", "sla_timer"}


def test_start_data_beyond_the_limits_is_refused_field_by_field(eng: Engine) -> None:
    with pytest.raises(ValidationFailed) as too_many:
        eng.start("intake", {f"f{i}": i for i in range(501)}, OFFICER)
    assert "data" in too_many.value.errors
    deep: dict[str, object] = {}
    node = deep
    for _ in range(40):
        node["x"] = {}
        node = node["x"]  # type: ignore[assignment]
    with pytest.raises(ValidationFailed) as refused:
        eng.start("intake", {"deep": deep, "big": 2**70, "ok": 1, "_x": 1}, OFFICER)
    assert set(refused.value.errors) == {"deep", "big", "_x"}
    assert eng.list_cases() == []


@pytest.mark.parametrize("bad_id", [0, -1, 2**63, 2**80])
def test_ids_no_database_can_hold_are_simply_not_found(eng: Engine, bad_id: int) -> None:
    for call in (
        lambda: eng.get_case(bad_id),
        lambda: eng.get_task(bad_id),
        lambda: eng.history(bad_id),
        lambda: eng.verify(bad_id),
        lambda: eng.replay(bad_id),
        lambda: eng.complete_task(bad_id, {}, OFFICER),
        lambda: eng.claim(bad_id, OFFICER),
        lambda: eng.withdraw(bad_id, "x", OFFICER),
    ):
        with pytest.raises(NotFound):
            call()


def test_a_task_inside_a_called_process_lights_up_its_call_activity(
    eng: Engine, clock: ManualClock
) -> None:
    case = walk_to_documents(eng, clock)
    passed, waiting = eng.case_path(case.id)
    assert {"upload", "docs"} <= set(waiting)
    assert eng.replay(case.id).active == tuple(waiting)


def test_snapshot_is_the_workflow_without_its_specs_and_restores_the_same_case(
    eng: Engine, clock: ManualClock
) -> None:
    case = walk_to_documents(eng, clock)  # inside the called process, after a timer
    state = eng.workflow_state(case.id)
    snapshot_json = state.to_json()

    stock = serializer.to_dict(state.workflow)
    assert {"spec", "subprocess_specs"} <= stock.keys()
    without_specs = {k: v for k, v in stock.items() if k not in ("spec", "subprocess_specs")}
    snapshot = json.loads(snapshot_json)["workflow"]
    assert snapshot == json.loads(json.dumps(without_specs))
    assert snapshot["subprocesses"]  # the called process's tasks are kept

    with eng.db.session() as session:
        row = session.get(CaseRow, case.id)
        assert row is not None
        loaded = eng.registry.loaded(session, row.process_version_id)
    restored = CaseState.from_json(snapshot_json, loaded.bundle)
    assert restored.digest() == state.digest()
    assert restored.to_json() == snapshot_json
    assert [t.ref for t in restored.ready_tasks()] == ["documents/upload#1"]


def _racing_reads(
    monkeypatch: pytest.MonkeyPatch, race: Callable[[], object]
) -> Callable[[], bool]:
    """Run `race` once, right after the next completion read its task and case unlocked."""
    import engine.cases

    original = engine.cases.task_for_input
    raced: list[bool] = []

    def read_then_race(connection: Any, task_id: int) -> Any:
        found = original(connection, task_id)
        if not raced:
            raced.append(True)
            race()
        return found

    monkeypatch.setattr(engine.cases, "task_for_input", read_then_race)
    return lambda: bool(raced)


def test_an_input_recorded_after_the_unlocked_read_is_kept_and_this_one_applied_on_top(
    make_engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    eng = make_engine(database_url)
    eng.deploy([Path(__file__).parent / "bpmn"], actor="designer")
    other = make_engine(database_url)  # another process, with its own cache
    case = eng.start("intake", {}, OFFICER)
    case = eng.complete_task(_task(case, "register"), {"full_name": "Siti", "age": 25}, OFFICER)
    health, ektp = _task(case, "health_check"), _task(case, "verify_ektp")
    raced = _racing_reads(
        monkeypatch, lambda: other.complete_task(ektp, {"ektp_valid": True}, OFFICER)
    )

    case = eng.complete_task(health, {"health_result": "fit"}, OFFICER)

    assert raced()
    assert case.revision == 4  # start, register, the racing e-KTP check, this one
    assert case.ready_tasks == ()  # both branches done: the case waits for the job order
    events = eng.history(case.id)
    assert [e.task_ref for e in events[2:]] == ["intake/verify_ektp#1", "intake/health_check#1"]
    assert_consistent(eng, case.id)


def test_a_task_completed_after_the_unlocked_read_is_a_conflict_and_changes_nothing(
    make_engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    eng = make_engine(database_url)
    eng.deploy([Path(__file__).parent / "bpmn"], actor="designer")
    other = make_engine(database_url)
    case = eng.start("intake", {}, OFFICER)
    register = _task(case, "register")
    _racing_reads(
        monkeypatch,
        lambda: other.complete_task(register, {"full_name": "Ani", "age": 31}, OFFICER),
    )

    with pytest.raises(Conflict):
        eng.complete_task(register, {"full_name": "Siti", "age": 25}, OFFICER)

    case = eng.get_case(case.id)
    assert case.revision == 2
    assert case.data["full_name"] == "Ani"
    assert_consistent(eng, case.id)


def test_the_view_an_input_returns_is_the_case_as_stored(eng: Engine) -> None:
    case = eng.start("intake", {}, OFFICER)
    assert case == eng.get_case(case.id)
    case = eng.complete_task(_task(case, "register"), {"full_name": "Siti", "age": 25}, OFFICER)
    assert len(case.ready_tasks) == 2  # both new: the view is built from the rows inserted
    assert case == eng.get_case(case.id)
    case = eng.complete_task(_task(case, "verify_ektp"), {"ektp_valid": True}, OFFICER)
    assert [t.name for t in case.ready_tasks] == ["health_check"]  # carried over: read back
    assert case == eng.get_case(case.id)


def test_a_retry_whose_first_attempt_lands_after_the_unlocked_read_gets_the_case_now(
    make_engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    eng = make_engine(database_url)
    eng.deploy([Path(__file__).parent / "bpmn"], actor="designer")
    first_attempt = make_engine(database_url)  # the process the lost first attempt reached
    case = eng.start("intake", {}, OFFICER)
    register = _task(case, "register")
    data = {"full_name": "Siti", "age": 25}
    _racing_reads(
        monkeypatch,
        lambda: first_attempt.complete_task(register, data, OFFICER, idempotency_key="retry-7"),
    )

    retried = eng.complete_task(register, data, OFFICER, idempotency_key="retry-7")

    assert retried.revision == 2  # the first attempt's change is in the answer
    assert retried == eng.get_case(case.id)
    completions = [e for e in eng.history(case.id) if e.kind is EventKind.TASK_COMPLETED]
    assert len(completions) == 1
