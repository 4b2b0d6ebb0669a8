"""Helpers of the public-side web tests: the real processes and a placement case."""

from __future__ import annotations

from pathlib import Path

from devtools.applicants import registration
from engine import Actor, Engine, PublicDesk

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
WORKER = registration()  # the one sample applicant (devtools/applicants.py)
DISNAKER = Actor("disnaker", "officer", ("disnaker",))


def deploy_processes(eng: Engine) -> Engine:
    """Deploy the real processes/ (placement, requirements, complaints)."""
    eng.deploy([PROCESSES], actor="designer")
    return eng


def case_waiting_for_documents(deployed: Engine) -> tuple[int, str]:
    """A placement case sent back for the parents' consent; its tracking code."""
    case = deployed.start("ltsa_placement", {}, DISNAKER)
    task = case.ready_tasks[0]
    case = deployed.complete_task(task.id, WORKER, DISNAKER)
    task = next(t for t in case.ready_tasks if t.name == "periksa_dokumen")
    upload = {"name": "s.pdf", "content_base64": "JVBERi0xLjQKJSVFT0YK"}
    deployed.complete_task(
        task.id, {"marital_status_letter": upload, "consent_acknowledged_by": "lurah"}, DISNAKER
    )
    return case.id, PublicDesk(deployed).tracking_code(case.id)
