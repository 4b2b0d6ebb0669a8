"""Write the golden exports once: a complete happy-path LTSA case, and a copy with one edited event.

Run from the checkout: `.venv/bin/python tests/audit/golden/make_golden.py`.
It refuses to overwrite a file: golden files are added, never rewritten. A new
judgement needs a new file (and a new test), so old ones keep being judged the
same way by every later engine.

The edited copy is what an insider would produce: event 2 (the registration)
changed in the database, then exported and signed by the installation, so the
signature is valid and only the hash chain and the replay can tell.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "processes")]

from ltsa_driver import Driver, registration  # noqa: E402
from scratch import scratch_engine, write_export  # noqa: E402
from sqlalchemy import text  # noqa: E402

from engine import ManualClock  # noqa: E402

HAPPY = HERE / "happy_path_export.json"
EDITED = HERE / "happy_path_edited_event_export.json"
EDITED_SEQ = 2


def happy_path(driver: Driver, clock: ManualClock) -> int:
    """Registration to departure, with the embassy late enough for the SLA reminder."""
    case = driver.register()
    case = driver.documents(case, **driver.docs_for("belum_kawin"))
    clock.advance(timedelta(hours=3))
    case = driver.print_ak1(case)
    clock.advance(timedelta(days=1))
    case = driver.parallel(case)
    clock.advance(timedelta(days=2))
    case = driver.p3mi(case)
    clock.advance(timedelta(days=15))
    assert driver.engine.fire_due_timers() == 1
    case = driver.complete(
        case, "pengingat_sla", {"sla_follow_up": "Surat ke KBRI Taipei", "sla_escalated": True}
    )
    case = driver.verify_job_order(case)
    clock.advance(timedelta(days=1))
    case = driver.contract(case)
    case = driver.final_verification(case)
    case = driver.departure(case)
    assert case.status == "completed", case.status
    return case.id


def main() -> None:
    with scratch_engine(HAPPY, EDITED) as (eng, clock, _):
        case_id = happy_path(Driver(eng, clock), clock)
        write_export(eng, case_id, HAPPY)

        edited = {"data": registration(birth_date="2009-06-15")}  # a minor, after the fact
        with eng.db.engine.begin() as connection:
            connection.execute(
                text("UPDATE journal_events SET payload = :p WHERE case_id = :c AND seq = :s"),
                {"p": json.dumps(edited), "c": case_id, "s": EDITED_SEQ},
            )
        write_export(eng, case_id, EDITED)


if __name__ == "__main__":
    main()
