"""What scale-out exposes in-process: lagging workers and retries racing their first attempt.

Each test is a regression test for an engine defect found while writing
the scale-out tests. The clock is manual and the interleavings are forced,
so nothing here sleeps or depends on luck.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from engine import Actor, Engine, EventKind, ManualClock

pytestmark = pytest.mark.scale

INTAKE_BPMN = Path(__file__).resolve().parents[1] / "engine" / "bpmn"
OFFICER = Actor("ani", "officer", ("disnaker", "dukcapil", "dinkes", "p3mi"))
EMBASSY = Actor("kbri", "system")


def _registered(eng: Engine) -> Any:
    case = eng.start("intake", {}, OFFICER)
    return eng.complete_task(case.ready_tasks[0].id, {"full_name": "Siti", "age": 30}, OFFICER)


@pytest.fixture
def pg_engine(make_engine: Any, postgres_url: str) -> Engine:
    eng: Engine = make_engine(postgres_url)
    eng.deploy([INTAKE_BPMN], actor="designer")
    return eng


def test_timer_due_while_the_worker_lags_is_journaled_as_timer_fired(
    pg_engine: Engine, clock: ManualClock
) -> None:
    case = _registered(pg_engine)  # the P14D SLA timer waits on the job order
    clock.advance(timedelta(days=15))  # due, but no worker has run yet
    verify = next(t for t in case.ready_tasks if t.name == "verify_ektp")
    after = pg_engine.complete_task(verify.id, {"ektp_valid": True}, OFFICER)
    kinds = [(e.kind, e.task_ref) for e in pg_engine.history(case.id)]
    assert "remind_p3mi" in {t.name for t in after.ready_tasks}  # the SLA timer did fire
    assert (EventKind.TIMER_FIRED, "intake/sla_timer#1") in kinds


def test_retry_racing_its_own_first_attempt_gets_the_case_not_a_conflict(
    pg_engine: Engine, make_engine: Any, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = pg_engine.start("intake", {}, OFFICER)
    task_id = case.ready_tasks[0].id
    data = {"full_name": "Siti", "age": 30}
    first_process = make_engine(postgres_url)  # the web process the first attempt reached
    looked_up = pg_engine.writer.already_done

    def first_attempt_commits_meanwhile(request: Any) -> Any:
        found = looked_up(request)  # not kept yet: the first attempt is still running
        first_process.complete_task(task_id, data, OFFICER, idempotency_key="lb-retry-1")
        return found

    # Force the few-millisecond window between the key lookup and the task read.
    monkeypatch.setattr(pg_engine.writer, "already_done", first_attempt_commits_meanwhile)
    retried = pg_engine.complete_task(task_id, data, OFFICER, idempotency_key="lb-retry-1")
    completions = [e for e in pg_engine.history(case.id) if e.kind is EventKind.TASK_COMPLETED]
    assert retried.id == case.id
    assert len(completions) == 1


def test_retry_after_a_lost_answer_gets_the_case_now_and_changes_nothing(
    pg_engine: Engine,
) -> None:
    case = pg_engine.start("intake", {}, OFFICER)
    data = {"full_name": "Siti", "age": 30}
    answer = pg_engine.complete_task(case.ready_tasks[0].id, data, OFFICER, idempotency_key="c-9")
    pg_engine.send_message(case.id, "job_order_verified", {"job_order_verified": True}, EMBASSY)
    retried = pg_engine.complete_task(case.ready_tasks[0].id, data, OFFICER, idempotency_key="c-9")
    later = pg_engine.get_case(case.id)
    assert retried.revision == later.revision == answer.revision + 1  # the message's event
    completions = [e for e in pg_engine.history(case.id) if e.kind is EventKind.TASK_COMPLETED]
    assert len(completions) == 1
