"""Golden exports of a migrated case: both versions travel with it, the proof is checked offline.

`golden/make_golden_migration.py` wrote them once; the hashes pinned in
test_golden_exports.py fail if anyone rewrites a file instead of adding a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine import verify_export

LoadGolden = Callable[[str], dict[str, Any]]


def test_a_migrated_case_verifies_offline_across_both_versions(load_golden: LoadGolden) -> None:
    golden = load_golden("migrated_case_export.json")
    verdict = verify_export(golden, expected_key=golden["public_key"])
    assert verdict.intact, verdict.problems
    assert sorted(golden["versions"]) == ["1", "2"]
    kinds = [event["kind"] for event in golden["events"]]
    assert kinds.count("case_migrated") == 1
    migration = golden["events"][kinds.index("case_migrated")]
    assert (migration["payload"]["from_version"], migration["payload"]["to_version"]) == (1, 2)
    steps = [event["task_ref"] for event in golden["events"] if event["task_ref"]]
    assert "ltsa_placement/cek_pra_berangkat#1" in steps  # the step only version 2 has


def test_a_forged_proof_with_a_recomputed_chain_is_named_by_the_offline_replay(
    load_golden: LoadGolden,
) -> None:
    forged = load_golden("migrated_case_forged_proof_export.json")
    verdict = verify_export(forged, expected_key=forged["public_key"])
    seq = next(e["seq"] for e in forged["events"] if e["kind"] == "case_migrated")
    assert (verdict.intact, verdict.first_bad_event) == (False, seq)
    assert "proof does not hold" in verdict.problems[0]
