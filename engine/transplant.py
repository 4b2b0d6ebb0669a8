"""Moving a case's state onto another process version, and replaying across such moves.

A migration is proven by replay: the case's inputs fed to the target version
must reproduce every recorded state digest (`prove`); the state that replay
reaches is the case's state on the target. A designer's explicit mapping of
the case's current elements moves the workflow itself instead (`transplant`).
`Replayer` replays a journal event by event across its `case_migrated` events,
checking each migration's proof: verify, step-through and exports use it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.util.task import TaskState

from engine.definitions import ProcessBundle, SourceFile, closure_hash, parse_bundle
from engine.errors import EngineError, NotFound, ValidationFailed
from engine.journal import EventKind, JournalEvent
from engine.state import CaseState, LoadedVersion

__all__ = [
    "Loader",
    "Replayer",
    "compare_elements",
    "element_kinds",
    "export_loader",
    "versions_run",
    "prove",
    "transplant",
]

Loader = Callable[[int], LoadedVersion]
_LIVE = TaskState.READY | TaskState.WAITING
_NOT_STARTED = TaskState.PREDICTED_MASK | TaskState.FUTURE


def _kind(spec: TaskSpec) -> str:
    """What a mapping must preserve: a user task stays a user task, a timer a timer."""
    if isinstance(spec, UserTask):
        return "userTask"
    if isinstance(spec, CatchingEvent):
        definition = getattr(spec, "event_definition", None)
        return f"event:{type(definition).__name__}"
    return type(spec).__name__


def element_kinds(bundle: ProcessBundle) -> dict[str, str]:
    """Every BPMN element id of a version (called processes included) and its kind."""
    kinds: dict[str, str] = {}
    for spec in bundle.all_specs():
        for task_spec in spec.task_specs.values():
            element = getattr(task_spec, "bpmn_id", None)
            if element:
                kinds.setdefault(str(element), _kind(task_spec))
    return kinds


def _specs_by_element(loaded: LoadedVersion) -> dict[str, str]:
    """Each element's serialized spec, as text (what a change of the element changes)."""
    found: dict[str, str] = {}
    specs = [loaded.spec_dicts["spec"], *loaded.spec_dicts["subprocess_specs"].values()]
    for spec in specs:
        for task_spec in spec.get("task_specs", {}).values():
            element = task_spec.get("bpmn_id")
            if element:
                found.setdefault(str(element), json.dumps(task_spec, sort_keys=True, default=str))
    return found


def compare_elements(old: LoadedVersion, new: LoadedVersion) -> dict[str, Any]:
    """Elements added, removed and changed from `old` to `new`; `new`'s elements by kind."""
    before, after = _specs_by_element(old), _specs_by_element(new)
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "changed": sorted(e for e in set(before) & set(after) if before[e] != after[e]),
        "elements": element_kinds(new.bundle),
        "old_elements": element_kinds(old.bundle),
    }


def prove(
    target: ProcessBundle, events: Sequence[JournalEvent], *, trusted: bool = False
) -> tuple[CaseState, int | None, str | None]:
    """Feed the case's inputs to `target`, comparing every recorded digest.

    Returns the state reached, the first event whose digest the target does
    not reproduce (None: the proof holds) and, when an input cannot happen on
    the target at all, why. `trusted`: these events were proven before, only
    the last digest is compared (on a mismatch, everything is, again).
    """
    state = CaseState.new(target)
    for position, event in enumerate(events, start=1):
        if event.kind is not EventKind.CASE_MIGRATED:
            try:
                state.apply(event.kind, event.recorded_at, event.task_ref, event.payload)
            except EngineError as exc:
                if trusted:
                    return prove(target, events)
                return state, event.seq, f"event {event.seq} ({event.kind}) cannot happen: {exc}"
        if (not trusted or position == len(events)) and state.digest() != event.state_digest:
            return prove(target, events) if trusted else (state, event.seq, None)
    return state, None, None


def _descendants(tasks: dict[str, Any], task_id: str) -> list[str]:
    found, stack = [], list(tasks[task_id]["children"])
    while stack:
        child = stack.pop()
        if child in tasks:
            found.append(child)
            stack.extend(tasks[child]["children"])
    return found


def _drop_future(tasks: dict[str, Any], task_id: str) -> None:
    """Remove the not-yet-started tasks below a task (re-predicted after loading)."""
    for child in _descendants(tasks, task_id):
        if tasks[child]["state"] & _NOT_STARTED:
            tasks.pop(child, None)
    for entry in tasks.values():
        entry["children"] = [c for c in entry["children"] if c in tasks]


def transplant(state: CaseState, target: LoadedVersion, mapping: Mapping[str, str]) -> CaseState:
    """The case's workflow on the target's specs, its mapped elements moved.

    A ready or waiting task at a mapped element becomes a task of the new
    element (with a new reference); tasks not yet started are predicted again
    from the target. Everything else must exist in the target unchanged.

    Raises:
        ValidationFailed: the case's workflow cannot be placed on the target.
    """
    raw = json.loads(state.to_json())
    top = raw["workflow"]
    names = {spec.name: set(spec.task_specs) for spec in target.bundle.all_specs()}
    workflows = [(target.bundle.spec.name, top["tasks"])]
    workflows += [(sub["spec"], sub["tasks"]) for sub in top["subprocesses"].values()]
    again: list[str] = []
    for spec_name, tasks in workflows:
        known = names.get(spec_name, set())
        for task_id in list(tasks):
            entry = tasks.get(task_id)
            if entry is None:
                continue
            name = entry["task_spec"]
            if name in mapping and entry["state"] & _LIVE:
                entry["task_spec"] = mapping[name]
                raw["refs"].pop(task_id, None)
                _drop_future(tasks, task_id)
                again.append(task_id)
            elif name not in known:
                if not entry["state"] & _NOT_STARTED:
                    raise ValidationFailed(
                        {"map": [f"the case has passed {name}, which the target version lacks"]}
                    )
                parent = entry["parent"]
                for gone in [task_id, *_descendants(tasks, task_id)]:
                    tasks.pop(gone, None)
                if parent in tasks:
                    tasks[parent]["children"] = [c for c in tasks[parent]["children"] if c in tasks]
                    _drop_future(tasks, parent)
                    again.append(parent)
    moved = CaseState.from_json(json.dumps(raw), target.bundle)
    for task_id in dict.fromkeys(again):
        task = moved.workflow.get_task_from_id(UUID(task_id))
        if task is None:
            continue
        task.task_spec._predict(task, mask=TaskState.NOT_FINISHED_MASK)
    moved.rescan()
    return moved


class Replayer:
    """Replays a journal event by event, across the versions its migrations name.

    `loader` gives a version by number; the case starts on the version its
    `case_started` event names (`first_version` for journals that name none).
    """

    def __init__(self, loader: Loader, first_version: int) -> None:
        self.loader = loader
        self.version = first_version
        self.state: CaseState | None = None
        self.seen: list[JournalEvent] = []

    def feed(self, event: JournalEvent) -> str | None:
        """Apply one event; return what is wrong with a migration event, or None.

        Raises:
            EngineError: an input does not apply.
        """
        problem = None
        if event.kind is EventKind.CASE_MIGRATED:
            problem = self._migrate(event)
        else:
            if event.kind is EventKind.CASE_STARTED or self.state is None:
                self.version = int(event.payload.get("version") or self.version)
                self.state = CaseState.new(self.loader(self.version).bundle)
            self.state.apply(event.kind, event.recorded_at, event.task_ref, event.payload)
        self.seen.append(event)
        return problem

    def _migrate(self, event: JournalEvent) -> str | None:
        payload, seq = event.payload, event.seq
        if self.state is None:
            return f"event {seq}: a migration before the case started"
        if payload.get("from_version") != self.version:
            return (
                f"event {seq}: the case ran on version {self.version}, but the migration "
                f"says it came from version {payload.get('from_version')}"
            )
        try:
            to = int(payload["to_version"])
            target = self.loader(to)
        except (EngineError, KeyError, TypeError, ValueError):
            return f"event {seq}: the migration names version {payload.get('to_version')}, unknown"
        if closure_hash(target.bundle.files) != payload.get("to_content_hash"):
            return f"event {seq}: version {to} is not the one the migration names (content hash)"
        mapping = payload.get("mapping") or {}
        if mapping:
            try:
                self.state = transplant(self.state, target, mapping)
            except EngineError as exc:
                return f"event {seq}: the mapping does not apply: {exc}"
        else:
            proven, bad, _ = prove(target.bundle, self.seen)
            if bad is not None:
                return (
                    f"event {seq}: the migration's proof does not hold: "
                    f"on version {to} event {bad} would have differed"
                )
            if proven.digest() != payload.get("proof"):
                return (
                    f"event {seq}: the migration's proof does not hold: replaying events "
                    f"1-{seq - 1} on version {to} reaches another state than the recorded proof"
                )
            self.state = proven
        self.version = to
        return None


def versions_run(events: Sequence[JournalEvent]) -> list[int]:
    """The version numbers a journal ran on: its start's, then each migration's target."""
    numbers: list[int] = []
    for event in events:
        if event.kind is EventKind.CASE_STARTED and "version" in event.payload:
            numbers.append(int(event.payload["version"]))
        elif event.kind is EventKind.CASE_MIGRATED and "to_version" in event.payload:
            numbers.append(int(event.payload["to_version"]))
    return list(dict.fromkeys(numbers))


def export_loader(document: dict[str, Any]) -> Loader:
    """The versions an export carries: `definitions` (the case's version) and `versions`."""
    cache: dict[int, LoadedVersion] = {}
    case_version = int(document["case"]["version"])

    def load(version: int) -> LoadedVersion:
        if version not in cache:
            encoded = document.get("versions", {}).get(str(version))
            if encoded is None and version == case_version:
                encoded = document["definitions"]
            if encoded is None:
                raise NotFound(f"the export does not carry version {version}")
            files = [SourceFile(n, base64.b64decode(c)) for n, c in encoded.items()]
            cache[version] = LoadedVersion.of(parse_bundle(document["case"]["process"], files))
        return cache[version]

    return load
