"""Queue counters stay exact when a migration moves a waiting task to another desk."""

from __future__ import annotations

from pathlib import Path

import migration_versions as versions
from ltsa_driver import Driver
from test_migration import DESIGNER, KEY, deploy_v2, to_savings
from test_offices import _counters_and_journal


def _savings_at_p3mi(folder: Path) -> None:
    """v2: the savings step belongs to the P3MI's lane instead of the bank's."""
    path = folder / versions.BPMN
    text = path.read_text()
    ref = "<bpmn:flowNodeRef>tabungan_kur</bpmn:flowNodeRef>"
    assert text.count(ref) == 1
    text = text.replace(ref, "", 1)
    lane = '<bpmn:lane id="p3mi" name="P3MI (Perusahaan Penempatan)">'
    path.write_text(text.replace(lane, lane + ref, 1))


def test_a_task_moved_to_another_desk_by_a_migration_moves_in_the_counters(
    ltsa: Driver, tmp_path: Path
) -> None:
    eng = ltsa.engine
    case = to_savings(ltsa)
    assert [t.desk for t in eng.get_case(case.id).ready_tasks] == ["bank"]
    v2 = deploy_v2(ltsa, tmp_path, _savings_at_p3mi)
    moved = {i.case_id: i.outcome for i in eng.migrate(KEY, v2, DESIGNER)}
    assert moved == {case.id: "migrated"}
    assert [t.desk for t in eng.get_case(case.id).ready_tasks] == ["p3mi"]
    counted, expected = _counters_and_journal(eng)
    assert counted == dict(expected)
    # and when the moved task is completed, the p3mi queue goes down, not the bank's
    ltsa.complete(case, "tabungan_kur", {"placement_financing": "tabungan"}, "p3mi")
    counted, expected = _counters_and_journal(eng)
    assert counted == dict(expected)
