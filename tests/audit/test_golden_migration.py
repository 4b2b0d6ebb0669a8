"""Golden exports of a migrated case: both versions travel with it, the proof is checked offline.

`golden/make_golden_migration.py` wrote them once; the pinned hashes fail if
anyone rewrites a file instead of adding a new one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from engine import verify_export

GOLDEN = Path(__file__).parent / "golden"
PINNED = {
    "migrated_case_export.json": (
        "5ae375a83707fb32e0d971d19065ac8342b6f17e77346bc48c7a34da76706d25"
    ),
    "migrated_case_forged_proof_export.json": (
        "2bd6e90ea554fbf931223e8566968c848b790f0afa1ae8ea65d12b58fdcfa150"
    ),
}


def _load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    return document


@pytest.mark.parametrize("name", sorted(PINNED))
def test_golden_migration_file_is_never_rewritten(name: str) -> None:
    assert hashlib.sha256((GOLDEN / name).read_bytes()).hexdigest() == PINNED[name]


def test_a_migrated_case_verifies_offline_across_both_versions() -> None:
    golden = _load("migrated_case_export.json")
    verdict = verify_export(golden, expected_key=golden["public_key"])
    assert verdict.intact, verdict.problems
    assert sorted(golden["versions"]) == ["1", "2"]
    kinds = [event["kind"] for event in golden["events"]]
    assert kinds.count("case_migrated") == 1
    migration = golden["events"][kinds.index("case_migrated")]
    assert (migration["payload"]["from_version"], migration["payload"]["to_version"]) == (1, 2)
    steps = [event["task_ref"] for event in golden["events"] if event["task_ref"]]
    assert "ltsa_placement/cek_pra_berangkat#1" in steps  # the step only version 2 has


def test_a_forged_proof_with_a_recomputed_chain_is_named_by_the_offline_replay() -> None:
    forged = _load("migrated_case_forged_proof_export.json")
    verdict = verify_export(forged, expected_key=forged["public_key"])
    seq = next(e["seq"] for e in forged["events"] if e["kind"] == "case_migrated")
    assert (verdict.intact, verdict.first_bad_event) == (False, seq)
    assert "proof does not hold" in verdict.problems[0]
