"""The access record (who read a case), the auditor's search, samples and subject exports."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from engine import (
    AccessKind,
    AccessNotRecorded,
    Actor,
    CaseQuery,
    Engine,
    EventKind,
    ManualClock,
    ValidationFailed,
)

ANI = Actor("ani", "officer", ("disnaker", "dukcapil", "dinkes", "p3mi"))
BUDI = Actor("budi", "officer", ("disnaker",))
AUDITOR = Actor("audrey", "auditor")
NIK = "3212015506950001"


def _register(eng: Engine, actor: Actor, name: str, nik: str | None = None) -> int:
    case = eng.start("intake", {"nik": nik} if nik else {}, actor)
    task = next(t.id for t in case.ready_tasks if t.name == "register")
    eng.complete_task(task, {"full_name": name, "age": 30}, actor)
    return case.id


def _sql(eng: Engine, statement: str, **params: object) -> None:
    with eng.db.engine.begin() as connection:
        connection.execute(text(statement), params)


def test_reads_are_recorded_in_order_with_who_and_where(eng: Engine, clock: ManualClock) -> None:
    case_id = _register(eng, ANI, "Siti")
    eng.access.record(BUDI, case_id, AccessKind.CASE_PAGE, address="10.0.0.7")
    clock.advance(timedelta(minutes=1))
    eng.access.record(BUDI, case_id, AccessKind.DOCUMENT, address="10.0.0.7", document="a" * 64)
    eng.access.record(AUDITOR, case_id, AccessKind.REPLAY, address="10.0.0.9")

    entries = eng.access.for_case(case_id)
    assert [(e.actor, e.role, e.what) for e in entries] == [
        ("budi", "officer", "case_page"),
        ("budi", "officer", "document"),
        ("audrey", "auditor", "replay"),
    ]
    assert entries[0].recorded_at == clock.now() - timedelta(minutes=1)  # the engine's clock
    assert entries[1].document == "a" * 64 and entries[1].address == "10.0.0.7"
    assert [e.what for e in eng.access.for_case(case_id, user="audrey")] == ["replay"]
    assert [e.case_id for e in eng.access.for_user("budi")] == [case_id, case_id]
    assert all(v.intact for v in eng.access.verify())


def test_edited_or_deleted_access_rows_are_detected(eng: Engine, clock: ManualClock) -> None:
    case_id = _register(eng, ANI, "Siti")
    for _ in range(4):
        eng.access.record(BUDI, case_id, AccessKind.API_CASE, address="10.0.0.7")
    eng.checkpoint()

    _sql(eng, "UPDATE access_log SET actor = 'someone' WHERE seq = 2")
    [verdict] = eng.access.verify(eng.auditor.latest_checkpoint())
    assert not verdict.intact and verdict.first_bad_entry == 2
    assert "altered" in verdict.problems[0]

    _sql(eng, "UPDATE access_log SET actor = 'budi' WHERE seq = 2")
    _sql(eng, "DELETE FROM access_log WHERE seq = 3")
    [verdict] = eng.access.verify(eng.auditor.latest_checkpoint())
    assert not verdict.intact and verdict.first_bad_entry == 3


def test_a_cut_tail_of_the_access_record_is_found_by_the_checkpoint(
    eng: Engine, clock: ManualClock
) -> None:
    case_id = _register(eng, ANI, "Siti")
    for _ in range(3):
        eng.access.record(BUDI, case_id, AccessKind.CASE_PAGE)
    signed = eng.checkpoint()
    assert signed["access"] == {
        clock.now().date().isoformat(): [3, eng.access.heads()[clock.now().date().isoformat()][1]]
    }
    _sql(eng, "DELETE FROM access_log WHERE seq = 3")
    [verdict] = eng.access.verify(eng.auditor.latest_checkpoint())
    assert not verdict.intact and "missing" in verdict.problems[0]


def test_each_day_has_its_own_chain(eng: Engine, clock: ManualClock) -> None:
    case_id = _register(eng, ANI, "Siti")
    eng.access.record(BUDI, case_id, AccessKind.CASE_PAGE)
    clock.advance(timedelta(days=1))
    eng.access.record(BUDI, case_id, AccessKind.CASE_PAGE)
    days = eng.access.verify()
    assert [(v.entries, v.intact) for v in days] == [(1, True), (1, True)]
    assert days[0].day < days[1].day


def test_a_read_that_cannot_be_recorded_is_refused(eng: Engine) -> None:
    case_id = _register(eng, ANI, "Siti")
    _sql(eng, "DROP TABLE access_log")
    with pytest.raises(AccessNotRecorded):
        eng.access.record(BUDI, case_id, AccessKind.CASE_PAGE)


def test_search_by_officer_and_period_is_what_the_journal_says(
    eng: Engine, clock: ManualClock
) -> None:
    before = [_register(eng, BUDI, "Awal")]
    clock.advance(timedelta(days=10))
    since = clock.now()
    in_period = [_register(eng, BUDI, f"Budi {i}") for i in range(3)]
    others = [_register(eng, ANI, f"Ani {i}") for i in range(2)]
    clock.advance(timedelta(days=10))
    until = clock.now()
    # budi touches an older case of ani's in the period's last moment, and one after it
    case = eng.get_case(others[0])
    eng.withdraw(others[0], "atas permintaan", BUDI)
    clock.advance(timedelta(days=1))
    eng.withdraw(others[1], "atas permintaan", BUDI)
    assert case.id == others[0]

    found = eng.search.search(CaseQuery(actor="budi", since=since, until=until + timedelta(0, 1)))
    expected = set()
    for case_id in before + in_period + others:
        for event in eng.history(case_id):
            if event.actor == "budi" and since <= event.recorded_at < until + timedelta(0, 1):
                expected.add(case_id)
    assert {hit.id for hit in found.cases} == expected == set(in_period) | {others[0]}
    assert not found.more

    withdrawn = eng.search.search(CaseQuery(kind=EventKind.CASE_WITHDRAWN, status="withdrawn"))
    assert {hit.id for hit in withdrawn.cases} == set(others)
    with pytest.raises(ValidationFailed) as refused:
        eng.search.search(CaseQuery(kind="case_exploded"))
    assert "kind" in refused.value.errors


def test_a_seeded_sample_is_the_same_twice_and_differs_for_another_seed(eng: Engine) -> None:
    ids = [eng.start("intake", {}, ANI).id for _ in range(30)]
    first = eng.search.search(CaseQuery(sample=8, seed=42))
    again = eng.search.search(CaseQuery(sample=8, seed=42))
    other = eng.search.search(CaseQuery(sample=8, seed=43))
    assert [h.id for h in first.cases] == [h.id for h in again.cases]
    assert [h.id for h in first.cases] != [h.id for h in other.cases]
    assert len(first.cases) == 8 and set(h.id for h in first.cases) <= set(ids)
    assert first.seed == 42 and first.matched == 30
    unseeded = eng.search.search(CaseQuery(sample=3))
    assert unseeded.seed is not None  # drawn, and printed so the sample can be drawn again
    assert [h.id for h in eng.search.search(CaseQuery(sample=3, seed=unseeded.seed)).cases] == [
        h.id for h in unseeded.cases
    ]


def test_subject_export_holds_both_cases_and_every_read(eng: Engine, clock: ManualClock) -> None:
    first = _register(eng, ANI, "Siti", nik=NIK)
    second = _register(eng, BUDI, "Siti", nik=NIK)
    _register(eng, ANI, "Orang lain", nik="3212015506950002")
    eng.access.record(BUDI, first, AccessKind.CASE_PAGE, address="10.0.0.7")
    eng.access.record(AUDITOR, second, AccessKind.EXPORT, address="10.0.0.9")

    document = eng.subjects.export(NIK, Actor("cli", "system"), clock.now())
    assert [c["id"] for c in document["cases"]] == [first, second]
    reads = {c["id"]: [(r["actor"], r["what"]) for r in c["reads"]] for c in document["cases"]}
    assert reads[first] == [("budi", "case_page"), ("cli", "subject_export")]
    assert reads[second] == [("audrey", "export"), ("cli", "subject_export")]
    processing = document["cases"][0]["processing"]
    assert [p["kind"] for p in processing] == ["case_started", "task_completed"]
    assert document["cases"][0]["data"]["full_name"] == "Siti"
    assert document["signature"] and json.dumps(document)


def test_concurrent_reads_keep_one_unbroken_chain(eng: Engine) -> None:
    import threading

    case_id = _register(eng, ANI, "Siti")
    errors: list[BaseException] = []

    def reader(name: str) -> None:
        try:
            for _ in range(10):
                eng.access.record(Actor(name, "officer", ("disnaker",)), case_id, "api_case")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(f"r{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    [day] = eng.access.verify()
    assert day.intact and day.entries == 40


def test_a_filtered_verification_job_reports_its_sample_and_seed(eng: Engine) -> None:
    from engine import verify_report

    ids = [_register(eng, ANI, f"Siti {i}") for i in range(6)]
    _sql(eng, "UPDATE journal_events SET actor = 'x' WHERE case_id = :c AND seq = 2", c=ids[2])
    job = eng.jobs.create(CaseQuery(sample=6, seed=5), "audrey")
    assert job.total == 6 and job.params["filters"] == {"sample": 6, "seed": 5}
    done = eng.jobs.run(job.id, "test-worker", batch=4)
    assert done.status == "done" and done.done == 6 and done.not_intact == 1
    report = eng.jobs.report(job.id)
    intact, _ = verify_report(report.encode())
    document = json.loads(report)
    assert intact and document["summary"]["not_intact"] == [ids[2]]
    assert document["scope"]["filters"]["seed"] == 5
    unseeded = eng.jobs.create(CaseQuery(sample=2), "audrey")
    assert isinstance(unseeded.params["filters"]["seed"], int)  # drawn, kept, printed


def test_search_pages_list_the_newest_activity_first(
    eng: Engine, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import engine.search

    monkeypatch.setattr(engine.search, "_CHUNK", 3)  # walk the index in several steps
    ids = []
    for i in range(5):
        ids.append(_register(eng, BUDI, f"Budi {i}"))
        clock.advance(timedelta(hours=1))
    eng.withdraw(ids[1], "atas permintaan", BUDI)  # now the newest activity of budi's
    order = [ids[1], ids[4], ids[3], ids[2], ids[0]]
    pages = [eng.search.search(CaseQuery(actor="budi", limit=2, offset=o)) for o in (0, 2, 4)]
    assert [[h.id for h in p.cases] for p in pages] == [order[:2], order[2:4], order[4:]]
    assert [p.more for p in pages] == [True, True, False]
    withdrawn = eng.search.search(CaseQuery(actor="budi", status="withdrawn"))
    assert [h.id for h in withdrawn.cases] == [ids[1]]
