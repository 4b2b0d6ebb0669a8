"""Who may see specific personal data: the `visibility` property of BPMN form fields.

A designer declares it on a camunda:formField (``visibility`` =
``dinkes,verifikasi_akhir,auditor,kepala``): desk codes (officers of that
desk), roles (auditor, kepala, admin ...) and user-task ids (the officer who
may work that task while it is ready in the case). A field without it keeps
today's access. The rule holds outside the task's own form: case pages, the
API, histories and exports show a hidden field to nobody else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from engine.definitions import ProcessBundle
from engine.desks import Desk
from engine.errors import DeploymentError
from engine.journal import JournalEvent
from engine.store.db import Database
from engine.views import Actor, CaseView, Role

if TYPE_CHECKING:  # the registry checks audiences at deployment: it imports this module
    from engine.registry import Registry

__all__ = ["Visibility", "audience_errors", "restricted_fields"]


def audience_errors(bundle: ProcessBundle) -> list[DeploymentError]:
    """Names in `visibility` properties that are no desk, role or user task of the process."""
    known = {d.value for d in Desk} | {r.value for r in Role if r != Role.SYSTEM}
    known |= {task for _, task in bundle.desks}
    errors = []
    for (_, task), form in sorted(bundle.forms.items()):
        for field in form.fields:
            for name in field.visibility:
                if name not in known:
                    errors.append(
                        _error_at(
                            bundle,
                            task,
                            "LTSA-D014",
                            f"field {field.id!r}: visibility names {name!r}, "
                            "which is no desk, role or user task of this process",
                            "list desk codes (dinkes), roles (auditor, kepala) or user-task ids",
                        )
                    )
    return errors + _outside_audience_errors(bundle)


def _outside_audience_errors(bundle: ProcessBundle) -> list[DeploymentError]:
    """Restricted fields declared on a task whose own officer is not in their audience.

    A task form shows every field it declares to the officer working it, so
    such a form would show the field outside its audience.
    """
    audiences = restricted_fields(bundle.forms.values())
    errors = []
    for (spec, task), form in sorted(bundle.forms.items()):
        desk = bundle.desks.get((spec, task))
        for field in form.fields:
            audience = audiences.get(field.id, frozenset())
            if audience and not ({task, desk, str(Role.OFFICER)} & audience):
                errors.append(
                    _error_at(
                        bundle,
                        task,
                        "LTSA-D015",
                        f"field {field.id!r} is visible only to {', '.join(sorted(audience))}, "
                        f"but task {task!r} at desk {desk!r} shows it on its form",
                        f"add {desk!r} or {task!r} to the field's visibility, "
                        "or leave the field off this task's form",
                    )
                )
    return errors


def _error_at(
    bundle: ProcessBundle, element_id: str, code: str, message: str, hint: str
) -> DeploymentError:
    """The problem, at the file and line where the element is declared."""
    marker = f'id="{element_id}"'.encode()
    for source in bundle.files:
        at = source.content.find(marker)
        if at >= 0:
            line = source.content.count(b"\n", 0, at) + 1
            return DeploymentError(source.name, line, element_id, code, message, hint)
    return DeploymentError("-", None, element_id, code, message, hint)


def restricted_fields(forms_of_version: Iterable[Any]) -> dict[str, frozenset[str]]:
    """Field id -> who may see it, over every form of a process version.

    A field declared restricted on any form is restricted; the audiences of
    several declarations add up.
    """
    found: dict[str, set[str]] = {}
    for form in forms_of_version:
        for field in form.fields:
            if field.visibility:
                found.setdefault(field.id, set()).update(field.visibility)
    return {field: frozenset(audience) for field, audience in found.items()}


def may_see(audience: frozenset[str], actor: Actor, case: CaseView) -> bool:
    """Whether `actor` is in a field's declared audience for this case."""
    if actor.role == Role.SYSTEM or str(actor.role) in audience:
        return True
    if actor.role != Role.OFFICER:
        return False
    if any(desk in audience for desk in actor.desks):
        return True
    return any(t.name in audience and actor.may_act_at(t.desk) for t in case.ready_tasks)


def _without(data: Mapping[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in hidden}


class Visibility:
    """Applies the declared visibility of each process version to what an actor reads."""

    def __init__(self, db: Database, registry: Registry) -> None:
        self.db = db
        self.registry = registry
        self._restricted: dict[tuple[str, int], dict[str, frozenset[str]]] = {}

    def restricted(self, process_key: str, version: int) -> dict[str, frozenset[str]]:
        """The restricted fields of a version (cached: versions are immutable)."""
        key = (process_key, version)
        found = self._restricted.get(key)
        if found is None:
            with self.db.session() as session:
                row = self.registry.version_row(session, process_key, version)
                forms_of = self.registry.loaded(session, row.id).bundle.forms.values()
                found = self._restricted[key] = restricted_fields(forms_of)
        return found

    def hidden(self, case: CaseView, actor: Actor) -> frozenset[str]:
        """The fields of `case` that `actor` may not see."""
        return frozenset(
            field
            for field, audience in self.restricted(case.process_key, case.version).items()
            if not may_see(audience, actor, case)
        )

    def case(self, case: CaseView, actor: Actor, hidden: frozenset[str] | None = None) -> CaseView:
        """`case` with the data `actor` may not see (or the `hidden` fields) left out."""
        hidden = self.hidden(case, actor) if hidden is None else hidden
        return replace(case, data=_without(case.data, hidden)) if hidden else case

    @staticmethod
    def events(events: Iterable[JournalEvent], hidden: frozenset[str]) -> list[JournalEvent]:
        """Journal events with hidden fields left out of their data.

        Their hashes no longer recompute: only auditors, who see everything, verify.
        """
        shown = []
        for event in events:
            payload = event.payload
            data = payload.get("data")
            if hidden and isinstance(data, dict) and hidden & set(data):
                payload = {**payload, "data": _without(data, hidden)}
            if hidden and payload.get("field") in hidden:
                payload = {**payload, "value": None, "hidden": True}
            shown.append(replace(event, payload=payload) if payload is not event.payload else event)
        return shown

    @staticmethod
    def data(data: Mapping[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
        """`data` without the hidden fields."""
        return _without(data, hidden)
