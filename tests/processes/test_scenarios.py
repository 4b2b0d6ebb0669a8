"""Scenario tests of the LTSA processes through the engine API.

Each test names the situation, and asserts the end status, the rejection reason
and the desk(s) holding the case.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from typing import Any

import pytest
from ltsa_driver import PROCESSES, Driver, birth_date_for_age, nik_for, pdf, registration

from engine import Engine


def assert_held_by(case, *desks: str) -> None:
    assert case.status == "active"
    assert sorted(case.desks) == sorted(desks), [(t.name, t.desk) for t in case.ready_tasks]


def assert_rejected(case, rule: str, word: str) -> None:
    assert case.status == "rejected"
    assert case.rejection_reason.startswith(rule), case.rejection_reason
    assert word in case.rejection_reason.lower()
    assert case.ready_tasks == ()


def assert_completed(case) -> None:
    assert case.status == "completed", case.data.get("rejection_reason")
    assert not case.rejection_reason
    assert case.ready_tasks == ()


def run_to_end(d: Driver, **overrides):
    reg = registration(**overrides)
    case = d.register(**overrides)
    assert_held_by(case, "disnaker")
    assert d.ready(case) == ["periksa_dokumen"]
    case = d.documents(case, **d.docs_for(reg["marital_status"], reg["parents_alive"]))
    assert d.ready(case) == ["cetak_ak1"]
    case = d.print_ak1(case)
    assert_held_by(case, "dukcapil", "dinkes", "imigrasi", "polri", "bpjs")
    case = d.parallel(case)
    assert_held_by(case, "p3mi")
    case = d.p3mi(case)
    assert case.status == "active" and case.ready_tasks == ()  # waits for the embassy (R15)
    case = d.verify_job_order(case)
    assert_held_by(case, "bank")
    case = d.contract(case)
    assert_held_by(case, "disnaker")
    case = d.final_verification(case)
    assert d.ready(case) == ["penerbitan_skpln"]  # R17: SKPLN last, after final verification
    assert_held_by(case, "dukcapil")
    return d.departure(case)


# --- happy paths -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("marital_status", "parents_alive", "sector", "destination"),
    [
        ("belum_kawin", "both", "formal", "TW"),
        ("kawin", "both", "domestic", "HK"),
        ("cerai_hidup", "one", "formal", "KR"),
        ("cerai_mati", "one", "domestic", "MY"),
        ("belum_kawin", "none", "domestic", "SG"),
    ],
)
def test_happy_path(driver, marital_status, parents_alive, sector, destination):
    case = run_to_end(
        driver,
        marital_status=marital_status,
        parents_alive=parents_alive,
        sector=sector,
        destination_country=destination,
    )
    assert_completed(case)
    assert case.data["skpln_number"] == "SKPLN-77"
    assert (
        case.data["required_consent"]
        == {
            "belum_kawin": "guardian" if parents_alive == "none" else "parent",
            "kawin": "spouse",
            "cerai_hidup": "parent",
            "cerai_mati": "parent",
        }[marital_status]
    )


# --- R1, R2, R3: eligibility at registration ----------------------------------------------
def test_under_age_17_rejected(driver):
    case = driver.register(birth_date=birth_date_for_age(17))
    assert_rejected(case, "R1", "usia")


def test_exactly_18_on_registration_date_accepted(driver):
    case = driver.register(birth_date=birth_date_for_age(18))
    assert_held_by(case, "disnaker")
    assert driver.ready(case) == ["periksa_dokumen"]
    assert case.data["registration_date"] == "2026-03-02"


def test_one_day_before_18th_birthday_rejected(driver):
    born = birth_date_for_age(18, days_before=-1)  # the 18th birthday is tomorrow
    case = driver.register(birth_date=born)
    assert_rejected(case, "R1", "usia")


@pytest.mark.parametrize(("age", "accepted"), [(22, False), (23, True), (49, True), (50, False)])
def test_singapore_domestic_age_limits(driver, age, accepted):
    case = driver.register(
        birth_date=birth_date_for_age(age), sector="domestic", destination_country="SG"
    )
    if accepted:
        assert_held_by(case, "disnaker")
    else:
        assert_rejected(case, "R2", "usia")


def test_singapore_formal_age_20_accepted(driver):
    case = driver.register(
        birth_date=birth_date_for_age(20), sector="formal", destination_country="SG"
    )
    assert_held_by(case, "disnaker")


def test_banned_destination_for_domestic_rejected(driver):
    case = driver.register(sector="domestic", destination_country="SA")
    assert_rejected(case, "R3", "arab saudi")


def test_banned_destination_allowed_for_formal(driver):
    case = driver.register(sector="formal", destination_country="SA")
    assert_held_by(case, "disnaker")
    assert case.data["eligible"] is True


# --- R14: NIK consistency ------------------------------------------------------------------
def test_nik_inconsistent_with_birth_date_rejected(driver):
    case = driver.register(nik=nik_for("1994-06-15", "P"))  # birth_date is 1995-06-15
    assert_rejected(case, "R14", "nik")


def test_nik_inconsistent_with_sex_rejected(driver):
    case = driver.register(sex="L", nik=nik_for("1995-06-15", "P"))  # a woman's NIK
    assert_rejected(case, "R14", "nik")


# --- R4-R7: pre-departure requirements --------------------------------------------------------
def test_married_without_spouse_consent_sent_back_with_missing_list(driver):
    case = driver.register(marital_status="kawin")
    case = driver.documents(
        case,
        marital_status_letter=pdf(),
        marriage_book_copy=pdf(),
        consent_acknowledged_by="kepala_desa",
    )
    assert_held_by(case, "disnaker")
    assert driver.ready(case) == ["lengkapi_dokumen"]
    data = driver.task_data(case, "lengkapi_dokumen")
    assert data["missing_documents"] == ["Surat izin suami/istri"]
    assert "Surat izin suami/istri" in data["missing_documents_text"]
    case = driver.complete(case, "lengkapi_dokumen", {"spouse_consent": pdf()}, "disnaker")
    assert driver.ready(case) == ["cetak_ak1"]
    assert case.data["missing_documents"] == []


def test_missing_everything_lists_each_document(driver):
    case = driver.register(marital_status="kawin")
    case = driver.documents(case)
    assert driver.ready(case) == ["lengkapi_dokumen"]
    missing = driver.task_data(case, "lengkapi_dokumen")["missing_documents"]
    assert "Surat keterangan status perkawinan" in missing
    assert "Fotokopi buku nikah" in missing
    assert "Surat izin suami/istri" in missing
    assert any(m.startswith("R5") for m in missing)


def test_divorced_without_court_certificate_needs_spouse_consent(driver):
    case = driver.register(marital_status="cerai_hidup")
    case = driver.documents(
        case, marital_status_letter=pdf(), parent_consent=pdf(), consent_acknowledged_by="lurah"
    )
    assert driver.ready(case) == ["lengkapi_dokumen"]
    data = driver.task_data(case, "lengkapi_dokumen")
    assert data["required_consent"] == "spouse"
    assert any("R6" in m for m in data["missing_documents"])
    case = driver.complete(case, "lengkapi_dokumen", {"divorce_certificate": pdf()}, "disnaker")
    assert driver.ready(case) == ["cetak_ak1"]
    assert case.data["required_consent"] == "parent"


def test_orphan_with_guardian_consent(driver):
    case = driver.register(parents_alive="none")
    case = driver.documents(
        case,
        marital_status_letter=pdf(),
        guardian_consent=pdf(),
        consent_acknowledged_by="kepala_desa",
    )
    assert case.data["required_consent"] == "guardian"
    assert driver.ready(case) == ["cetak_ak1"]


def test_orphan_with_parent_consent_only_sent_back_for_guardian(driver):
    case = driver.register(parents_alive="none")
    case = driver.documents(
        case,
        marital_status_letter=pdf(),
        parent_consent=pdf(),
        consent_acknowledged_by="kepala_desa",
    )
    assert driver.ready(case) == ["lengkapi_dokumen"]
    assert driver.task_data(case, "lengkapi_dokumen")["missing_documents"] == ["Surat izin wali"]


def test_consent_acknowledged_by_camat_refused_and_sent_back(driver):
    case = driver.register()
    case = driver.documents(
        case, marital_status_letter=pdf(), parent_consent=pdf(), consent_acknowledged_by="camat"
    )
    assert_held_by(case, "disnaker")
    assert driver.ready(case) == ["lengkapi_dokumen"]
    data = driver.task_data(case, "lengkapi_dokumen")
    assert data["consent_acknowledged"] is False
    assert data["consent_refusal_reason"].startswith("R5")
    assert "camat" in data["consent_refusal_reason"]
    assert data["missing_documents"] == [data["consent_refusal_reason"]]
    case = driver.complete(
        case, "lengkapi_dokumen", {"consent_acknowledged_by": "lurah"}, "disnaker"
    )
    assert driver.ready(case) == ["cetak_ak1"]
    assert case.data["consent_acknowledged"] is True


# --- R8: health ------------------------------------------------------------------------------
def _through_ak1(d: Driver, **overrides):
    reg = registration(**overrides)
    case = d.register(**overrides)
    case = d.documents(case, **d.docs_for(reg["marital_status"], reg["parents_alive"]))
    return d.print_ak1(case)


def _contracted(d: Driver, ak1_issued: str | None = None, **checks: Any):
    """Every desk up to the signed contract, with the parallel checks' results `checks`.

    `ak1_issued` dates the AK.1 card (default: the driver's day).
    """
    reg = registration()
    case = d.documents(d.register(), **d.docs_for(reg["marital_status"]))
    case = d.print_ak1(case) if ak1_issued is None else d.print_ak1(case, issued=ak1_issued)
    case = d.parallel(case, **checks)
    case = d.p3mi(case)
    case = d.verify_job_order(case)
    return d.contract(case)


def test_unfit_then_fit_on_retake(driver):
    case = _through_ak1(driver)
    case = driver.complete(
        case,
        "pemeriksaan_kesehatan",
        {"health_result": "unfit", "health_exam_date": "2026-03-03"},
        "dinkes",
    )
    assert "pemeriksaan_kesehatan" in driver.ready(case)  # one re-examination
    assert "dinkes" in case.desks
    case = driver.parallel(case, health=("fit",), exam_date="2026-03-20")
    assert_held_by(case, "p3mi")
    assert case.data["health_unfit_count"] == 1
    assert case.data["health_result"] == "fit"


def test_two_unfit_results_rejected(driver):
    case = _through_ak1(driver)
    case = driver.parallel(case, health=("unfit", "unfit"))
    assert_rejected(case, "R8", "kesehatan")


# --- R13: competence -------------------------------------------------------------------------
def test_failed_competence_leads_to_training_and_retest(driver):
    case = _through_ak1(driver)
    case = driver.parallel(case)
    case = driver.p3mi(case, competence=(False, True))
    assert case.status == "active"
    assert case.data["competence_passed"] is True
    assert case.data["training_completed"] is True


# --- R9-R12: final verification sends back to the right desk --------------------------------
def test_passport_expiring_too_soon_sent_back_to_imigrasi(driver):
    case = driver.final_verification(_contracted(driver, passport_expiry="2027-01-01"))
    assert_held_by(case, "imigrasi")
    assert driver.ready(case) == ["penggantian_paspor"]
    assert case.data["validity_issue"].startswith("R11")
    case = driver.complete(
        case,
        "penggantian_paspor",
        {"passport_number": "C7654321", "passport_expiry": "2031-06-01"},
        "imigrasi",
    )
    assert_held_by(case, "disnaker")
    case = driver.final_verification(case)
    assert driver.ready(case) == ["penerbitan_skpln"]
    assert_completed(driver.departure(case))


def test_expired_health_certificate_sent_back_to_dinkes(driver, clock):
    case = driver.to_final_verification()
    clock.advance(timedelta(days=100))  # exam on 2026-03-03, valid 3 months
    case = driver.final_verification(case)
    assert_held_by(case, "dinkes")
    assert driver.ready(case) == ["pemeriksaan_kesehatan_ulang"]
    assert case.data["validity_issue"].startswith("R9")
    case = driver.complete(
        case,
        "pemeriksaan_kesehatan_ulang",
        {"health_result": "fit", "health_exam_date": "2026-06-10", "health_certificate": pdf()},
        "dinkes",
    )
    assert_held_by(case, "disnaker")
    case = driver.final_verification(case)
    assert_held_by(case, "dukcapil")


def test_renewal_exam_unfit_after_earlier_unfit_rejected(driver, clock):
    case = _contracted(driver, health=("unfit", "fit"))
    clock.advance(timedelta(days=100))
    case = driver.final_verification(case)
    case = driver.complete(
        case,
        "pemeriksaan_kesehatan_ulang",
        {"health_result": "unfit", "health_exam_date": "2026-06-10"},
        "dinkes",
    )
    assert_rejected(case, "R8", "kesehatan")


def test_skck_older_than_six_months_sent_back_to_polri(driver):
    case = driver.final_verification(_contracted(driver, skck_issued="2025-08-01"))
    assert_held_by(case, "polri")
    assert driver.ready(case) == ["skck_baru"]
    assert case.data["validity_issue"].startswith("R10")
    case = driver.complete(
        case, "skck_baru", {"skck_number": "SKCK/9/2026", "skck_issued": "2026-03-05"}, "polri"
    )
    case = driver.final_verification(case)
    assert_held_by(case, "dukcapil")


def test_expired_ak1_sent_back_to_disnaker(driver):
    case = driver.final_verification(_contracted(driver, ak1_issued="2024-01-10"))
    assert_held_by(case, "disnaker")
    assert driver.ready(case) == ["perpanjang_ak1"]
    assert case.data["validity_issue"].startswith("R12")


# --- R15: waiting for the embassy --------------------------------------------------------------
def test_job_order_never_verified_waits_and_reminds(driver, engine, clock):
    case = _through_ak1(driver)
    case = driver.parallel(case)
    case = driver.p3mi(case)
    assert case.status == "active" and case.ready_tasks == ()
    clock.advance(timedelta(days=13))
    assert engine.fire_due_timers() == 0
    clock.advance(timedelta(days=2))
    assert engine.fire_due_timers() == 1
    case = driver.case(case)
    assert_held_by(case, "p3mi")
    assert driver.ready(case) == ["pengingat_sla"]
    case = driver.complete(
        case,
        "pengingat_sla",
        {"sla_follow_up": "Surat ke KBRI Taipei", "sla_escalated": True},
        "p3mi",
    )
    assert case.status == "active" and case.ready_tasks == ()
    clock.advance(timedelta(days=60))
    engine.fire_due_timers()
    assert driver.case(case).status == "active"  # the SLA never ends the case
    case = driver.verify_job_order(case)
    assert_held_by(case, "bank")


# --- R16: withdrawal ---------------------------------------------------------------------------
def test_withdrawal_midway(driver, engine):
    case = _through_ak1(driver)
    case = driver.complete(case, "verifikasi_ektp", {"ektp_result": "sesuai"}, "dukcapil")
    case = engine.withdraw(case.id, "Pemohon mengundurkan diri", driver.officer("disnaker"))
    assert case.status == "withdrawn"
    assert not case.rejection_reason
    assert case.ready_tasks == ()


# --- identity correction by Dukcapil -----------------------------------------------------------
def test_identity_correction_by_dukcapil(driver):
    case = _through_ak1(driver)
    case = driver.parallel(case, ektp="perlu_koreksi")
    assert_held_by(case, "dukcapil")
    assert driver.ready(case) == ["koreksi_identitas"]
    corrected = registration(full_name="Siti Aminah Binti Karta")
    case = driver.complete(
        case,
        "koreksi_identitas",
        {k: corrected[k] for k in ("nik", "full_name", "birth_place", "birth_date", "sex")}
        | {"correction_note": "Sesuai akta kelahiran"},
        "dukcapil",
    )
    assert driver.ready(case) == ["verifikasi_ektp_ulang"]
    case = driver.complete(case, "verifikasi_ektp_ulang", {"ektp_result": "sesuai"}, "dukcapil")
    assert_held_by(case, "p3mi")
    assert case.data["full_name"] == "Siti Aminah Binti Karta"


def test_identity_correction_revealing_under_age_rejected(driver):
    case = _through_ak1(driver)
    case = driver.parallel(case, ektp="perlu_koreksi")
    born = birth_date_for_age(16)
    case = driver.complete(
        case,
        "koreksi_identitas",
        {
            "nik": nik_for(born, "P"),
            "full_name": "Siti Aminah",
            "birth_place": "Indramayu",
            "birth_date": born,
            "sex": "P",
            "correction_note": "Akta kelahiran asli",
        },
        "dukcapil",
    )
    case = driver.complete(case, "verifikasi_ektp_ulang", {"ektp_result": "sesuai"}, "dukcapil")
    assert_rejected(case, "R1", "usia")


# --- a DMN row change applies to new cases only ------------------------------------------------
def test_changed_minimum_age_applies_to_new_cases_only(driver, engine, tmp_path):
    running = driver.start()  # started on version 1, registration still open
    copy = tmp_path / "processes_v2"
    shutil.copytree(PROCESSES, copy)
    dmn = copy / "eligibility.dmn"
    text = dmn.read_text(encoding="utf-8")
    assert text.count("&lt; 18") == 1
    dmn.write_text(
        text.replace("&lt; 18", "&lt; 21").replace("di bawah 18", "di bawah 21"), encoding="utf-8"
    )
    deployed = {p.key: (p.version, p.status) for p in engine.deploy([copy], actor="designer")}
    assert deployed["ltsa_placement"] == (2, "new")

    age19 = registration(birth_date=birth_date_for_age(19))
    old = driver.complete(running, "registrasi", age19, "disnaker")
    assert old.version == 1
    assert_held_by(old, "disnaker")

    new = driver.complete(driver.start(), "registrasi", age19, "disnaker")
    assert new.version == 2
    assert_rejected(new, "R1", "21")


def test_engine_refuses_a_broken_dmn_and_keeps_the_old_version(engine, tmp_path):
    from engine import DeploymentFailed

    copy = tmp_path / "broken"
    shutil.copytree(PROCESSES, copy)
    dmn = copy / "eligibility.dmn"
    dmn.write_text(
        dmn.read_text(encoding="utf-8").replace(
            "years_between(birth_date, registration_date)", "__import__('os')"
        ),
        encoding="utf-8",
    )
    with pytest.raises(DeploymentFailed):
        engine.deploy([copy], actor="designer")
    assert {p.key: p.version for p in engine.processes()}["ltsa_placement"] == 1


def test_redeploying_unchanged_files_keeps_the_version(engine: Engine):
    results = engine.deploy([PROCESSES], actor="designer")
    assert {r.status for r in results} == {"unchanged"}
