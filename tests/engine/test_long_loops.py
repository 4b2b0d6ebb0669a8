"""A case whose loop runs 1,000 times still runs, replays and ends properly.

SpiffWorkflow alone stops seeing tasks beyond depth 1,000 (about 333 rounds
of a three-element loop) and would report such a case as finished.
"""

from __future__ import annotations

from pathlib import Path

from engine import Actor, Engine, EventKind

LOOP = Path(__file__).parent / "loop"
OFFICER = Actor("ani", "officer", ("disnaker",))


def test_a_thousand_rounds_of_a_loop_keep_one_ready_task_and_end_completed(make_engine) -> None:
    eng: Engine = make_engine(snapshot_every=50)
    eng.deploy([LOOP], actor="designer")
    case = eng.start("loop", {"iterations": None}, OFFICER)
    for _ in range(1000):
        assert case.status == "active"
        assert [t.name for t in case.ready_tasks] == ["step"]
        case = eng.complete_task(case.ready_tasks[0].id, {"stop": False}, OFFICER)
    assert case.data["iterations"] == 1000
    assert case.ready_tasks[0].ref == "loop/step#1001"

    state = eng.workflow_state(case.id)  # rebuilt from snapshot + journal, digests checked
    assert len(state.workflow.tasks) < 20  # finished rounds were pruned
    assert state.path() == ["l_start", "step", "count", "again"]

    case = eng.complete_task(case.ready_tasks[0].id, {"stop": True}, OFFICER)
    assert case.status == "completed"
    assert case.data["iterations"] == 1001
    kinds = [e.kind for e in eng.history(case.id)]
    assert kinds.count(EventKind.TASK_COMPLETED) == 1001


def test_long_loop_replays_from_the_first_event(make_engine) -> None:
    eng: Engine = make_engine()
    eng.deploy([LOOP], actor="designer")
    case = eng.start("loop", {"iterations": None}, OFFICER)
    for _ in range(400):
        case = eng.complete_task(case.ready_tasks[0].id, {"stop": False}, OFFICER)
    verdict = eng.verify(case.id)
    assert verdict.intact, verdict.problems
    assert eng.replay(case.id, to=200).data["iterations"] == 199
