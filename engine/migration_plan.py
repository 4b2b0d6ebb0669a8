"""What a migration is asked to do, checked before anything moves; and its per-case outcome.

A plan names the process, the target version, the versions and cases it
takes from, and the designer's mapping of old elements to new ones. Bad
input (an unknown version, a case of another process, a mapping to an
element the target lacks or of another kind) is refused whole, here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFound, ValidationFailed, known_id
from engine.registry import Registry
from engine.store.models import CaseRow, ProcessVersionRow
from engine.transplant import element_kinds
from engine.values import JsonValue

__all__ = ["CaseImpact", "MigrationOptions", "MigrationPlan", "plan_migration"]

OUTCOMES = ("migrated", "same", "diverges", "cannot")


@dataclass(frozen=True)
class CaseImpact(JsonValue):
    """What a new version means for one running case.

    `outcome`: `same` (would have run identically so far: may move),
    `diverges` (the first event `seq` where it would not, and why),
    `cannot` (its current element is not in the target), or `migrated`.
    In JSON (`to_dict`), `seq` is named ``event``.
    """

    case_id: int
    from_version: int
    to_version: int
    revision: int
    outcome: str
    seq: int | None = field(default=None, metadata={"json": "event"})
    reason: str | None = None
    current: tuple[str, ...] = ()
    mapping: dict[str, str] = field(default_factory=dict)
    rechecked: bool = False


@dataclass(frozen=True)
class MigrationPlan:
    """A checked request: move active cases of `key` to `to_version`."""

    key: str
    to_version: int
    target_id: int
    content_hash: str
    from_ids: tuple[int, ...]  # empty: every other version
    cases: tuple[int, ...]  # empty: every active case
    mapping: dict[str, str]
    kinds: dict[str, str]  # the target's elements
    after: int = 0  # only cases with a greater id (a page of a preview)


def _version(session: Session, key: str, number: int, field_name: str) -> ProcessVersionRow:
    known = list(
        session.scalars(
            select(ProcessVersionRow.version)
            .where(ProcessVersionRow.key == key)
            .order_by(ProcessVersionRow.version)
        )
    )
    if not known:
        raise NotFound(f"process {key!r} is not deployed")
    if number not in known:
        raise ValidationFailed(
            {field_name: [f"{key} has no version {number} (it has {', '.join(map(str, known))})"]}
        )
    return Registry.version_row(session, key, number)


class MigrationOptions(TypedDict, total=False):
    """The optional keywords of `plan_migration`, for those that pass them on."""

    from_version: int | None
    cases: Iterable[int]
    mapping: Mapping[str, str] | None
    after: int


def plan_migration(
    session: Session,
    registry: Registry,
    key: str,
    to_version: int,
    *,
    from_version: int | None = None,
    cases: Iterable[int] = (),
    mapping: Mapping[str, str] | None = None,
    after: int = 0,
) -> MigrationPlan:
    """Check a migration request; nothing is read beyond definitions and the named cases.

    Raises:
        NotFound: the process is not deployed.
        ValidationFailed: a version, case or mapping entry is wrong (the field is named).
    """
    wanted = tuple(sorted({known_id(c, "case") for c in cases}))
    target = _version(session, key, to_version, "to")
    target_kinds = element_kinds(registry.loaded(session, target.id).bundle)
    from_ids: tuple[int, ...] = ()
    if from_version is not None:
        if from_version == to_version:
            raise ValidationFailed({"from": ["the cases are on that version already"]})
        from_ids = (_version(session, key, from_version, "from").id,)
    problems = []
    source_ids = set(from_ids)
    for case_id in wanted:
        row = session.get(CaseRow, case_id)
        if row is None:
            problems.append(f"case {case_id} does not exist")
        elif row.process_key != key:
            problems.append(f"case {case_id} runs {row.process_key}, not {key}")
        elif row.status != "active":
            problems.append(f"case {case_id} is {row.status}; only active cases move")
        else:
            source_ids.add(row.process_version_id)
    if problems:
        raise ValidationFailed({"cases": problems})
    if not source_ids:
        source_ids = set(
            session.scalars(
                select(ProcessVersionRow.id).where(
                    ProcessVersionRow.key == key, ProcessVersionRow.id != target.id
                )
            )
        )
    source_kinds: dict[str, str] = {}
    for version_id in sorted(source_ids):
        for element, kind in element_kinds(registry.loaded(session, version_id).bundle).items():
            source_kinds.setdefault(element, kind)
    clean = _check_mapping(dict(mapping or {}), source_kinds, target_kinds, to_version)
    return MigrationPlan(
        key,
        to_version,
        target.id,
        target.content_hash,
        from_ids,
        wanted,
        clean,
        target_kinds,
        max(0, after),
    )


def _check_mapping(
    mapping: dict[str, str],
    source: Mapping[str, str],
    target: Mapping[str, str],
    to_version: int,
) -> dict[str, str]:
    problems = []
    for old, new in sorted(mapping.items()):
        if not isinstance(old, str) or not isinstance(new, str) or not old or not new:
            problems.append(f"{old!r}={new!r}: give element ids, OLD=NEW")
        elif old not in source:
            problems.append(f"{old}: no element of that id in the versions the cases run on")
        elif new not in target:
            problems.append(f"{old}={new}: version {to_version} has no element {new}")
        elif source[old] != target[new]:
            problems.append(
                f"{old}={new}: {old} is a {source[old]}, {new} a {target[new]}; "
                "map an element to one of the same kind"
            )
    if problems:
        raise ValidationFailed({"map": problems})
    return mapping
