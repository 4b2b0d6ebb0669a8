"""Demo data: a user for every desk and role, the processes, a few cases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from engine import Actor, Conflict, Desk, Engine, NotFound

DEMO_PASSWORD = "ltsa-demo-2026"  # noqa: S105 - printed for the demo; never for production


def _users() -> list[tuple[str, str, tuple[str, ...]]]:
    people: list[tuple[str, str, tuple[str, ...]]] = [
        ("admin", "admin", ()),
        ("designer", "designer", ()),
        ("auditor", "auditor", ()),
    ]
    people += [(f"petugas.{desk.value}", "officer", (desk.value,)) for desk in Desk]
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
        clerk = Actor("petugas.disnaker", "officer", ("disnaker",))
        for name in ("Siti Aminah", "Budi Santoso", "Dewi Lestari"):
            case = eng.start("ltsa_placement", {"full_name": name}, clerk)
            echo(f"case {case.id} started for {name}")
    except NotFound:
        echo("no ltsa_placement process deployed: no sample cases")
