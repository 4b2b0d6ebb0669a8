"""The scratch installation the golden-file scripts write their exports from."""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ltsa_driver import PROCESSES, START

from engine import Engine, ManualClock


@contextmanager
def scratch_engine(*golden: Path) -> Iterator[tuple[Engine, ManualClock, Path]]:
    """An engine in a temporary folder, the LTSA processes deployed, its clock at START.

    Exits without a word written if one of the `golden` files exists: golden
    files are added, never rewritten.
    """
    for path in golden:
        if path.exists():
            sys.exit(f"{path.name} exists: golden files are never rewritten; add a new one")
    with tempfile.TemporaryDirectory() as scratch:
        clock = ManualClock(START)
        eng = Engine(database_url=f"sqlite:///{scratch}/golden.db", data_dir=scratch, clock=clock)
        eng.init_db()
        eng.deploy([PROCESSES], actor="designer")
        yield eng, clock, Path(scratch)
        eng.close()


def write_export(eng: Engine, case_id: int, path: Path) -> None:
    """Write the signed export of a case to `path`, as the golden files hold it."""
    path.write_text(json.dumps(eng.export_case(case_id), indent=1) + "\n", encoding="utf-8")
