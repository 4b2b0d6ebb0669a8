"""The definition registry: validated deployments stored as immutable versions.

A process gets a new version only when the content hash of its files (its
own, the processes it calls and the decisions it uses) changes; the files
are kept byte for byte, so any past version can run again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.definitions import (
    ProcessBundle,
    SourceFile,
    closure_hash,
    load_files,
    parse_bundle,
    validate_deployment,
)
from engine.errors import DeploymentFailed, NotFound
from engine.state import LoadedVersion
from engine.store.db import Database
from engine.store.models import CaseRow, DefinitionFile, ProcessVersionRow
from engine.values import from_row
from engine.views import DeployedProcess, ProcessVersion
from engine.visibility import audience_errors

__all__ = ["Registry"]


def _validate(files: Sequence[SourceFile]) -> dict[str, ProcessBundle]:
    """The deployment's bundles, its forms' `visibility` audiences checked too."""
    bundles = validate_deployment(files)
    errors = [error for bundle in bundles.values() for error in audience_errors(bundle)]
    if errors:
        raise DeploymentFailed(errors)
    return bundles


class Registry:
    """Stored process versions and their parsed, cached bundles."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._versions: dict[int, LoadedVersion] = {}
        self._numbers: dict[int, int] = {}

    def validate(self, sources: Sequence[Path] | Sequence[SourceFile]) -> list[str]:
        """Check a deployment without storing it; return the process keys.

        Raises:
            DeploymentFailed: with every problem found.
        """
        files = self.as_files(sources)
        return sorted(_validate(files))

    def deploy(
        self,
        sources: Sequence[Path] | Sequence[SourceFile],
        actor: str,
        *,
        tests_skipped: bool = False,
        also: Callable[[Session], None] | None = None,
    ) -> list[DeployedProcess]:
        """Validate and store a deployment; a process gets a version only when changed.

        With `tests_skipped`, new versions record that `actor` deployed them
        without running the scenarios, and when; `also` stores more in the
        same transaction (the scenario files).

        Raises:
            DeploymentFailed: nothing is stored.
        """
        files = self.as_files(sources)
        bundles = _validate(files)
        results: list[DeployedProcess] = []
        now = self.clock.now()
        with self.db.session() as session, session.begin():
            if also is not None:
                also(session)
            for key in sorted(bundles):
                bundle = bundles[key]
                content_hash = closure_hash(bundle.files)
                latest = session.scalars(
                    select(ProcessVersionRow)
                    .where(ProcessVersionRow.key == key)
                    .order_by(ProcessVersionRow.version.desc())
                    .limit(1)
                ).first()
                if latest is not None and latest.content_hash == content_hash:
                    results.append(DeployedProcess(key, latest.version, content_hash, "unchanged"))
                    continue
                for source in bundle.files:
                    if session.get(DefinitionFile, source.sha256) is None:
                        session.add(DefinitionFile(sha256=source.sha256, content=source.content))
                        session.flush()
                version = (latest.version if latest else 0) + 1
                session.add(
                    ProcessVersionRow(
                        key=key,
                        version=version,
                        content_hash=content_hash,
                        files=[{"name": f.name, "sha256": f.sha256} for f in bundle.files],
                        name=str(bundle.spec.description or key),
                        deployed_at=now,
                        deployed_by=actor,
                        tests_skipped_by=actor if tests_skipped else None,
                        tests_skipped_at=now if tests_skipped else None,
                    )
                )
                results.append(DeployedProcess(key, version, content_hash, "new"))
        return results

    @staticmethod
    def as_files(sources: Sequence[Path] | Sequence[SourceFile]) -> list[SourceFile]:
        """Files as given, or read from paths (.bpmn and .dmn in directories)."""
        if all(isinstance(s, SourceFile) for s in sources):
            return [s for s in sources if isinstance(s, SourceFile)]
        return load_files(Path(str(s)) for s in sources)

    def processes(self) -> list[ProcessVersion]:
        """Every stored process version, newest first per key."""
        with self.db.session() as session:
            counts = dict(
                session.execute(
                    select(CaseRow.process_version_id, func.count())
                    .where(CaseRow.status == "active")
                    .group_by(CaseRow.process_version_id)
                ).all()
            )
            rows = session.scalars(
                select(ProcessVersionRow).order_by(
                    ProcessVersionRow.key, ProcessVersionRow.version.desc()
                )
            ).all()
            return [self.version_view(r, counts.get(r.id, 0)) for r in rows]

    @staticmethod
    def version_view(row: ProcessVersionRow, active: int = 0) -> ProcessVersion:
        """The public view of a stored version."""
        files = tuple(f["name"] for f in row.files)
        return from_row(ProcessVersion, row, files=files, active_cases=active)

    def version_files(self, key: str, version: int) -> list[SourceFile]:
        """The stored files of one process version."""
        with self.db.session() as session:
            row = self.version_row(session, key, version)
            return self.files_of(session, row)

    @staticmethod
    def files_of(session: Session, row: ProcessVersionRow) -> list[SourceFile]:
        """The stored files of a version row."""
        files = []
        for entry in row.files:
            stored = session.get(DefinitionFile, entry["sha256"])
            if stored is None:
                raise NotFound(f"definition file {entry['name']} is missing from the store")
            files.append(SourceFile(entry["name"], stored.content))
        return files

    @staticmethod
    def version_row(session: Session, key: str, version: int | None) -> ProcessVersionRow:
        """A version row by key and number (None: the latest).

        Raises:
            NotFound: no such version.
        """
        query = select(ProcessVersionRow).where(ProcessVersionRow.key == key)
        if version is None:
            query = query.order_by(ProcessVersionRow.version.desc()).limit(1)
        else:
            query = query.where(ProcessVersionRow.version == version)
        row = session.scalars(query).first()
        if row is None:
            what = f"process {key!r}" + (f" version {version}" if version else "")
            raise NotFound(f"{what} is not deployed")
        return row

    def number(self, session: Session, version_id: int) -> int:
        """The version number of a stored version id (cached: versions are immutable)."""
        number = self._numbers.get(version_id)
        if number is None:
            number = self._numbers[version_id] = self._row(session, version_id).version
        return number

    def loaded(self, session: Session, version_id: int) -> LoadedVersion:
        """A stored version parsed and ready to run (cached: versions are immutable)."""
        loaded = self._versions.get(version_id)
        if loaded is None:
            row = self._row(session, version_id)
            loaded = LoadedVersion.of(parse_bundle(row.key, self.files_of(session, row)))
            self._versions[version_id] = loaded
        return loaded

    @staticmethod
    def _row(session: Session, version_id: int) -> ProcessVersionRow:
        row = session.get(ProcessVersionRow, version_id)
        if row is None:
            raise NotFound(f"process version {version_id} does not exist")
        return row
