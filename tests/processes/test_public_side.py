"""The public side on the real processes: tracking codes, look-ups, complaints, requirements."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from ltsa_driver import PROCESSES, Driver, pdf
from sqlalchemy import text

from engine import Engine, ManualClock, NotFound, PublicDesk, ValidationFailed
from engine.tracking import ALPHABET

CODE = re.compile(rf"^[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")
COMPLAINT = {"category": "biaya_penempatan", "description": "P3MI meminta Rp 10 juta"}


@pytest.fixture
def public(engine: Engine) -> PublicDesk:
    return PublicDesk(engine)


def test_codes_are_grouped_unambiguous_stable_and_not_stored(
    engine: Engine, driver: Driver, public: PublicDesk
) -> None:
    codes = [public.tracking_code(driver.register().id) for _ in range(3)]
    assert all(CODE.match(c) for c in codes) and len(set(codes)) == 3
    assert not set("01OIL") & set("".join(codes))
    assert public.tracking_code(driver.case(1).id) == codes[0]  # a receipt can be reprinted
    with engine.db.engine.connect() as connection:
        stored = connection.execute(text("SELECT digest, case_id FROM tracking_codes")).all()
    assert len(stored) == 3
    dump = repr(stored)
    assert not any(c in dump or c.replace("-", "") in dump for c in codes)
    assert public.codes.case_for(codes[1].lower().replace("-", " ")) == 2


def test_status_check_shows_step_desk_and_missing_documents_only(
    driver: Driver, public: PublicDesk
) -> None:
    case = driver.register(birth_date="1995-06-15")
    driver.documents(case, marital_status_letter=pdf(), consent_acknowledged_by="kepala_desa")
    code = public.tracking_code(case.id)
    progress = public.progress(code, "1995-06-15")
    assert progress.desks == ("disnaker",)
    assert progress.steps == ("Lengkapi dokumen yang kurang",)
    assert progress.missing_documents == ("Surat izin orang tua",)
    assert set(vars(progress)) == {"steps", "desks", "missing_documents", "finished"}


def test_a_status_check_is_recorded_as_the_worker_s_own_read_and_a_failed_one_is_not(
    engine: Engine, driver: Driver, public: PublicDesk
) -> None:
    case = driver.register(birth_date="1995-06-15")
    code = public.tracking_code(case.id)
    with pytest.raises(NotFound):
        public.progress(code, "1995-06-16", address="203.0.113.7")
    assert engine.access.for_case(case.id) == []
    public.progress(code, "1995-06-15", address="203.0.113.7")
    (entry,) = engine.access.for_case(case.id)
    assert (entry.what, entry.role, entry.address) == ("subject_self", "subject", "203.0.113.7")
    assert entry.office == case.office


@pytest.mark.parametrize(
    ("code", "birth_date"),
    [("RIGHT", "1995-06-16"), ("2345-6789-ABCD", "1995-06-15"), ("0000-1111", "1995-06-15")],
    ids=["wrong birth date", "wrong code", "malformed code"],
)
def test_every_failed_look_up_is_the_same_not_found(
    driver: Driver, public: PublicDesk, code: str, birth_date: str
) -> None:
    case = driver.register(birth_date="1995-06-15")
    right = public.tracking_code(case.id)
    with pytest.raises(NotFound) as refused:
        public.progress(right if code == "RIGHT" else code, birth_date)
    assert str(refused.value) == "nothing matches this tracking code (and birth date)"


def test_a_complaint_code_does_not_open_a_placement_status_nor_the_reverse(
    driver: Driver, public: PublicDesk
) -> None:
    _, complaint_code = public.file_complaint(COMPLAINT)
    placement_code = public.tracking_code(driver.register(birth_date="1995-06-15").id)
    with pytest.raises(NotFound):
        public.progress(complaint_code, "1995-06-15")
    with pytest.raises(NotFound):
        public.complaint(placement_code)


def test_an_online_complaint_is_filed_and_read_back_without_the_complainant(
    engine: Engine, public: PublicDesk
) -> None:
    data = {**COMPLAINT, "complainant_name": "Ibu Sari", "complainant_contact": "0812"}
    case_id, code = public.file_complaint(data)
    status = public.complaint(code)
    assert (status.status, status.category, status.resolution) == (
        "received",
        "biaya_penempatan",
        "",
    )
    assert "Sari" not in repr(status) and "0812" not in repr(status)
    assert [t.name for t in engine.get_case(case_id).ready_tasks] == ["triase"]
    assert engine.history(case_id)[1].actor == "publik:daring"


def test_an_invalid_complaint_changes_nothing(engine: Engine, public: PublicDesk) -> None:
    with pytest.raises(ValidationFailed) as refused:
        public.file_complaint({"category": "bukan_kategori"})
    assert set(refused.value.errors) >= {"category", "description"}
    assert engine.list_cases(process_key="pengaduan") == []


def test_a_complaint_naming_a_nik_is_linked_to_that_workers_case(
    driver: Driver, public: PublicDesk
) -> None:
    worker = driver.register()
    other = driver.register(full_name="Dewi", birth_date="1990-01-02")
    complaint_id, _ = public.file_complaint({**COMPLAINT, "nik": worker.data["nik"]})
    linked = public.complaints_about(driver.case(worker))
    assert [(c.case_id, c.category, c.status) for c in linked] == [
        (complaint_id, "biaya_penempatan", "received")
    ]
    assert public.complaints_about(driver.case(other)) == []


def test_the_21st_look_up_in_a_minute_is_refused_and_counted_for_all_processes(
    engine: Engine, clock: ManualClock
) -> None:
    first, second = PublicDesk(engine), PublicDesk(engine)  # two web processes
    answers = [(first if i % 2 else second).allow_hit("status", "10.0.0.1", 20) for i in range(21)]
    assert answers == [True] * 20 + [False]
    assert first.allow_hit("status", "10.0.0.2", 20)  # another address
    clock.advance(timedelta(minutes=1))
    assert first.allow_hit("status", "10.0.0.1", 20)


def test_requirements_are_read_from_the_deployed_tables(
    engine: Engine, public: PublicDesk, tmp_path: Path
) -> None:
    before = public.requirements()
    dmn = (PROCESSES / "eligibility.dmn").read_text(encoding="utf-8")
    # every refusing row without an age (R3 rows): "domestic" and a country code
    rules = re.findall(r"<rule .*?</rule>", dmn, re.S)
    banned = [
        re.findall(r'<text>"([A-Z]{2})"</text>', rule)[0]
        for rule in rules
        if '"domestic"' in rule
        and "False</text>" in rule
        and "&lt;" not in rule
        and "&gt;" not in rule
    ]
    assert [b.country for b in before.banned_destinations] == banned and "SA" in banned
    assert before.acknowledged_by == ("kepala_desa", "lurah")
    assert {r.consent_from for r in before.consent} == {"spouse", "guardian", "parent"}
    assert [a.refused_when_age for a in before.age_limits] == ["< 18", "< 23", ">= 50"]
    assert {v.desk for v in before.validity} == {"dinkes", "polri", "imigrasi", "disnaker"}
    assert before.steps[0].desk == "disnaker" and not before.worker_pays_placement_cost

    row = re.search(r'<rule id="eligibility_r4">.*?</rule>', dmn, re.S)
    assert row is not None
    new_row = (
        row.group(0)
        .replace("eligibility_r4", "eligibility_r4b")
        .replace('"SA"', '"NG"')
        .replace("Arab Saudi (SA)", "Nigeria (NG)")
    )
    changed = tmp_path / "processes"
    changed.mkdir()
    for path in PROCESSES.iterdir():
        if path.suffix in (".bpmn", ".dmn"):
            (changed / path.name).write_bytes(path.read_bytes())
    (changed / "eligibility.dmn").write_text(dmn.replace(row.group(0), row.group(0) + new_row))
    engine.deploy([changed], actor="designer")
    after = public.requirements()
    assert after.version == before.version + 1
    assert [b.country for b in after.banned_destinations] == banned[:2] + ["NG"] + banned[2:]
