"""Deployments gated by the designer's scenarios, and the scenario files stored with them.

A deployment first runs its scenarios (the ones given, or the latest stored
set) against the files being deployed, and stores nothing when one fails.
Skipping the run is explicit and recorded on the new versions. A draft (the
files a designer is editing) is tested against the latest deployed files
overlaid with the draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.definitions import SourceFile
from engine.registry import Registry
from engine.scenario_report import ScenarioReport, ScenariosFailed
from engine.scenario_runner import EngineFactory, run_scenario_files
from engine.store.db import Database
from engine.store.models import DefinitionFile, ProcessVersionRow, ScenarioSetRow
from engine.views import DeployedProcess

__all__ = ["Deployments"]


class Deployments:
    """Deploys through the registry after the scenarios pass; keeps the scenario sets."""

    def __init__(
        self, db: Database, clock: Clock, registry: Registry, make_engine: EngineFactory
    ) -> None:
        self.db = db
        self.clock = clock
        self.registry = registry
        self.make_engine = make_engine

    def run(self, sources: Sequence[SourceFile], scenarios: Sequence[SourceFile]) -> ScenarioReport:
        """Run `scenarios` against `sources` on a throw-away engine."""
        return run_scenario_files(self.make_engine, sources, scenarios)

    def deploy(
        self,
        sources: Sequence[Path] | Sequence[SourceFile],
        actor: str,
        *,
        scenarios: Sequence[SourceFile] | None,
        skip_tests: bool,
    ) -> list[DeployedProcess]:
        """Run the scenarios, then store the deployment (and a new scenario set).

        Raises:
            ScenariosFailed: a scenario failed; nothing is stored.
            ScenarioFileError: a scenario file is invalid; nothing is stored.
            DeploymentFailed: a process file is invalid; nothing is stored.
        """
        files = self.registry.as_files(sources)
        tests = self.stored_scenarios() if scenarios is None else list(scenarios)
        if tests and not skip_tests:
            report = run_scenario_files(self.make_engine, files, tests, only_processes_given=True)
            if not report.passed:
                raise ScenariosFailed(report)
        new_set = list(scenarios or [])

        def store_set(session: Session) -> None:
            if new_set and _names_and_hashes(new_set) != self._latest_listing(session):
                _store_files(session, new_set)
                session.add(
                    ScenarioSetRow(
                        stored_at=self.clock.now(),
                        stored_by=actor,
                        files=[{"name": f.name, "sha256": f.sha256} for f in new_set],
                    )
                )

        return self.registry.deploy(
            files, actor, tests_skipped=bool(tests) and skip_tests, also=store_set
        )

    def stored_scenarios(self) -> list[SourceFile]:
        """The latest stored scenario set (empty when none was ever stored)."""
        with self.db.session() as session:
            row = _latest(session)
            if row is None:
                return []
            files = []
            for entry in row.files:
                stored = session.get(DefinitionFile, entry["sha256"])
                if stored is not None:
                    files.append(SourceFile(entry["name"], stored.content))
            return files

    def test_draft(
        self, sources: Sequence[SourceFile], scenarios: Sequence[SourceFile] | None
    ) -> ScenarioReport:
        """Run scenarios (given, or stored) against the deployed files overlaid by `sources`."""
        tests = self.stored_scenarios() if scenarios is None else list(scenarios)
        return run_scenario_files(self.make_engine, self.overlay(sources), tests)

    def overlay(self, sources: Sequence[SourceFile]) -> list[SourceFile]:
        """The latest deployed file of each name, replaced by `sources` where they name it."""
        by_name: dict[str, SourceFile] = {}
        with self.db.session() as session:
            rows = session.scalars(
                select(ProcessVersionRow).order_by(
                    ProcessVersionRow.deployed_at, ProcessVersionRow.id
                )
            ).all()
            latest: dict[str, ProcessVersionRow] = {row.key: row for row in rows}
            for row in sorted(latest.values(), key=lambda r: (r.deployed_at, r.id)):
                for source in self.registry.files_of(session, row):
                    by_name[source.name] = source
        for source in sources:
            by_name[source.name] = source
        return list(by_name.values())

    @staticmethod
    def _latest_listing(session: Session) -> list[tuple[str, str]] | None:
        row = _latest(session)
        return None if row is None else [(f["name"], f["sha256"]) for f in row.files]


def _latest(session: Session) -> ScenarioSetRow | None:
    return session.scalars(
        select(ScenarioSetRow).order_by(ScenarioSetRow.id.desc()).limit(1)
    ).first()


def _names_and_hashes(files: Sequence[SourceFile]) -> list[tuple[str, str]]:
    return [(f.name, f.sha256) for f in files]


def _store_files(session: Session, files: Sequence[SourceFile]) -> None:
    for source in files:
        if session.get(DefinitionFile, source.sha256) is None:
            session.add(DefinitionFile(sha256=source.sha256, content=source.content))
            session.flush()
