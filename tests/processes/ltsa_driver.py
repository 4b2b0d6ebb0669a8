"""A small driver for the LTSA process scenarios: desk steps; the applicant is in devtools."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from devtools.applicants import documents, nik_for, pdf, registration
from engine import Actor, Engine, ManualClock

__all__ = [
    "PROCESSES",
    "START",
    "Driver",
    "birth_date_for_age",
    "nik_for",
    "pdf",
    "registration",
]

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REGISTRATION_DATE = date(2026, 3, 2)


def birth_date_for_age(years: int, days_before: int = 0) -> str:
    """A birth date making the applicant `years` old on the registration date."""
    born = REGISTRATION_DATE.replace(year=REGISTRATION_DATE.year - years)
    return date.fromordinal(born.toordinal() - days_before).isoformat()


class Driver:
    """Drives cases through the engine API the way desk officers would."""

    def __init__(self, engine: Engine, clock: ManualClock) -> None:
        self.engine = engine
        self.clock = clock

    @staticmethod
    def officer(desk: str) -> Actor:
        return Actor(name=f"petugas_{desk}", role="officer", desks=(desk,))

    def start(self, data: dict[str, Any] | None = None, key: str = "ltsa_placement"):
        return self.engine.start(key, data or {}, self.officer("disnaker"))

    def case(self, case_or_id):
        case_id = case_or_id if isinstance(case_or_id, int) else case_or_id.id
        return self.engine.get_case(case_id)

    def task_data(self, case, task_name: str) -> dict[str, Any]:
        """The case data while `task_name` is ready (called processes' data included)."""
        case = self.case(case)
        assert task_name in [t.name for t in case.ready_tasks], f"{task_name} is not ready"
        return dict(case.data)

    def ready(self, case) -> list[str]:
        return sorted(t.name for t in self.case(case).ready_tasks)

    def complete(
        self, case, task_name: str, data: dict[str, Any] | None = None, desk: str | None = None
    ):
        """Complete the ready task `task_name` (checking its desk) and return the case."""
        case = self.case(case)
        tasks = [t for t in case.ready_tasks if t.name == task_name]
        assert tasks, f"{task_name} is not ready; ready: {[t.name for t in case.ready_tasks]}"
        task = tasks[0]
        if desk is not None:
            assert task.desk == desk, f"{task_name} is at {task.desk}, expected {desk}"
        return self.engine.complete_task(task.id, data or {}, self.officer(task.desk))

    # --- stages of the happy path -------------------------------------------------
    def register(self, **overrides: Any):
        case = self.start()
        return self.complete(case, "registrasi", registration(**overrides), "disnaker")

    def documents(self, case, **docs: Any):
        return self.complete(case, "periksa_dokumen", docs, "disnaker")

    @staticmethod
    def docs_for(marital_status: str, parents_alive: str = "both") -> dict[str, Any]:
        return documents(marital_status, parents_alive)

    def print_ak1(self, case, issued: str = "2026-03-02"):
        return self.complete(
            case, "cetak_ak1", {"ak1_number": "AK1-3212-0001", "ak1_issued": issued}, "disnaker"
        )

    def parallel(
        self,
        case,
        *,
        health: tuple[str, ...] = ("fit",),
        ektp: str = "sesuai",
        passport_expiry: str = "2031-03-01",
        skck_issued: str = "2026-03-03",
        exam_date: str = "2026-03-03",
    ):
        case = self.complete(case, "verifikasi_ektp", {"ektp_result": ektp}, "dukcapil")
        for result in health:
            data: dict[str, Any] = {
                "health_result": result,
                "health_exam_date": exam_date,
                "health_facility": "Sarkes Indramayu",
            }
            if result == "fit":
                data["health_certificate"] = pdf("sehat.pdf")
            case = self.complete(case, "pemeriksaan_kesehatan", data, "dinkes")
            if case.status != "active":
                return case
        case = self.complete(
            case,
            "penerbitan_paspor",
            {"passport_number": "C1234567", "passport_expiry": passport_expiry},
            "imigrasi",
        )
        case = self.complete(
            case,
            "penerbitan_skck",
            {"skck_number": "SKCK/123/III/2026", "skck_issued": skck_issued},
            "polri",
        )
        case = self.complete(case, "kepesertaan_bpjs", {"bpjs_number": "BPJS-0001"}, "bpjs")
        return self.complete(
            case, "pembayaran_bpjs", {"bpjs_paid": True, "payment_reference": "TRX-1"}, "bank"
        )

    def p3mi(self, case, competence: tuple[bool, ...] = (True,)):
        case = self.complete(
            case,
            "wawancara_pp",
            {
                "p3mi_id": "PT Maju Jaya",
                "interview_date": "2026-03-10",
                "placement_agreement_signed": True,
            },
            "p3mi",
        )
        for i, passed in enumerate(competence):
            data: dict[str, Any] = {
                "competence_passed": passed,
                "competence_test_date": "2026-03-11",
            }
            if passed:
                data["competence_certificate"] = pdf("kompetensi.pdf")
            case = self.complete(case, "uji_kompetensi", data, "p3mi")
            if not passed:
                assert self.ready(case) == ["pelatihan"], i
                case = self.complete(
                    case,
                    "pelatihan",
                    {"training_institution": "BLKLN Cirebon", "training_completed": True},
                    "p3mi",
                )
        return self.complete(
            case,
            "pencocokan_job_order",
            {"job_order_id": "JO-TW-2026-17", "employer_name": "ACME Taipei"},
            "p3mi",
        )

    def verify_job_order(self, case):
        return self.engine.send_message(
            case.id, "job_order_verified", {"job_order_verified": True}, self.officer("p3mi")
        )

    def contract(self, case):
        case = self.complete(case, "tabungan_kur", {"placement_financing": "tabungan"}, "bank")
        case = self.complete(case, "perjanjian_kerja", {"work_contract_signed": True}, "p3mi")
        case = self.complete(case, "proses_visa", {"visa_number": "V-TW-991"}, "p3mi")
        return self.complete(
            case, "opp", {"opp_date": "2026-04-01", "pap_completed": True}, "bp2mi"
        )

    def final_verification(self, case):
        return self.complete(case, "verifikasi_akhir", {"documents_checked": True}, "disnaker")

    def departure(self, case):
        case = self.complete(case, "penerbitan_skpln", {"skpln_number": "SKPLN-77"}, "dukcapil")
        case = self.complete(case, "serah_terima", {"handover_date": "2026-04-03"}, "disnaker")
        return self.complete(
            case,
            "pemberangkatan",
            {"epmi_card_number": "EPMI-1", "departure_date": "2026-04-05"},
            "bp2mi",
        )

    def to_final_verification(self, **overrides: Any):
        """Register with overrides and run every desk up to final verification."""
        case = self.register(**overrides)
        reg = registration(**overrides)
        case = self.documents(case, **self.docs_for(reg["marital_status"], reg["parents_alive"]))
        case = self.print_ak1(case)
        case = self.parallel(case)
        case = self.p3mi(case)
        case = self.verify_job_order(case)
        return self.contract(case)
