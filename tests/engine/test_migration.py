"""Running LTSA cases move to a new version: impact preview, proven migration, mapping.

The versions are real edits of processes/ (tests/engine/migration_versions.py),
deployed and run by SpiffWorkflow, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
from pathlib import Path

import migration_versions as versions
import pytest
from ltsa_driver import Driver, birth_date_for_age, registration
from sqlalchemy import select, update

from engine import (
    Actor,
    EventKind,
    Forbidden,
    NotFound,
    ValidationFailed,
    verify_export,
)
from engine.journal import JournalEvent, event_hash
from engine.store.models import CaseRow, EventRow, TimerRow

KEY = "ltsa_placement"
DESIGNER = Actor("desainer", "designer")


def to_savings(drv: Driver, **overrides):
    """A case waiting at tabungan_kur (the job order verified)."""
    return drv.verify_job_order(to_job_order(drv, **overrides))


def to_job_order(drv: Driver, **overrides):
    """A case waiting for the job order's verification (SLA timer running)."""
    reg = registration(**overrides)
    case = drv.register(**overrides)
    case = drv.documents(case, **drv.docs_for(reg["marital_status"], reg["parents_alive"]))
    case = drv.print_ak1(case)
    case = drv.parallel(case)
    return drv.p3mi(case)


def deploy_v2(drv: Driver, tmp_path: Path, *edits) -> int:
    folder = versions.copy_processes(tmp_path / "v2")
    for edit in edits:
        edit(folder)
    deployed = {d.key: d for d in drv.engine.deploy([folder], actor="designer")}
    assert deployed[KEY].status == "new"
    return deployed[KEY].version


def kinds(drv: Driver, case_id: int) -> list[str]:
    return [str(e.kind) for e in drv.engine.history(case_id)]


def test_raised_minimum_age_diverges_past_the_decision_the_others_finish_on_v2(
    ltsa: Driver, tmp_path: Path
) -> None:
    eng = ltsa.engine
    nineteen = ltsa.register(birth_date=birth_date_for_age(19))
    adult = ltsa.register()
    not_registered = ltsa.start()
    far = to_savings(ltsa)
    task = far.ready_tasks[0]
    eng.claim(task.id, ltsa.officer("bank"))
    v2 = deploy_v2(
        ltsa,
        tmp_path,
        lambda f: versions.minimum_age(f, 21),
        versions.step_before_departure,
    )

    preview = {i.case_id: i for i in eng.preview_migration(KEY, v2, DESIGNER)}

    assert {i: p.outcome for i, p in preview.items()} == {
        nineteen.id: "diverges",
        adult.id: "same",
        not_registered.id: "same",
        far.id: "same",
    }
    assert preview[nineteen.id].seq == 2  # the registration that ran the eligibility DMN
    assert "rejected instead of active" in (preview[nineteen.id].reason or "")
    assert all(eng.get_case(c).version == 1 for c in preview)  # a preview moves nothing

    moved = {i.case_id: i for i in eng.migrate(KEY, v2, DESIGNER)}

    assert moved[nineteen.id].outcome == "diverges"
    assert {c for c, i in moved.items() if i.outcome == "migrated"} == {
        adult.id,
        not_registered.id,
        far.id,
    }
    assert eng.get_case(nineteen.id).version == 1
    assert "case_migrated" not in kinds(ltsa, nineteen.id)
    migrated_far = eng.get_case(far.id)
    assert migrated_far.version == v2
    # the ready task kept its id, its claim and its reference
    assert [(t.id, t.assignee, t.ref) for t in migrated_far.ready_tasks] == [
        (task.id, "petugas_bank", task.ref)
    ]
    event = eng.history(far.id)[-1]
    assert event.kind is EventKind.CASE_MIGRATED and event.actor == "desainer"
    assert event.payload["from_version"] == 1 and event.payload["to_version"] == v2
    assert event.payload["proof"] == event.state_digest == eng.history(far.id)[-2].state_digest
    assert event.payload["mapping"] is None

    # the migrated case runs on v2, through the step v2 adds before departure
    eng.unclaim(task.id, ltsa.officer("bank"))
    case = ltsa.contract(far)
    case = ltsa.final_verification(case)
    case = ltsa.complete(case, "penerbitan_skpln", {"skpln_number": "SKPLN-77"}, "dukcapil")
    case = ltsa.complete(case, "serah_terima", {"handover_date": "2026-04-03"}, "disnaker")
    assert ltsa.ready(case) == ["cek_pra_berangkat"]
    case = ltsa.complete(case, "cek_pra_berangkat", {"ready_to_depart": True}, "bp2mi")
    case = ltsa.complete(
        case, "pemberangkatan", {"epmi_card_number": "E-1", "departure_date": "2026-04-05"}
    )
    assert case.status == "completed"
    # the young applicant's case goes on, on v1, as it started
    young = ltsa.documents(nineteen, **ltsa.docs_for("belum_kawin"))
    assert ltsa.ready(young) == ["cetak_ak1"]
    for case_id in (nineteen.id, adult.id, not_registered.id, far.id):
        verdict = eng.verify(case_id)
        assert verdict.intact, verdict
    exported = eng.export_case(far.id)
    assert sorted(exported["versions"]) == ["1", str(v2)]
    assert verify_export(exported, eng.public_key()).intact
    # the auditor's step-through shows the switch
    seq = len(eng.history(far.id)) - 0
    migration_seq = next(e.seq for e in eng.history(far.id) if e.kind is EventKind.CASE_MIGRATED)
    assert eng.replay(far.id, to=migration_seq - 1).version == 1
    assert eng.replay(far.id, to=migration_seq).version == v2
    assert eng.replay(far.id, to=seq).status == "completed"


def test_removed_task_cannot_move_until_mapped_then_completes_and_the_journal_shows_the_mapping(
    ltsa: Driver, tmp_path: Path
) -> None:
    eng = ltsa.engine
    waiting = to_job_order(ltsa)  # the SLA timer (P14D) runs from the p3mi step
    at_savings = to_savings(ltsa)
    started_at = eng.history(waiting.id)[-1].recorded_at

    def shorter_sla(folder: Path) -> None:
        path = folder / versions.BPMN
        path.write_text(path.read_text().replace('"P14D"', '"P10D"'))

    v2 = deploy_v2(ltsa, tmp_path, versions.without_savings_step, shorter_sla)

    preview = {i.case_id: i for i in eng.preview_migration(KEY, v2, DESIGNER)}
    assert preview[at_savings.id].outcome == "cannot"
    assert "tabungan_kur" in (preview[at_savings.id].reason or "")
    assert preview[waiting.id].outcome == "same"

    unmapped = {i.case_id: i.outcome for i in eng.migrate(KEY, v2, DESIGNER)}
    assert unmapped == {waiting.id: "migrated", at_savings.id: "cannot"}
    assert eng.get_case(at_savings.id).version == 1

    # the SLA keeps its start; its due time is re-derived from v2 and recorded
    event = eng.history(waiting.id)[-1]
    due = started_at.replace(day=started_at.day + 10).isoformat()
    assert event.payload["timers"] == {"ltsa_placement/sla_verifikasi#1": due}
    with eng.db.session() as session:
        timer = session.scalars(select(TimerRow).where(TimerRow.case_id == waiting.id)).one()
    assert (timer.state, timer.due_at.isoformat()) == ("waiting", due)

    mapped = list(eng.migrate(KEY, v2, DESIGNER, mapping={"tabungan_kur": "perjanjian_kerja"}))
    assert [(i.case_id, i.outcome, i.mapping) for i in mapped] == [
        (at_savings.id, "migrated", {"tabungan_kur": "perjanjian_kerja"})
    ]
    event = eng.history(at_savings.id)[-1]
    assert event.kind is EventKind.CASE_MIGRATED
    assert event.payload["mapping"] == {"tabungan_kur": "perjanjian_kerja"}
    assert event.payload["proof"] is None and event.payload["diverged_at"] == 14
    assert ltsa.ready(at_savings) == ["perjanjian_kerja"]
    case = ltsa.complete(at_savings, "perjanjian_kerja", {"work_contract_signed": True}, "p3mi")
    case = ltsa.complete(case, "proses_visa", {"visa_number": "V-TW-991"}, "p3mi")
    case = ltsa.complete(case, "opp", {"opp_date": "2026-04-01", "pap_completed": True}, "bp2mi")
    case = ltsa.departure(ltsa.final_verification(case))
    assert case.status == "completed"
    assert eng.verify(at_savings.id).intact
    assert verify_export(eng.export_case(at_savings.id)).intact
    # the SLA case goes on as well: the message ends its wait
    assert ltsa.ready(ltsa.verify_job_order(waiting)) == ["perjanjian_kerja"]
    assert eng.verify(waiting.id).intact


def test_bad_requests_are_refused_whole_and_nothing_moves(ltsa: Driver, tmp_path: Path) -> None:
    eng = ltsa.engine
    at_savings = to_savings(ltsa)
    adult = ltsa.register()
    v2 = deploy_v2(ltsa, tmp_path, versions.without_savings_step)
    other = eng.start("pre_departure_requirements", {}, ltsa.officer("disnaker"))
    before = {c: len(eng.history(c)) for c in (at_savings.id, adult.id)}

    def refused(error, **kwargs):
        with pytest.raises(error) as caught:
            eng.migrate(kwargs.pop("key", KEY), kwargs.pop("to", v2), DESIGNER, **kwargs)
        return caught.value

    assert "has no version 7 (it has 1, 2)" in str(refused(ValidationFailed, to=7).errors["to"])
    assert refused(NotFound, key="no_such_process")
    assert "runs pre_departure_requirements" in str(
        refused(ValidationFailed, cases=[other.id]).errors["cases"]
    )
    assert "no element nope" in str(
        refused(ValidationFailed, mapping={"tabungan_kur": "nope"}).errors["map"]
    )
    assert "same kind" in str(
        refused(ValidationFailed, mapping={"tabungan_kur": "catch_job_order"}).errors["map"]
    )
    assert "no element of that id" in str(
        refused(ValidationFailed, mapping={"ghost": "perjanjian_kerja"}).errors["map"]
    )
    assert "already" in str(refused(ValidationFailed, from_version=v2).errors["from"])
    with pytest.raises(Forbidden):
        eng.migrate(KEY, v2, ltsa.officer("disnaker"))
    with pytest.raises(Forbidden):
        eng.preview_migration(KEY, v2, Actor("auditor", "auditor"))
    assert {c: len(eng.history(c)) for c in before} == before
    assert {eng.get_case(c).version for c in before} == {1}


def test_a_case_changed_after_the_preview_is_judged_again_and_never_moves_twice(
    ltsa: Driver, tmp_path: Path
) -> None:
    eng = ltsa.engine
    case = ltsa.start()  # not registered yet: the raised age cannot have mattered
    adult = ltsa.register()
    v2 = deploy_v2(ltsa, tmp_path, lambda f: versions.minimum_age(f, 21))
    [seen, _] = eng.preview_migration(KEY, v2, DESIGNER)
    assert (seen.outcome, seen.revision) == ("same", 1)
    ltsa.complete(case, "registrasi", registration(birth_date=birth_date_for_age(19)))

    [outcome] = eng.migrate(KEY, v2, DESIGNER, cases=[case.id], previewed={case.id: 1})

    assert (outcome.outcome, outcome.rechecked, outcome.seq) == ("diverges", True, 2)
    assert eng.get_case(case.id).version == 1
    assert [i.outcome for i in eng.migrate(KEY, v2, DESIGNER, cases=[adult.id])] == ["migrated"]
    # run again: the adult's case is on v2 and is not taken again; the other is judged again
    assert [(i.case_id, i.outcome) for i in eng.migrate(KEY, v2, DESIGNER)] == [
        (case.id, "diverges")
    ]
    assert list(eng.migrate(KEY, v2, DESIGNER, cases=[adult.id])) == []
    assert kinds(ltsa, adult.id).count("case_migrated") == 1
    assert kinds(ltsa, case.id).count("case_migrated") == 0


def _rechain(eng, case_id: int, seq: int, **payload_changes) -> None:
    """Edit a migration event's payload and recompute the chain, as a careful forger would."""
    with eng.db.session() as session, session.begin():
        rows = session.scalars(
            select(EventRow).where(EventRow.case_id == case_id).order_by(EventRow.seq)
        ).all()
        previous = rows[seq - 2].hash
        for row in rows[seq - 1 :]:
            if row.seq == seq:
                row.payload = {**row.payload, **payload_changes}
            event = JournalEvent(
                row.case_id, row.seq, EventKind(row.kind), row.recorded_at, row.actor, row.desk,
                row.task_ref, row.payload, row.state_digest, previous, "", row.format_version,
            )  # fmt: skip
            row.prev_hash, row.hash = previous, event_hash(previous, event.content())
            previous = row.hash
        session.execute(update(CaseRow).where(CaseRow.id == case_id).values(head_hash=previous))


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"proof": "0" * 64}, "the migration's proof does not hold"),
        ({"from_version": 2}, "says it came from version 2"),
        ({"to_version": 1}, "is not the one the migration names"),
    ],
)
def test_a_forged_migration_event_is_named_by_verify(
    ltsa: Driver, tmp_path: Path, change: dict, named: str
) -> None:
    eng = ltsa.engine
    case = ltsa.register()
    v2 = deploy_v2(ltsa, tmp_path, lambda f: versions.minimum_age(f, 21))
    list(eng.migrate(KEY, v2, DESIGNER))
    seq = len(eng.history(case.id))
    with eng.db.session() as session, session.begin():
        row = session.scalars(
            select(EventRow).where(EventRow.case_id == case.id, EventRow.seq == seq)
        ).one()
        row.payload = {**row.payload, **change}
    plain = eng.verify(case.id)
    assert (plain.intact, plain.first_bad_event) == (False, seq)
    assert "altered" in plain.problems[0]

    _rechain(eng, case.id, seq)  # the chain made whole again: only the replay can tell
    forged = eng.verify(case.id)

    assert (forged.intact, forged.first_bad_event) == (False, seq)
    assert named in forged.problems[0]


def test_a_migration_racing_a_desk_input_serialises_and_the_journal_stays_provable(
    ltsa: Driver, tmp_path: Path
) -> None:
    eng = ltsa.engine
    cases = [ltsa.register() for _ in range(4)]
    v2 = deploy_v2(ltsa, tmp_path, lambda f: versions.minimum_age(f, 21))
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def desk() -> None:
        start.wait()
        for case in cases:
            try:
                ltsa.documents(case, **ltsa.docs_for("belum_kawin"))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    def designer() -> None:
        start.wait()
        try:
            list(eng.migrate(KEY, v2, DESIGNER))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=desk), threading.Thread(target=designer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    list(eng.migrate(KEY, v2, DESIGNER))  # any case the racing batch found busy
    for case in cases:
        history = kinds(ltsa, case.id)
        assert history.count("case_migrated") == 1 and history.count("task_completed") == 2
        assert eng.get_case(case.id).version == v2
        assert ltsa.ready(case) == ["cetak_ak1"]
        assert eng.verify(case.id).intact
