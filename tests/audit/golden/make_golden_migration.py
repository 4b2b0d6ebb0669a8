"""Write the golden exports of a migrated case once (issue 15); never rewrites a file.

Run from the checkout: `.venv/bin/python tests/audit/golden/make_golden_migration.py`.
An LTSA case starts on version 1, is proven and moved to version 2 (the
minimum age raised to 21, a step added before departure) while it waits for
the job order, and departs on version 2. The forged copy is what an insider
would produce: the migration's proof edited and the hash chain recomputed
after it, exported and signed by the installation; only the replay can tell.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "processes"), str(ROOT / "tests" / "engine")]

import migration_versions as versions  # noqa: E402
from ltsa_driver import Driver  # noqa: E402
from scratch import scratch_engine, write_export  # noqa: E402
from sqlalchemy import select, update  # noqa: E402

from engine import Actor, EventKind, JournalEvent  # noqa: E402
from engine.store.models import CaseRow, EventRow  # noqa: E402

MIGRATED = HERE / "migrated_case_export.json"
FORGED = HERE / "migrated_case_forged_proof_export.json"


def main() -> None:
    with scratch_engine(MIGRATED, FORGED) as (eng, clock, scratch):
        drv = Driver(eng, clock)
        case = drv.register()
        case = drv.documents(case, **drv.docs_for("belum_kawin"))
        case = drv.p3mi(drv.parallel(drv.print_ak1(case)))
        folder = versions.copy_processes(scratch / "v2")
        versions.minimum_age(folder, 21)
        versions.step_before_departure(folder)
        eng.deploy([folder], actor="designer")
        [moved] = eng.migrate("ltsa_placement", 2, Actor("desainer", "designer"))
        assert moved.outcome == "migrated"
        case = drv.contract(drv.verify_job_order(case))
        case = drv.final_verification(case)
        case = drv.complete(case, "penerbitan_skpln", {"skpln_number": "SKPLN-77"}, "dukcapil")
        case = drv.complete(case, "serah_terima", {"handover_date": "2026-04-03"}, "disnaker")
        case = drv.complete(case, "cek_pra_berangkat", {"ready_to_depart": True}, "bp2mi")
        case = drv.complete(
            case, "pemberangkatan", {"epmi_card_number": "E-1", "departure_date": "2026-04-05"}
        )
        assert case.status == "completed" and eng.verify(case.id).intact
        write_export(eng, case.id, MIGRATED)

        with eng.db.session() as session, session.begin():
            rows = session.scalars(
                select(EventRow).where(EventRow.case_id == case.id).order_by(EventRow.seq)
            ).all()
            previous = "0" * 64
            for row in rows:
                if row.kind == EventKind.CASE_MIGRATED:
                    row.payload = {**row.payload, "proof": "f" * 64}
                event = JournalEvent(
                    row.case_id, row.seq, EventKind(row.kind), row.recorded_at, row.actor,
                    row.desk, row.task_ref, row.payload, row.state_digest, previous, "",
                    row.format_version,
                ).chained(previous)  # fmt: skip
                row.prev_hash, row.hash = previous, event.hash
                previous = event.hash
            session.execute(update(CaseRow).where(CaseRow.id == case.id).values(head_hash=previous))
        write_export(eng, case.id, FORGED)


if __name__ == "__main__":
    main()
