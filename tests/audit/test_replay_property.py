"""Random walks through the LTSA processes: whatever happened, the journal replays it exactly.

Each example starts one case of the deployed `processes/` and lets hypothesis
choose what happens to it: which ready task a desk completes (with valid,
varied form data), clock jumps with the due timers fired, the embassy's
`job_order_verified` message, data corrections and withdrawal. Engines with
different snapshot intervals share the database and take turns, so inputs
land on warm caches, stale caches and restored snapshots alike.

The first option of every choice is the plain path, so hypothesis' simplest
example, and any failure it shrinks, reads as a happy path with few detours.

Afterwards a fresh engine must verify the case, rebuild it to the recorded
digest, step through every event to exactly what the live engine showed, and
export a signed file that verifies without the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ltsa_driver import PROCESSES, START, Driver, nik_for, pdf, registration

from engine import CaseView, Conflict, Engine, ManualClock, verify_export

Draw = Callable[[st.SearchStrategy[Any]], Any]
FormBuilder = Callable[[Draw, date, CaseView], dict[str, Any]]

MAX_STEPS = 60
SNAPSHOT_INTERVALS = (10, 1, 4)  # the default, after every event, and one in between
JAKARTA = ZoneInfo("Asia/Jakarta")
DISNAKER = Driver.officer("disnaker")
EMBASSY_DESK = Driver.officer("p3mi")

# Destination and sector pairs the eligibility rules accept for ages 23 to 49.
PLACEMENTS = (
    ("TW", "formal"),
    ("HK", "domestic"),
    ("KR", "formal"),
    ("MY", "domestic"),
    ("SG", "domestic"),
    ("SG", "formal"),
    ("SA", "formal"),
)
AGES = (30, 23, 45, 49)
# Registrations refused at the start, one per rule: (age, destination, sector, NIK matches).
REFUSED = (
    (17, "TW", "formal", True),  # R1
    (22, "SG", "domestic", True),  # R2
    (50, "SG", "domestic", True),  # R2
    (30, "SA", "domestic", True),  # R3
    (30, "TW", "formal", False),  # R14
)
JUMPS = (
    timedelta(hours=2),
    timedelta(days=1),
    timedelta(days=5),
    timedelta(days=15),  # past the 14-day SLA of the embassy's verification
    timedelta(days=100),  # past the health certificate's validity
)

# Free-form JSON an officer may put into a correction or an embassy message.
# Dicts with a "typename" key are left out: test_snapshot_keeps_data_with_a_typename_key.
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)  # the engine refuses wider ones
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JSON_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8).filter(lambda k: k != "typename"), inner, max_size=3)
    ),
    max_leaves=6,
)


# --- valid form data for each user task, with the variations the rules care about -----------


def _registration(draw: Draw, today: date, case: CaseView) -> dict[str, Any]:
    if draw(st.integers(0, 7)) == 7:
        age, destination, sector, nik_matches = draw(st.sampled_from(REFUSED))
    else:
        age, nik_matches = draw(st.sampled_from(AGES)), True
        destination, sector = draw(st.sampled_from(PLACEMENTS))
    sex = draw(st.sampled_from(("P", "L")))
    data = registration(
        marital_status=draw(st.sampled_from(("belum_kawin", "kawin", "cerai_hidup", "cerai_mati"))),
        parents_alive=draw(st.sampled_from(("both", "one", "none"))),
        destination_country=destination,
        sector=sector,
        sex=sex,
        birth_date=_birth_date(today, age, draw(st.integers(0, 360))),
    )
    if not nik_matches:
        data["nik"] = nik_for(_birth_date(today, 40, 3), sex)
    return data


def _birth_date(today: date, age: int, extra_days: int) -> str:
    return (
        date(today.year - age, today.month, min(today.day, 28)) - timedelta(extra_days)
    ).isoformat()


def _documents(draw: Draw, today: date, case: CaseView) -> dict[str, Any]:
    docs = Driver.docs_for(case.data["marital_status"], case.data["parents_alive"])
    docs["consent_acknowledged_by"] = draw(st.sampled_from(("kepala_desa", "lurah", "camat")))
    if draw(st.integers(0, 3)) == 3:  # one letter forgotten: sent back (R7)
        letters = sorted(k for k in docs if k != "consent_acknowledged_by")
        docs.pop(draw(st.sampled_from(letters)))
    return docs


def _identity_correction(draw: Draw, today: date, case: CaseView) -> dict[str, Any]:
    sex = draw(st.sampled_from(("P", "L")))
    age = draw(st.sampled_from((*AGES, 17)))  # a corrected birth date may reveal a minor (R1)
    born = _birth_date(today, age, draw(st.integers(0, 360)))
    return {
        "nik": nik_for(born, sex, serial=f"{draw(st.integers(1, 9999)):04d}"),
        "full_name": draw(st.sampled_from(("Siti Aminah Binti Karta", "Dewi Lestari", "Budi"))),
        "birth_place": "Indramayu",
        "birth_date": born,
        "sex": sex,
        "correction_note": "Sesuai akta kelahiran",
    }


def _health(draw: Draw, today: date, case: CaseView) -> dict[str, Any]:
    result = draw(st.sampled_from(("fit", "fit", "fit", "unfit")))  # unfit twice: rejected (R8)
    data: dict[str, Any] = {
        "health_result": result,
        "health_exam_date": today.isoformat(),
        "health_facility": "Sarkes Indramayu",
    }
    if result == "fit":
        data["health_certificate"] = pdf("sehat.pdf")
    return data


def _passport(draw: Draw, today: date, case: CaseView) -> dict[str, Any]:
    years = draw(st.sampled_from((5, 10, 1)))  # one year is too short at final check (R11)
    return {
        "passport_number": f"C{draw(st.integers(1_000_000, 9_999_999))}",
        "passport_expiry": (today + timedelta(days=365 * years)).isoformat(),
    }


def _skck(draw: Draw, today: date, case: CaseView) -> dict[str, Any]:
    age = draw(st.sampled_from((0, 10, 240)))  # 240 days old is too old (R10)
    return {"skck_number": "SKCK/123/2026", "skck_issued": (today - timedelta(age)).isoformat()}


def _ak1(draw: Draw, today: date, case: CaseView) -> dict[str, Any]:
    age = draw(st.sampled_from((0, 30, 800)))  # 800 days old has expired (R12)
    return {"ak1_number": "AK1-3212-0001", "ak1_issued": (today - timedelta(age)).isoformat()}


def _competence(draw: Draw, today: date, case: CaseView) -> dict[str, Any]:
    passed = draw(st.sampled_from((True, False)))
    data: dict[str, Any] = {"competence_passed": passed, "competence_test_date": today.isoformat()}
    if passed:
        data["competence_certificate"] = pdf("kompetensi.pdf")
    return data


def _fixed(**data: Any) -> FormBuilder:
    return lambda draw, today, case: dict(data)


def _dated(key: str, **data: Any) -> FormBuilder:
    return lambda draw, today, case: {**data, key: today.isoformat()}


FORMS: dict[str, FormBuilder] = {
    "registrasi": _registration,
    "periksa_dokumen": _documents,
    "lengkapi_dokumen": _documents,
    "cetak_ak1": _ak1,
    "perpanjang_ak1": _ak1,
    "verifikasi_ektp": lambda draw, today, case: {
        "ektp_result": draw(st.sampled_from(("sesuai", "sesuai", "perlu_koreksi")))
    },
    "verifikasi_ektp_ulang": lambda draw, today, case: {
        "ektp_result": draw(st.sampled_from(("sesuai", "sesuai", "perlu_koreksi")))
    },
    "koreksi_identitas": _identity_correction,
    "pemeriksaan_kesehatan": _health,
    "pemeriksaan_kesehatan_ulang": _health,
    "penerbitan_paspor": _passport,
    "penggantian_paspor": _passport,
    "penerbitan_skck": _skck,
    "skck_baru": _skck,
    "kepesertaan_bpjs": _fixed(bpjs_number="BPJS-0001"),
    "pembayaran_bpjs": _fixed(bpjs_paid=True, payment_reference="TRX-1"),
    "wawancara_pp": _dated(
        "interview_date", p3mi_id="PT Maju Jaya", placement_agreement_signed=True
    ),
    "uji_kompetensi": _competence,
    "pelatihan": _fixed(training_institution="BLKLN Cirebon", training_completed=True),
    "pencocokan_job_order": lambda draw, today, case: {
        "job_order_id": "JO-2026-17",
        "employer_name": draw(st.sampled_from(("ACME Taipei", "Lee Family", ""))),
    },
    "pengingat_sla": lambda draw, today, case: {
        "sla_follow_up": "Surat ke KBRI",
        "sla_escalated": draw(st.booleans()),
    },
    "tabungan_kur": lambda draw, today, case: {
        "placement_financing": draw(
            st.sampled_from(("tabungan", "kur", "ditanggung_pemberi_kerja"))
        )
    },
    "perjanjian_kerja": _fixed(work_contract_signed=True),
    "proses_visa": _fixed(visa_number="V-991"),
    "opp": _dated("opp_date", pap_completed=True),
    "verifikasi_akhir": _fixed(documents_checked=True),
    "penerbitan_skpln": _fixed(skpln_number="SKPLN-77"),
    "serah_terima": _dated("handover_date"),
    "pemberangkatan": _dated("departure_date", epmi_card_number="EPMI-1"),
}

CORRECTIONS = st.one_of(
    st.tuples(st.just("phone"), st.from_regex(r"08[0-9]{8,11}", fullmatch=True)),
    st.tuples(st.sampled_from(("address_village", "full_name")), st.text(min_size=1, max_size=30)),
    st.tuples(st.just("officer_note"), JSON_VALUES),
    st.tuples(
        st.sampled_from(("passport_expiry", "skck_issued")),
        st.dates(date(2025, 1, 1), date(2032, 12, 31)).map(date.isoformat),
    ),
)


# --- one walk ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """What the live engine showed right after one event."""

    status: str
    data: dict[str, Any]
    ready: tuple[str, ...]


@dataclass
class Walk:
    """One case driven by hypothesis' choices through engines sharing a database."""

    engines: list[Engine]
    clock: ManualClock
    draw: Draw
    seen: dict[int, Seen] = field(default_factory=dict)
    current: int = 0

    def engine(self) -> Engine:
        """The engine taking this input: now and then another one, whose cache is stale."""
        if self.draw(st.integers(0, 3)) == 0:
            self.current = self.draw(st.integers(0, len(self.engines) - 1))
        return self.engines[self.current]

    def note(self, case: CaseView) -> CaseView:
        self.seen[case.revision] = Seen(
            case.status, case.data, tuple(sorted(t.ref for t in case.ready_tasks))
        )
        return case

    def run(self) -> CaseView:
        # The walk runs its course, or the applicant withdraws at some step
        # (R16), or the auditor looks at the case while it is still running.
        ending = self.draw(st.sampled_from(("run on", "withdraw", "look while running")))
        last = MAX_STEPS if ending == "run on" else self.draw(st.integers(1, MAX_STEPS))
        case = self.note(self.engine().start("ltsa_placement", {}, DISNAKER))
        for number in range(1, last + 1):
            if case.status != "active":
                break
            case = self.step(case, "withdraw" if ending == "withdraw" and number == last else None)
        return case

    def step(self, case: CaseView, action: str | None = None) -> CaseView:
        if action is None:  # mostly desk work; with no task ready, most likely the embassy
            choices = ["task"] * 12 if case.ready_tasks else []
            action = self.draw(st.sampled_from(choices + ["message", "clock", "clock", "correct"]))
        eng = self.engine()
        before = case.revision
        if action == "clock":
            self.clock.advance(
                self.draw(st.sampled_from(JUMPS))
                + timedelta(microseconds=self.draw(st.integers(0, 3_600_000_000)))
            )
            eng.fire_due_timers()
            after = eng.get_case(case.id)
            assert after.revision >= before
            return self.note(after)
        try:
            after = self.act(eng, case, action)
        except Conflict:  # a message the case does not wait for: refused, nothing recorded
            assert action == "message"
            after = eng.get_case(case.id)
            assert after.revision == before
            return after
        assert after.revision == before + 1, action
        return self.note(after)

    def act(self, eng: Engine, case: CaseView, action: str) -> CaseView:
        if action == "task":
            task = self.draw(st.sampled_from(case.ready_tasks))
            today = self.clock.now().astimezone(JAKARTA).date()
            data = FORMS[task.name](self.draw, today, case)
            return eng.complete_task(task.id, data, Driver.officer(str(task.desk)))
        if action == "message":
            payload: dict[str, Any] = {"job_order_verified": True}
            if self.draw(st.booleans()):
                payload["embassy_note"] = self.draw(JSON_VALUES)
            return eng.send_message(case.id, "job_order_verified", payload, EMBASSY_DESK)
        if action == "correct":
            name, value = self.draw(CORRECTIONS)
            return eng.correct(case.id, name, value, "Koreksi atas permintaan pemohon", DISNAKER)
        assert action == "withdraw"
        return eng.withdraw(case.id, "Pemohon mengundurkan diri", DISNAKER)


# --- what an auditor must find afterwards -------------------------------------------------------


def assert_history_replays(
    eng: Engine, case_id: int, seen: dict[int, Seen], steps: set[int]
) -> None:
    """Verify, rebuild, step through events and verify the export: all must agree.

    `verify` replays every event against its recorded digest; stepping through
    (`replay(to=k)`, a replay from the start each time) is compared with what
    the live engine showed for the first, the last and the events in `steps`.
    """
    events = eng.history(case_id)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(a.recorded_at <= b.recorded_at for a, b in zip(events, events[1:], strict=False))

    verdict = eng.verify(case_id)
    assert verdict.intact, verdict.problems
    assert verdict.events == len(events)
    assert eng.workflow_state(case_id).digest() == events[-1].state_digest

    for k in sorted({1, len(events)} | {k for k in steps if k <= len(events)}):
        step = eng.replay(case_id, to=k)
        assert step.event is not None and step.event["hash"] == events[k - 1].hash
        if k not in seen:  # a timer fired between two looks at the case
            continue
        assert (step.status, step.data) == (seen[k].status, seen[k].data), f"event {k}"
        assert tuple(sorted(step.ready_tasks)) == seen[k].ready, f"event {k}"
        if k - 1 in seen:
            before, after = seen[k - 1].data, seen[k].data
            assert set(step.changed) == {
                key
                for key in before.keys() | after.keys()
                if key not in before or key not in after or before[key] != after[key]
            }, f"event {k}"

    exported = json.loads(json.dumps(eng.export_case(case_id)))  # as another machine reads it
    verdict = verify_export(exported, expected_key=eng.public_key())
    assert verdict.intact, verdict.problems
    assert verdict.events == len(events)
    assert exported["case"]["status"] == eng.get_case(case_id).status


def check_random_walks(
    make_engine: Callable[..., Engine], url: str, clock: ManualClock, max_examples: int
) -> None:
    first = make_engine(url)
    first.deploy([PROCESSES], actor="designer")
    engines = [first] + [make_engine(url, snapshot_every=n) for n in SNAPSHOT_INTERVALS[1:]]

    @settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def walk_then_audit(data: st.DataObject) -> None:
        clock.set(START)  # every example is the same story, whatever ran before it
        walk = Walk(engines, clock, data.draw)
        case = walk.run()
        fresh = make_engine(url)  # no cache: everything comes from the database
        try:
            steps = data.draw(st.sets(st.integers(1, case.revision), max_size=6))
            assert_history_replays(fresh, case.id, walk.seen, steps)
        finally:
            fresh.close()
        if case.status == "active":  # its timers must not fire into the next example
            engines[0].withdraw(case.id, "akhir contoh", DISNAKER)

    walk_then_audit()


def test_random_walks_replay_every_recorded_state(database_url, make_engine, clock) -> None:
    on_postgres = database_url.startswith("postgresql")
    check_random_walks(make_engine, database_url, clock, max_examples=8 if on_postgres else 15)


def test_snapshot_keeps_data_with_a_typename_key(make_engine, clock) -> None:
    live = make_engine(snapshot_every=1)
    live.deploy([PROCESSES], actor="designer")
    case = Driver(live, clock).register()
    note = {"typename": "memo", "text": "Pemohon datang bersama wali"}  # plain JSON an API may send
    case = live.correct(case.id, "officer_note", note, "Catatan petugas", DISNAKER)

    fresh = make_engine()
    verdict = fresh.verify(case.id)
    assert verdict.intact, verdict.problems
    assert fresh.workflow_state(case.id).digest() == fresh.history(case.id)[-1].state_digest
    (task,) = case.ready_tasks  # a cold engine takes the next input
    after = fresh.complete_task(task.id, Driver.docs_for("belum_kawin"), DISNAKER)
    assert after.revision == case.revision + 1
