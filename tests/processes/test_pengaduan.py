"""Scenarios of the complaint process `pengaduan` on the real files and an injected clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from engine import Actor, Engine, Forbidden, ManualClock

DESK = Actor("petugas_pengaduan", "officer", ("pengaduan",))
HEAD = Actor("kepala_kantor", "kepala")


def officer(desk: str) -> Actor:
    return Actor(f"petugas_{desk}", "officer", (desk,))


def ready(engine: Engine, case_id: int) -> dict[str, Any]:
    return {t.name: t for t in engine.get_case(case_id).ready_tasks}


def file_complaint(engine: Engine, **data: Any) -> int:
    case = engine.start("pengaduan", {}, DESK)
    intake = {"category": "calo_ilegal", "description": "Calo meminta uang Rp 5 juta", **data}
    engine.complete_task(ready(engine, case.id)["isi_pengaduan"].id, intake, DESK)
    return case.id


def triage(engine: Engine, case_id: int, category: str, **extra: Any) -> None:
    task = ready(engine, case_id)["triase"]
    engine.complete_task(task.id, {"category": category, **extra}, DESK)


def test_intake_is_received_and_waits_for_triage_at_the_complaints_desk(engine: Engine) -> None:
    case_id = file_complaint(engine, nik="3212015506950001", complainant_relation="keluarga")
    case = engine.get_case(case_id)
    assert case.data["complaint_status"] == "received"
    assert case.data["intake_date"] == "2026-03-02"
    assert [(t.name, t.desk) for t in case.ready_tasks] == [("triase", "pengaduan")]


@pytest.mark.parametrize(
    ("category", "desks"),
    [
        ("calo_ilegal", {"polri", "bp2mi"}),
        ("biaya_penempatan", {"bp2mi", "disnaker"}),
        ("pemalsuan_identitas", {"dukcapil", "polri"}),
        ("masalah_luar_negeri", {"bp2mi"}),
        ("layanan_ltsa", {"kepala"}),
    ],
)
def test_triage_refers_the_complaint_to_the_desks_of_its_category(
    engine: Engine, category: str, desks: set[str]
) -> None:
    case_id = file_complaint(engine, category="informasi")
    triage(engine, case_id, category)  # the desk re-categorises at triage
    case = engine.get_case(case_id)
    assert case.data["complaint_status"] == "in_progress"
    assert {t.desk for t in case.ready_tasks} == desks
    assert {t.name for t in case.ready_tasks} == {f"rujukan_{d}" for d in desks}


def test_referrals_then_resolution_resolve_the_complaint(engine: Engine) -> None:
    case_id = file_complaint(engine)
    triage(engine, case_id, "calo_ilegal", triage_note="Satgas")
    for desk in ("polri", "bp2mi"):
        task = ready(engine, case_id)[f"rujukan_{desk}"]
        done = {f"finding_{desk}": "Calo teridentifikasi", f"action_{desk}": "Diproses"}
        engine.complete_task(task.id, done, officer(desk))
    assert set(ready(engine, case_id)) == {"penyelesaian"}
    task = ready(engine, case_id)["penyelesaian"]
    resolution = {"substantiated": "terbukti", "resolution": "Calo ditangkap; uang dikembalikan"}
    case = engine.complete_task(task.id, resolution, DESK)
    assert case.status == "completed"
    assert case.data["complaint_status"] == "resolved"
    assert case.data["resolution"] == "Calo ditangkap; uang dikembalikan"


def test_a_request_for_information_is_answered_at_the_desk_and_closed(engine: Engine) -> None:
    case_id = file_complaint(engine, category="informasi", description="Berapa biaya?")
    triage(engine, case_id, "informasi", information_answer="Pekerja tidak dibebani biaya")
    case = engine.get_case(case_id)
    assert case.status == "completed"
    assert case.data["complaint_status"] == "closed_info"
    assert case.data["resolution"] == "Pekerja tidak dibebani biaya"


def test_reminder_at_7_days_and_escalation_at_14_never_close_the_complaint(
    engine: Engine, clock: ManualClock
) -> None:
    case_id = file_complaint(engine)
    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    assert engine.fire_due_timers() == 0
    clock.advance(timedelta(seconds=1))
    assert engine.fire_due_timers() == 1
    reminder = ready(engine, case_id)["pengingat_7_hari"]
    assert reminder.desk == "pengaduan" and "triase" in ready(engine, case_id)
    engine.complete_task(reminder.id, {"reminder_note": "Segera ditriase"}, DESK)

    clock.advance(timedelta(days=7))
    assert engine.fire_due_timers() == 1
    escalation = ready(engine, case_id)["eskalasi_kepala"]
    assert escalation.desk == "kepala"
    with pytest.raises(Forbidden):
        engine.complete_task(escalation.id, {"head_instruction": "x"}, DESK)
    engine.complete_task(escalation.id, {"head_instruction": "Selesaikan minggu ini"}, HEAD)

    clock.advance(timedelta(days=60))
    assert engine.fire_due_timers() == 0
    case = engine.get_case(case_id)
    assert case.status == "active" and case.data["complaint_status"] == "received"
    assert [t.name for t in case.ready_tasks] == ["triase"]


def test_the_head_of_office_works_only_the_kepala_lane(engine: Engine) -> None:
    case_id = file_complaint(engine)
    with pytest.raises(Forbidden):
        engine.complete_task(ready(engine, case_id)["triase"].id, {"category": "informasi"}, HEAD)
    triage(engine, case_id, "layanan_ltsa")
    task = ready(engine, case_id)["rujukan_kepala"]
    with pytest.raises(Forbidden):
        engine.complete_task(task.id, {"finding_kepala": "a", "action_kepala": "b"}, DESK)
    engine.complete_task(
        task.id, {"finding_kepala": "Petugas ditegur", "action_kepala": "SOP"}, HEAD
    )
    assert set(ready(engine, case_id)) == {"penyelesaian"}


def test_resolution_ends_pending_reminders_and_later_timers(
    engine: Engine, clock: ManualClock
) -> None:
    case_id = file_complaint(engine)
    clock.advance(timedelta(days=8))
    assert engine.fire_due_timers() == 1
    triage(engine, case_id, "masalah_luar_negeri")
    task = ready(engine, case_id)["rujukan_bp2mi"]
    done = {"finding_bp2mi": "Gaji belum dibayar", "action_bp2mi": "Dimediasi KBRI"}
    engine.complete_task(task.id, done, officer("bp2mi"))
    task = ready(engine, case_id)["penyelesaian"]
    resolution = {"substantiated": "sebagian", "resolution": "Gaji dibayar sebagian"}
    case = engine.complete_task(task.id, resolution, DESK)
    assert case.status == "completed" and case.ready_tasks == ()
    clock.advance(timedelta(days=30))
    assert engine.fire_due_timers() == 0
    assert engine.verify(case_id).intact


def test_a_worker_that_was_down_for_15_days_fires_reminder_and_escalation_and_replays(
    engine: Engine, clock: ManualClock
) -> None:
    case_id = file_complaint(engine)
    clock.advance(timedelta(days=15))
    while engine.fire_due_timers():
        pass
    assert {"triase", "pengingat_7_hari", "eskalasi_kepala"} == set(ready(engine, case_id))
    assert engine.verify(case_id).intact


def test_the_7_day_reminder_goes_to_the_referral_desk_still_holding_the_complaint(
    engine: Engine, clock: ManualClock
) -> None:
    case_id = file_complaint(engine)
    triage(engine, case_id, "calo_ilegal")
    task = ready(engine, case_id)["rujukan_bp2mi"]
    engine.complete_task(task.id, {"finding_bp2mi": "a", "action_bp2mi": "b"}, officer("bp2mi"))
    clock.advance(timedelta(days=7))
    assert engine.fire_due_timers() == 1
    case = engine.get_case(case_id)
    assert {(t.name, t.desk) for t in case.ready_tasks} == {
        ("rujukan_polri", "polri"),
        ("pengingat_polri", "polri"),
    }
    assert case.data["complaint_status"] == "in_progress"  # the reminder brings no stale data
    reminder = ready(engine, case_id)["pengingat_polri"]
    with pytest.raises(Forbidden):
        engine.complete_task(reminder.id, {"reminder_note_polri": "x"}, DESK)
    engine.complete_task(reminder.id, {"reminder_note_polri": "Ditunjuk"}, officer("polri"))
    assert set(ready(engine, case_id)) == {"rujukan_polri"}


def test_60_days_after_triage_the_head_is_told_and_the_complaint_stays_open(
    engine: Engine, clock: ManualClock
) -> None:
    case_id = file_complaint(engine, category="layanan_ltsa")
    clock.advance(timedelta(days=2))
    triage(engine, case_id, "layanan_ltsa")
    assert engine.get_case(case_id).data["settle_by"] == "2026-05-03"
    clock.advance(timedelta(days=60) - timedelta(seconds=1))
    while engine.fire_due_timers():
        pass
    assert "lewat_60_hari" not in ready(engine, case_id)
    clock.advance(timedelta(seconds=1))
    assert engine.fire_due_timers() == 1
    notice = ready(engine, case_id)["lewat_60_hari"]
    assert notice.desk == "kepala"
    engine.complete_task(notice.id, {"overdue_instruction": "Selesaikan pekan ini"}, HEAD)
    case = engine.get_case(case_id)
    assert case.status == "active" and case.data["complaint_status"] == "in_progress"
    assert set(ready(engine, case_id)) == {"rujukan_kepala", "pengingat_kepala", "eskalasi_kepala"}
    assert engine.verify(case_id).intact
