"""Demo data: a user for every desk and role, the processes, a few cases."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli.demo_complaints import seed_complaints
from engine import Actor, CaseView, Conflict, Desk, Engine, EngineError, NotFound

DEMO_PASSWORD = "ltsa-demo-2026"  # noqa: S105 - printed for the demo; never for production


def _users() -> list[tuple[str, str, tuple[str, ...]]]:
    people: list[tuple[str, str, tuple[str, ...]]] = [
        ("admin", "admin", ()),
        ("designer", "designer", ()),
        ("auditor", "auditor", ()),
    ]
    people += [
        (f"petugas.{desk.value}", "officer", (desk.value,)) for desk in Desk if desk != Desk.KEPALA
    ]
    people.append(("kepala", "kepala", ()))  # head of the office: escalations (kepala lane)
    return people


def seed(eng: Engine, echo: Callable[[str], None] = print) -> None:
    """Create demo users (idempotent), deploy processes/ and start sample cases."""
    echo(f"demo users (password for all: {DEMO_PASSWORD}):")
    for name, role, desks in _users():
        try:
            eng.users.add(name, role, desks, DEMO_PASSWORD)
            state = "created"
        except Conflict:
            state = "exists"
        echo(f"  {name:<20} {role:<9} {','.join(desks):<10} {state}")
    processes = Path("processes")
    if processes.is_dir():
        for result in eng.deploy([processes], actor="demo"):
            echo(f"process {result.key} v{result.version} ({result.status})")
    try:
        if eng.list_cases(limit=1):
            return
        for steps, person in enumerate(APPLICANTS):
            case = _advance(eng, person, steps)
            where = ", ".join(sorted(case.desks)) or case.status
            echo(f"case {case.id} for {person['full_name']}: waiting at {where}")
        seed_complaints(eng, echo)
    except NotFound:
        echo("no ltsa_placement process deployed: no sample cases")
    except EngineError as exc:  # the demo data no longer fits a changed process
        echo(f"sample cases stopped early: {exc}")


# A minimal real PDF, as an applicant's scanned letter would be.
_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

APPLICANTS: list[dict[str, Any]] = [
    {"full_name": "Siti Aminah", "birth_date": "1995-06-15", "sex": "P", "day": 55},
    {"full_name": "Budi Santoso", "birth_date": "1992-01-20", "sex": "L", "day": 20},
    {"full_name": "Dewi Lestari", "birth_date": "1998-09-03", "sex": "P", "day": 43},
    {"full_name": "Agus Wijaya", "birth_date": "1990-12-11", "sex": "L", "day": 11},
]


def _pdf(name: str) -> dict[str, str]:
    return {"name": name, "content_base64": base64.b64encode(_PDF).decode()}


def _registration(person: dict[str, Any]) -> dict[str, Any]:
    year, month, _ = person["birth_date"].split("-")
    return {
        "nik": f"321201{person['day']:02d}{month}{year[2:]}0001",
        "full_name": person["full_name"],
        "birth_place": "Indramayu",
        "birth_date": person["birth_date"],
        "sex": person["sex"],
        "address_village": "Juntinyuat",
        "address_district": "Indramayu",
        "address_province": "Jawa Barat",
        "phone": "081234567890",
        "marital_status": "belum_kawin",
        "parents_alive": "both",
        "destination_country": "TW",
        "sector": "formal",
    }


def _advance(eng: Engine, person: dict[str, Any], steps: int) -> CaseView:
    """Start a case and take it `steps` desks along the happy path."""
    clerk = Actor("petugas.disnaker", "officer", ("disnaker",))
    case = eng.start("ltsa_placement", {}, clerk)
    inputs = [
        ("registrasi", _registration(person)),
        (
            "periksa_dokumen",
            {
                "marital_status_letter": _pdf("status.pdf"),
                "parent_consent": _pdf("izin_orang_tua.pdf"),
                "consent_acknowledged_by": "kepala_desa",
            },
        ),
        (
            "cetak_ak1",
            {
                "ak1_number": f"AK1-3212-{steps:04d}",
                "ak1_issued": eng.clock.now().date().isoformat(),
            },
        ),
    ]
    for name, data in inputs[:steps]:
        task = next(t for t in case.ready_tasks if t.name == name)
        officer = Actor(f"petugas.{task.desk}", "officer", (str(task.desk),))
        case = eng.complete_task(task.id, data, officer)
    return case
