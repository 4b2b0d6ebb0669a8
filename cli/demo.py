"""Demo data: a user for every desk and role, the processes, a few cases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cli.demo_complaints import seed_complaints
from cli.scenarios import scenario_files
from devtools.applicants import APPLICANTS, documents, registration
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
        # with their scenario files, as `ltsa deploy processes/` does: they gate the
        # designer's later changes (the web page tests a draft against them)
        scenarios = scenario_files([processes])
        for result in eng.deploy([processes], actor="demo", scenarios=scenarios):
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


def _advance(eng: Engine, person: dict[str, str], steps: int) -> CaseView:
    """Start a case and take it `steps` desks along the happy path."""
    clerk = Actor("petugas.disnaker", "officer", ("disnaker",))
    case = eng.start("ltsa_placement", {}, clerk)
    inputs = [
        ("registrasi", registration(**person)),
        ("periksa_dokumen", documents()),
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
