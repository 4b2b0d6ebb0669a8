"""Golden exports: files written once by an earlier engine must keep being judged the same way.

`golden/make_golden.py` wrote the first two (a complete happy-path LTSA case,
and the same case exported after an insider edited its registration event),
`golden/make_golden_migration.py` the migrated case and its forged copy
(tested in test_golden_migration.py). Tests only read them; the pinned hashes
fail if anyone rewrites a file instead of adding a new one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine import verify_export

GOLDEN = Path(__file__).parent / "golden"
PINNED = {
    "happy_path_export.json": "4082745ab42fe09f83cfddbdfa017524bfc06202961bc722be4d3754568a7f14",
    "happy_path_edited_event_export.json": (
        "5968b16495ab8c85fd27d1c6f321916c60d38a50c2bbfe96997a7f97f2d7960c"
    ),
    "migrated_case_export.json": (
        "5ae375a83707fb32e0d971d19065ac8342b6f17e77346bc48c7a34da76706d25"
    ),
    "migrated_case_forged_proof_export.json": (
        "2bd6e90ea554fbf931223e8566968c848b790f0afa1ae8ea65d12b58fdcfa150"
    ),
}
LoadGolden = Callable[[str], dict[str, Any]]


@pytest.mark.parametrize("name", sorted(PINNED))
def test_golden_file_is_never_rewritten(name: str) -> None:
    assert hashlib.sha256((GOLDEN / name).read_bytes()).hexdigest() == PINNED[name]


def test_golden_happy_path_export_verifies_and_replays(load_golden: LoadGolden) -> None:
    golden = load_golden("happy_path_export.json")
    verdict = verify_export(golden, expected_key=golden["public_key"])
    assert verdict.intact, verdict.problems
    assert verdict.events == len(golden["events"]) == 24
    assert golden["case"]["status"] == "completed"
    kinds = [event["kind"] for event in golden["events"]]
    assert kinds[0] == "case_started"
    assert {"task_completed", "timer_fired", "message_received"} <= set(kinds)


def test_golden_export_with_an_edited_event_names_that_event(load_golden: LoadGolden) -> None:
    golden = load_golden("happy_path_export.json")
    edited = load_golden("happy_path_edited_event_export.json")
    changed = [
        seq
        for seq, (ours, theirs) in enumerate(
            zip(golden["events"], edited["events"], strict=True), 1
        )
        if ours != theirs
    ]
    assert changed == [2]  # the file is what it claims: one edited event, nothing else

    # Signed by the same installation: only the chain can tell.
    verdict = verify_export(edited, expected_key=golden["public_key"])
    assert (verdict.intact, verdict.first_bad_event) == (False, 2)
    assert "event 2" in verdict.problems[0]
    assert "altered" in verdict.problems[0]


def test_golden_export_edited_after_signing_fails_its_signature(load_golden: LoadGolden) -> None:
    golden = load_golden("happy_path_export.json")
    golden["events"][1]["payload"]["data"]["birth_date"] = "2009-06-15"
    verdict = verify_export(golden)
    assert not verdict.intact
    assert "signature" in verdict.problems[0]
