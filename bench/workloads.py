"""The two processes every contender runs: a one-task loop and the LTSA placement.

The LTSA inputs are a happy path with valid data: the sample applicant of
`devtools/applicants.py` (a 30-year-old woman, single, formal sector to Taiwan),
every desk passing on the first try.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.baselines import Input
from devtools.applicants import documents, nik_for, pdf
from devtools.applicants import registration as _registration

__all__ = ["LOOP_BPMN", "LOOP_KEY", "LTSA_KEY", "PROCESSES", "loop_input", "ltsa_inputs"]

ROOT = Path(__file__).resolve().parents[1]
PROCESSES = ROOT / "processes"
LOOP_BPMN = Path(__file__).resolve().parent / "loop.bpmn"
LOOP_KEY = "bench_loop"
LTSA_KEY = "ltsa_placement"


def loop_input(i: int, stop: bool = False) -> Input:
    """The loop's one user task, completed for iteration `i`."""
    return Input("task", "step", {"i": i, "stop": stop})


def _task(name: str, **data: Any) -> Input:
    return Input("task", name, data)


def registration(serial: int = 1) -> dict[str, Any]:
    """Registration data; `serial` makes the NIK unique (born 1995-06-15, a woman)."""
    return _registration(
        full_name=f"Siti Aminah {serial}",
        nik=nik_for("1995-06-15", "P", serial=f"{serial % 9999 + 1:04d}"),
    )


def ltsa_inputs(serial: int = 1) -> list[Input]:
    """Every input of an LTSA case from registration to departure, desk by desk."""
    return [
        _task("registrasi", **registration(serial)),
        _task("periksa_dokumen", **documents()),
        _task("cetak_ak1", ak1_number="AK1-3212-0001", ak1_issued="2026-03-02"),
        _task("verifikasi_ektp", ektp_result="sesuai"),
        _task(
            "pemeriksaan_kesehatan",
            health_result="fit",
            health_exam_date="2026-03-03",
            health_facility="Sarkes Indramayu",
            health_certificate=pdf("sehat.pdf"),
        ),
        _task("penerbitan_paspor", passport_number="C1234567", passport_expiry="2031-03-01"),
        _task("penerbitan_skck", skck_number="SKCK/123/III/2026", skck_issued="2026-03-03"),
        _task("kepesertaan_bpjs", bpjs_number="BPJS-0001"),
        _task("pembayaran_bpjs", bpjs_paid=True, payment_reference="TRX-1"),
        _task(
            "wawancara_pp",
            p3mi_id="PT Maju Jaya",
            interview_date="2026-03-10",
            placement_agreement_signed=True,
        ),
        _task(
            "uji_kompetensi",
            competence_passed=True,
            competence_test_date="2026-03-11",
            competence_certificate=pdf("kompetensi.pdf"),
        ),
        _task("pencocokan_job_order", job_order_id="JO-TW-2026-17", employer_name="ACME Taipei"),
        Input("message", "job_order_verified", {"job_order_verified": True}),
        _task("tabungan_kur", placement_financing="tabungan"),
        _task("perjanjian_kerja", work_contract_signed=True),
        _task("proses_visa", visa_number="V-TW-991"),
        _task("opp", opp_date="2026-04-01", pap_completed=True),
        _task("verifikasi_akhir", documents_checked=True),
        _task("penerbitan_skpln", skpln_number="SKPLN-77"),
        _task("serah_terima", handover_date="2026-04-03"),
        _task("pemberangkatan", epmi_card_number="EPMI-1", departure_date="2026-04-05"),
    ]
