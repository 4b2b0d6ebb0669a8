"""The caches that make preview + migration fast, and what they must never do.

A migration after a preview takes the state the preview proved instead of
replaying again, but only while the case's journal is the one proven; a
restored snapshot runs on the version's parsed specs; the DMN engine's parse
checks are cached per text.
"""

from __future__ import annotations

from pathlib import Path

import migration_versions as versions
import pytest
from ltsa_driver import Driver, birth_date_for_age, registration

import engine.migration
from engine import Actor, Engine, EventKind, verify_export
from engine.proven import ProvenStates
from engine.sandbox import SandboxScriptEngine
from engine.sandbox._environment import _parse_problem
from engine.state import CaseState, LoadedVersion
from engine.store.models import CaseRow

KEY = "ltsa_placement"
DESIGNER = Actor("desainer", "designer")


def _deploy_v2(drv: Driver, tmp_path: Path) -> int:
    folder = versions.copy_processes(tmp_path / "v2")
    versions.minimum_age(folder, 21)
    deployed = {d.key: d for d in drv.engine.deploy([folder], actor="designer")}
    return deployed[KEY].version


def _stored(eng: Engine, case_id: int) -> tuple[CaseRow, LoadedVersion]:
    """A case's row and its version as the registry loaded it."""
    with eng.db.session() as session:
        row = session.get(CaseRow, case_id)
        assert row is not None
        return row, eng.registry.loaded(session, row.process_version_id)


def _counting_proofs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the replays a migration runs (engine.migration's `prove`)."""
    calls: list[int] = []
    original = engine.migration.prove

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(engine.migration, "prove", counted)
    return calls


def test_after_a_preview_the_proven_state_moves_without_a_second_replay_and_verifies(
    ltsa: Driver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    eng = ltsa.engine
    adult = ltsa.documents(ltsa.register(), **ltsa.docs_for("belum_kawin"))
    started = ltsa.start()
    changed = ltsa.start()
    v2 = _deploy_v2(ltsa, tmp_path)
    assert {i.outcome for i in eng.preview_migration(KEY, v2, DESIGNER)} == {"same"}
    # an input after the preview: its proof is stale, it is proven again (and diverges)
    ltsa.complete(changed, "registrasi", registration(birth_date=birth_date_for_age(19)))
    proofs = _counting_proofs(monkeypatch)

    moved = {i.case_id: i for i in eng.migrate(KEY, v2, DESIGNER, previewed={changed.id: 1})}

    assert {c: i.outcome for c, i in moved.items()} == {
        adult.id: "migrated",
        started.id: "migrated",
        changed.id: "diverges",
    }
    assert moved[changed.id].rechecked
    assert len(proofs) == 1  # only the changed case replayed
    assert len(eng.migrator._proven) == 0  # each kept state is used once
    for case in (adult, started):
        history = eng.history(case.id)
        event = history[-1]
        assert event.kind is EventKind.CASE_MIGRATED
        assert event.payload["proof"] == history[-2].state_digest == event.state_digest
        assert event.payload["replayed_events"] == len(history) - 1
        assert eng.verify(case.id).intact
        assert verify_export(eng.export_case(case.id), eng.public_key()).intact
    # the migrated case runs on v2 as a replayed one would
    assert ltsa.ready(eng.get_case(adult.id)) == ["cetak_ak1"]
    assert ltsa.ready(ltsa.print_ak1(eng.get_case(adult.id))) != []
    assert eng.verify(adult.id).intact
    # never twice: a new batch takes nothing more
    assert [i.case_id for i in eng.migrate(KEY, v2, DESIGNER)] == [changed.id]


def test_a_kept_state_is_refused_for_another_journal_and_the_budget_bounds_the_store(
    ltsa: Driver, tmp_path: Path
) -> None:
    eng = ltsa.engine
    case = ltsa.register()
    state = eng.workflow_state(case.id)
    row, loaded = _stored(eng, case.id)
    bundle = loaded.bundle
    head, digest, revision = row.head_hash, row.state_digest, row.revision
    kept = ProvenStates()
    key = (case.id, 99)
    assert kept.keep(key, revision, head, state)
    assert kept.take(key, (revision, "f" * 64, digest), bundle) is None  # another chain head
    assert kept.take(key, (revision, head, digest), bundle) is None  # taken: never twice
    assert kept.keep(key, revision, head, state)
    assert kept.take(key, (revision + 1, head, digest), bundle) is None  # another revision
    assert kept.keep(key, revision, head, state)
    assert kept.take(key, (revision, head, "0" * 64), bundle) is None  # another digest
    assert kept.keep(key, revision, head, state)
    restored = kept.take(key, (revision, head, digest), bundle)
    assert restored is not None and restored.to_json() == state.to_json()
    assert kept.used == 0

    small = ProvenStates(budget_bytes=kept_size(state) + 10)
    assert small.keep((1, 1), 1, head, state)
    assert not small.keep((2, 1), 1, head, state)  # full: not kept, the migration replays
    assert len(small) == 1
    small.clear()
    assert (len(small), small.used) == (0, 0)


def kept_size(state: CaseState) -> int:
    probe = ProvenStates()
    probe.keep((0, 0), 0, "", state)
    return probe.used


def test_a_restored_snapshot_runs_on_the_versions_parsed_specs(ltsa: Driver) -> None:
    eng = ltsa.engine
    case = ltsa.register()
    state = eng.workflow_state(case.id)
    _, loaded = _stored(eng, case.id)
    restored = CaseState.from_json(state.to_json(), loaded.bundle)
    assert restored.workflow.spec is loaded.bundle.spec
    assert all(
        restored.workflow.subprocess_specs[name] is spec
        for name, spec in loaded.bundle.subprocess_specs.items()
    )
    assert restored.to_json() == state.to_json()


def test_the_dmn_parse_check_is_cached_per_text_and_a_new_text_is_parsed_anew() -> None:
    script_engine = SandboxScriptEngine()
    text = "'perf-cache-probe' < 18"
    before = _parse_problem.cache_info()
    script_engine.validate(text)
    script_engine.validate(text)
    after = _parse_problem.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)
    with pytest.raises(SyntaxError):
        script_engine.validate("< 21 'perf-cache-probe'")
    with pytest.raises(SyntaxError):  # a cached failure still fails
        script_engine.validate("< 21 'perf-cache-probe'")
    script_engine.validate("'perf-cache-probe' < 21")  # a changed entry: its own verdict
    assert _parse_problem.cache_info().misses - after.misses == 2
