"""Timers fire exactly once across workers; idempotency keys make retries safe."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from engine import Actor, CaseView, Conflict, Engine, EventKind, ManualClock
from engine.timers import LEASE, lease_due_timers

BPMN_DIR = Path(__file__).parent / "bpmn"
OFFICER = Actor("ani", "officer", ("disnaker", "dukcapil", "dinkes", "p3mi"))
EMBASSY = Actor("kbri", "system")


def _registered(eng: Engine) -> CaseView:
    case = eng.start("intake", {}, OFFICER)
    register = case.ready_tasks[0].id
    return eng.complete_task(register, {"full_name": "Siti", "age": 30}, OFFICER)


def _job_order_verified(eng: Engine, case_id: int, key: str, verified: bool = True) -> CaseView:
    """The embassy's message on the job order, sent with the idempotency key `key`."""
    return eng.send_message(
        case_id,
        "job_order_verified",
        {"job_order_verified": verified},
        EMBASSY,
        idempotency_key=key,
    )


def _count(eng: Engine, case_id: int, kind: EventKind) -> int:
    return sum(1 for e in eng.history(case_id) if e.kind is kind)


def test_same_message_twice_with_one_key_changes_the_case_once(eng: Engine) -> None:
    case = _registered(eng)
    first = _job_order_verified(eng, case.id, "kbri-jo-1")
    again = _job_order_verified(eng, case.id, "kbri-jo-1")
    assert again.revision == first.revision
    assert _count(eng, case.id, EventKind.MESSAGE_RECEIVED) == 1


def test_key_reused_for_another_request_is_a_conflict(eng: Engine) -> None:
    case = _registered(eng)
    _job_order_verified(eng, case.id, "k1")
    with pytest.raises(Conflict):
        _job_order_verified(eng, case.id, "k1", verified=False)
    assert _count(eng, case.id, EventKind.MESSAGE_RECEIVED) == 1


def test_retried_completion_with_its_key_gets_the_first_answer(eng: Engine) -> None:
    case = eng.start("intake", {}, OFFICER, idempotency_key="start-1")
    assert eng.start("intake", {}, OFFICER, idempotency_key="start-1").id == case.id
    task_id = case.ready_tasks[0].id
    data = {"full_name": "Siti", "age": 30}
    done = eng.complete_task(task_id, data, OFFICER, idempotency_key="c-1")
    retried = eng.complete_task(task_id, data, OFFICER, idempotency_key="c-1")
    assert (retried.id, retried.revision) == (done.id, done.revision)
    with pytest.raises(Conflict):  # without the key it is a second completion
        eng.complete_task(task_id, data, OFFICER)
    assert _count(eng, case.id, EventKind.TASK_COMPLETED) == 1


def test_workers_racing_fire_each_timer_once(
    make_engine, database_url: str, clock: ManualClock
) -> None:
    first = make_engine(database_url)
    first.deploy([BPMN_DIR], actor="designer")
    cases = [_registered(first) for _ in range(6)]
    clock.advance(timedelta(days=15))
    workers = [make_engine(database_url) for _ in range(3)]
    fired: list[int] = []
    barrier = threading.Barrier(len(workers))

    def work(eng: Engine, name: str) -> None:
        barrier.wait()
        fired.append(eng.fire_due_timers(limit=2, worker=name))
        fired.append(eng.fire_due_timers(limit=10, worker=name))

    threads = [threading.Thread(target=work, args=(w, f"w{i}")) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(fired) == len(cases)
    for case in cases:
        assert _count(first, case.id, EventKind.TIMER_FIRED) == 1
        assert first.verify(case.id).intact


def test_timer_leased_by_a_dead_worker_is_taken_over_after_the_lease(
    eng: Engine, clock: ManualClock
) -> None:
    case = _registered(eng)
    clock.advance(timedelta(days=15))
    leased = lease_due_timers(eng.db, clock.now(), "killed-worker", 10)
    assert [t.case_id for t in leased] == [case.id]
    assert eng.fire_due_timers(worker="survivor") == 0  # still leased
    clock.advance(LEASE + timedelta(seconds=1))
    assert eng.fire_due_timers(worker="survivor") == 1
    assert _count(eng, case.id, EventKind.TIMER_FIRED) == 1
