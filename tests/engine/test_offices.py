"""Offices on SQLite and PostgreSQL: scoping by the actor's office, exact counters, figures."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from cli.main import main
from engine import (
    Actor,
    CaseQuery,
    Conflict,
    Engine,
    EventKind,
    ManualClock,
    NotFound,
    ValidationFailed,
)
from engine.counters import read_counts, week_of
from engine.dashboard import percentile
from engine.store.models import CaseRow, TaskRow

HQ = Actor("ani", "officer", ("disnaker", "dukcapil", "dinkes", "p3mi"), "utama")
FAR = Actor("budi", "officer", ("disnaker", "dukcapil", "dinkes", "p3mi"), "indramayu")
ADMIN = Actor("root", "admin")


@pytest.fixture
def two(eng: Engine) -> Engine:
    eng.offices.add("indramayu", "LTSA Kabupaten Indramayu")
    return eng


def _ready(eng: Engine, case_id: int, name: str) -> int:
    return next(t.id for t in eng.list_tasks(case_id=case_id) if t.name == name)


def test_an_officer_sees_and_works_only_their_office(two: Engine) -> None:
    mine = two.start("intake", {}, HQ)
    theirs = two.start("intake", {}, FAR)
    assert (mine.office, theirs.office) == ("utama", "indramayu")
    task = _ready(two, theirs.id, "register")
    with pytest.raises(NotFound):
        two.get_case(theirs.id, office=HQ.office)
    with pytest.raises(NotFound):
        two.get_task(task, office=HQ.office)
    with pytest.raises(NotFound):
        two.history(theirs.id, office=HQ.office)
    with pytest.raises(NotFound):
        two.complete_task(task, {"full_name": "X", "age": 30}, HQ)
    with pytest.raises(NotFound):
        two.claim(task, HQ)
    with pytest.raises(NotFound):
        two.withdraw(theirs.id, "salah kantor", HQ)
    with pytest.raises(NotFound):
        two.send_message(theirs.id, "job_order_verified", {}, HQ)
    assert two.get_case(theirs.id).revision == 1  # nothing changed
    inbox = two.list_tasks(desk=HQ.desks, office=HQ.office)
    assert {t.case_id for t in inbox} == {mine.id}
    assert {c.id for c in two.list_cases(office="indramayu")} == {theirs.id}
    # national: sees both, and starts a case in a named office or the default one
    assert {c.id for c in two.list_cases()} >= {mine.id, theirs.id}
    assert two.start("intake", {}, ADMIN, office="indramayu").office == "indramayu"
    assert two.start("intake", {}, ADMIN).office == "utama"
    with pytest.raises(ValidationFailed):
        two.start("intake", {}, ADMIN, office="atlantis")
    # an officer's own office wins over one named
    assert two.start("intake", {}, FAR, office="utama").office == "indramayu"


def test_the_auditor_filters_cases_by_office(two: Engine) -> None:
    mine = two.start("intake", {}, HQ)
    theirs = two.start("intake", {}, FAR)
    far = two.search.search(CaseQuery(office="indramayu"))
    assert [hit.id for hit in far.cases] == [theirs.id]
    assert two.search.ids(CaseQuery(office="utama")) == [mine.id]
    assert set(two.search.ids(CaseQuery())) == {mine.id, theirs.id}


def test_users_belong_to_an_office(two: Engine) -> None:
    assert two.users.add("sri", "officer", ["disnaker"], office="indramayu").office == "indramayu"
    assert two.users.add("tono", "kepala").office == "utama"  # the default office
    assert two.users.add("dewi", "auditor").office is None  # national
    assert two.users.get("sri").actor.office == "indramayu"
    with pytest.raises(ValidationFailed):
        two.users.add("wati", "officer", ["disnaker"], office="atlantis")
    with pytest.raises(Conflict):
        two.offices.add("indramayu", "again")
    with pytest.raises(ValidationFailed):
        two.offices.add("Bad Code!", "x")


def _random_inputs(eng: Engine, clock: ManualClock, rng: random.Random, actor: Actor) -> None:
    for _ in range(10):
        choice = rng.random()
        cases = [c for c in eng.list_cases(status="active", office=actor.office)]
        if choice < 0.3 or not cases:
            eng.start("intake", {}, actor)
            continue
        case = rng.choice(cases)
        tasks = eng.list_tasks(case_id=case.id)
        try:
            if choice < 0.4:
                eng.withdraw(case.id, "mundur", actor)
            elif tasks and tasks[0].name == "register":
                age = rng.choice([16, 30])  # 16: rejected by the DMN
                eng.complete_task(tasks[0].id, {"full_name": "Siti", "age": age}, actor)
            elif tasks:
                task = rng.choice(tasks)
                data = {
                    "verify_ektp": {"ektp_valid": True},
                    "health_check": {"health_result": "fit"},
                }
                eng.complete_task(task.id, data.get(task.name, {}), actor)
            else:
                eng.send_message(case.id, "job_order_verified", {"job_order_verified": True}, actor)
        except (Conflict, NotFound, ValidationFailed):
            pass  # a concurrent input came first
        clock.advance(timedelta(hours=rng.randint(1, 60)))


def _counters_and_journal(
    eng: Engine,
) -> tuple[dict[tuple[str, str], int], Counter[tuple[str, str]]]:
    """The counters as stored, and the same figures counted from the journal and projection."""
    with eng.db.engine.connect() as connection:
        counted = {k: v for k, v in read_counts(connection, None, "").items() if v}
        tasks = connection.execute(
            select(TaskRow.office, TaskRow.desk).where(TaskRow.state == "ready")
        ).all()
        cases = connection.execute(select(CaseRow.id, CaseRow.office)).all()
    expected: Counter[tuple[str, str]] = Counter()
    for office, desk in tasks:
        expected[(office, f"queue|{desk or '-'}")] += 1
    for case_id, office in cases:
        history = eng.history(case_id)
        expected[(office, f"started|{week_of(history[0].recorded_at)}")] += 1
        final = eng.get_case(case_id).status
        if final != "active":
            expected[(office, f"{final}|{week_of(history[-1].recorded_at)}")] += 1
        for event in history:
            if event.kind is EventKind.TIMER_FIRED:
                element = (event.task_ref or "").split("#")[0].rpartition("/")[2]
                expected[(office, f"fired|{element}|{week_of(event.recorded_at)}")] += 1
    return counted, expected


def test_counters_equal_the_journal_after_random_and_concurrent_inputs(
    two: Engine, clock: ManualClock
) -> None:
    rng = random.Random(17)
    sla = two.start("intake", {}, FAR)  # waits for the job order past its 14-day SLA
    two.complete_task(_ready(two, sla.id, "register"), {"full_name": "Siti", "age": 30}, FAR)
    young = two.start("intake", {}, HQ)  # rejected by the DMN
    two.complete_task(_ready(two, young.id, "register"), {"full_name": "Budi", "age": 16}, HQ)
    _random_inputs(two, clock, rng, HQ)
    clock.advance(timedelta(days=15))
    two.fire_due_timers()
    errors: list[BaseException] = []

    def worker(seed: int, actor: Actor) -> None:
        try:
            _random_inputs(two, clock, random.Random(seed), actor)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n, (HQ, FAR)[n % 2])) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    two.fire_due_timers()

    counted, expected = _counters_and_journal(two)
    assert counted == dict(expected)
    kinds = {key.split("|")[0] for _, key in expected}
    assert {"queue", "started", "rejected", "withdrawn", "fired"} <= kinds, kinds


def test_dashboard_figures_equal_hand_computed_ones(two: Engine, clock: ManualClock) -> None:
    clock.set(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))  # Monday 08:00 WIB
    waits_hours = [1, 2, 4]
    cases = []
    for n, hours in enumerate(waits_hours):
        case = two.start("intake", {}, HQ)
        cases.append(case)
        clock.advance(timedelta(hours=hours))
        two.complete_task(
            _ready(two, case.id, "register"), {"full_name": f"Siti {n}", "age": 30}, HQ
        )
    waiting = two.start("intake", {}, HQ)  # still at disnaker
    young = two.start("intake", {}, HQ)
    clock.advance(timedelta(minutes=30))
    two.complete_task(_ready(two, young.id, "register"), {"full_name": "Budi", "age": 16}, HQ)
    two.withdraw(cases[0].id, "mundur", HQ)
    two.start("intake", {}, FAR)  # another office: not in these figures
    figures = two.dashboard(
        "utama", datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC)
    )
    assert figures is not None
    desks = {d.desk: d for d in figures.desks}
    # register took 1 h, 2 h, 4 h and 30 min: median 1.5 h, p90 (nearest rank 4 of 4) 4 h
    assert desks["disnaker"].waiting.count == 4
    assert desks["disnaker"].waiting.median == 1.5 * 3600
    assert desks["disnaker"].waiting.p90 == 4 * 3600
    assert desks["disnaker"].queue == 1
    assert desks["disnaker"].oldest_case == waiting.id
    assert desks["disnaker"].oldest_since == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert desks["dukcapil"].queue == 2 and desks["dinkes"].queue == 2  # case 0 withdrawn
    assert figures.weeks == {
        "2026-03-02": {"started": 5, "completed": 0, "rejected": 1, "withdrawn": 1}
    }
    assert figures.elements["register"].median == 1.5 * 3600
    assert two.dashboard("atlantis", clock.now(), clock.now()) is None
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.9) == 5.0


def test_cli_adds_offices_and_officers_in_them(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LTSA_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("LTSA_DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    added = runner.invoke(main, ["office", "add", "cirebon", "--name", "LTSA Kabupaten Cirebon"])
    assert added.exit_code == 0 and "cirebon" in added.output
    user = runner.invoke(
        main,
        ["user", "add", "rina", "--role", "officer", "--desk", "disnaker", "--office", "cirebon"],
    )
    assert user.exit_code == 0 and "office cirebon" in user.output
    head = runner.invoke(main, ["user", "add", "pak-kepala", "--role", "kepala", "--office", "x1"])
    assert head.exit_code != 0 and "office" in head.output + (head.stderr or "")
    listed = runner.invoke(main, ["office", "list", "--json"])
    assert {o["code"] for o in __import__("json").loads(listed.output)} == {"utama", "cirebon"}


_KILLED_WRITER = """
import sys
from engine import Actor, Engine, ManualClock
from datetime import UTC, datetime
clock = ManualClock(datetime(2026, 3, 2, tzinfo=UTC))
eng = Engine(database_url=sys.argv[1], data_dir=sys.argv[2], clock=clock)
clerk = Actor("ani", "officer", ("disnaker", "dukcapil", "dinkes", "p3mi"), "indramayu")
print("ready", flush=True)
while True:
    case = eng.start("intake", {}, clerk)
    task = case.ready_tasks[0].id
    eng.complete_task(task, {"full_name": "Siti", "age": 30}, clerk)
"""


def test_counters_stay_exact_when_a_writer_is_killed_mid_input(two: Engine, tmp_path) -> None:
    """kill -9 a process that is recording inputs: the counters still equal the journal."""
    import os
    import signal
    import subprocess
    import sys
    import time

    root = Path(__file__).resolve().parents[2]
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _KILLED_WRITER,
            str(two.db.engine.url.render_as_string(hide_password=False)),
            str(tmp_path / "w"),
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == b"ready"
    time.sleep(1.5)  # some inputs recorded, one (most likely) under way
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    counted, expected = _counters_and_journal(two)
    assert counted == dict(expected)
    assert expected[("indramayu", "queue|dukcapil")] > 0  # the writer did record inputs
