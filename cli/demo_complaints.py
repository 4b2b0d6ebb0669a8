"""Demo complaints: work for the complaints desk and for the head of the office."""

from __future__ import annotations

from collections.abc import Callable

from engine import Actor, Engine, PublicDesk

COMPLAINTS_DESK = Actor("petugas.pengaduan", "officer", ("pengaduan",))


def seed_complaints(eng: Engine, echo: Callable[[str], None] = print) -> None:
    """File one complaint online (waits for triage) and one about a desk (waits at kepala)."""
    public = PublicDesk(eng)
    case_id, code = public.file_complaint(
        {
            "category": "biaya_penempatan",
            "description": "P3MI meminta biaya penempatan Rp 15 juta sebelum berangkat.",
            "reported_party": "PT Contoh Penempatan",
            "complainant_relation": "keluarga",
        }
    )
    echo(f"complaint {case_id} (tracking code {code}): waiting at pengaduan")
    case = eng.start("pengaduan", {}, COMPLAINTS_DESK)
    intake = {
        "category": "layanan_ltsa",
        "description": "Petugas loket meminta uang untuk mempercepat berkas.",
        "complainant_relation": "pekerja",
    }
    case = eng.complete_task(case.ready_tasks[0].id, intake, COMPLAINTS_DESK)
    triage = next(t for t in case.ready_tasks if t.name == "triase")
    eng.complete_task(triage.id, {"category": "layanan_ltsa"}, COMPLAINTS_DESK)
    echo(f"complaint {case.id} (tracking code {public.tracking_code(case.id)}): waiting at kepala")
