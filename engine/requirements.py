"""The requirements and procedure to work abroad, read from the deployed definitions.

What the public reads (`/publik`) is derived here from the stored files of
the latest `ltsa_placement` version: the DMN tables the desks enforce
(required_consent, consent_acknowledgement, eligibility, document_validity)
and the BPMN lanes (the steps desk by desk). A designer who changes a row and
deploys changes the public page with it; nothing here is a copy of a rule.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from engine.definitions import SourceFile
from engine.desks import Desk
from engine.xmlsafe import parse_definition_xml

__all__ = [
    "AgeLimit",
    "BannedDestination",
    "ConsentRule",
    "Requirements",
    "Step",
    "ValidityRule",
    "derive_requirements",
]

_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_DESKS = {d.value for d in Desk}
_MONTHS_BACK = re.compile(r"add_months\(\s*today\(\)\s*,\s*-(\d+)\s*\)")


@dataclass(frozen=True)
class ConsentRule:
    """One row of required_consent: who must consent, for whom (None = any)."""

    marital_status: str | None
    parents_alive: str | None
    divorce_certificate: bool | None
    consent_from: str
    marriage_book_required: bool
    parent_consent_also_required: bool
    note: str


@dataclass(frozen=True)
class AgeLimit:
    """An age at which eligibility refuses, for a destination and sector (None = any)."""

    destination: str | None
    sector: str | None
    refused_when_age: str
    reason: str


@dataclass(frozen=True)
class BannedDestination:
    """A country where placement in a sector is refused (R3)."""

    country: str
    sector: str
    reason: str


@dataclass(frozen=True)
class ValidityRule:
    """An expiry rule at final verification and the desk that renews the document.

    `months` is the validity read from the rule's ``add_months(today(), -N)``
    entry, when it has one (the passport rule counts forward instead); `field`
    is the date it is counted from.
    """

    desk: str
    issue: str
    field: str = ""
    months: int | None = None


@dataclass(frozen=True)
class Step:
    """The user tasks of one desk, in the order of the process file."""

    desk: str
    tasks: tuple[str, ...]


@dataclass(frozen=True)
class Requirements:
    """The requirements of one deployed process version."""

    process: str
    version: int
    consent: tuple[ConsentRule, ...]
    acknowledged_by: tuple[str, ...]
    acknowledgement_notes: tuple[str, ...]
    age_limits: tuple[AgeLimit, ...]
    banned_destinations: tuple[BannedDestination, ...]
    validity: tuple[ValidityRule, ...]
    steps: tuple[Step, ...]
    worker_pays_placement_cost: bool = False  # UU 18/2017 art. 30: the worker pays none


@dataclass(frozen=True)
class _Table:
    inputs: tuple[str, ...]  # input expressions
    outputs: tuple[str, ...]  # output names
    rules: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]  # description, ins, outs

    def column(self, name: str) -> int | None:
        return self.outputs.index(name) if name in self.outputs else None

    def input_where(self, test: str) -> int | None:
        for index, expression in enumerate(self.inputs):
            if test in expression:
                return index
        return None


def derive_requirements(process: str, version: int, files: Iterable[SourceFile]) -> Requirements:
    """Read the requirements out of a version's stored BPMN and DMN files."""
    tables: dict[str, _Table] = {}
    steps: list[Step] = []
    own = f'id="{process}"'.encode()
    for source in sorted(files, key=lambda f: own not in f.content):  # the process first
        root = parse_definition_xml(source.content, source.name)
        if source.name.lower().endswith(".dmn"):
            tables.update(_tables(root))
        else:
            steps = _merge_steps(steps, _steps(root))
    return Requirements(
        process=process,
        version=version,
        consent=_consent(tables.get("required_consent")),
        acknowledged_by=_acknowledged(tables.get("consent_acknowledgement"), True),
        acknowledgement_notes=_acknowledged(tables.get("consent_acknowledgement"), False),
        age_limits=_age_limits(tables.get("eligibility")),
        banned_destinations=_banned(tables.get("eligibility")),
        validity=_validity(tables.get("document_validity")),
        steps=tuple(steps),
    )


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    for child in element.iter():
        if isinstance(child.tag, str) and _local(child) == "text":
            return (child.text or "").strip()
    return ""


def _tables(root: etree._Element) -> dict[str, _Table]:
    found: dict[str, _Table] = {}
    for decision in root.iter():
        if not isinstance(decision.tag, str) or _local(decision) != "decision":
            continue
        table = next((c for c in decision if _local(c) == "decisionTable"), None)
        if table is None:
            continue
        inputs = tuple(_text(c) for c in table if _local(c) == "input")
        outputs = tuple(str(c.get("name") or "") for c in table if _local(c) == "output")
        rules = []
        for rule in (c for c in table if _local(c) == "rule"):
            description = next((c.text or "" for c in rule if _local(c) == "description"), "")
            ins = tuple(_text(c) for c in rule if _local(c) == "inputEntry")
            outs = tuple(_text(c) for c in rule if _local(c) == "outputEntry")
            rules.append((description.strip(), ins, outs))
        found[str(decision.get("id"))] = _Table(inputs, outputs, tuple(rules))
    return found


def _literal(entry: str) -> object:
    """The value of a literal entry; None for '-' or an expression."""
    if entry in ("", "-"):
        return None
    try:
        return ast.literal_eval(entry)
    except (ValueError, SyntaxError):
        return None


def _string(entry: str) -> str | None:
    value = _literal(entry)
    return value if isinstance(value, str) else None


def _out(table: _Table, outs: tuple[str, ...], name: str) -> str:
    index = table.column(name)
    return outs[index] if index is not None and index < len(outs) else ""


def _consent(table: _Table | None) -> tuple[ConsentRule, ...]:
    if table is None:
        return ()
    marital = table.input_where("marital_status")
    parents = table.input_where("parents_alive")
    divorce = table.input_where("divorce_certificate")
    rules = []
    for description, ins, outs in table.rules:

        def entry(index: int | None, ins: tuple[str, ...] = ins) -> str:
            return ins[index] if index is not None and index < len(ins) else "-"

        certificate = _literal(entry(divorce))
        rules.append(
            ConsentRule(
                marital_status=_string(entry(marital)),
                parents_alive=_string(entry(parents)),
                divorce_certificate=certificate if isinstance(certificate, bool) else None,
                consent_from=_string(_out(table, outs, "required_consent")) or "",
                marriage_book_required=_literal(_out(table, outs, "marriage_book_required"))
                is True,
                parent_consent_also_required=(
                    _literal(_out(table, outs, "parent_consent_also_required")) is True
                ),
                note=description,
            )
        )
    return tuple(rules)


def _acknowledged(table: _Table | None, accepted: bool) -> tuple[str, ...]:
    """Accepted: the literal values that make a consent valid; else the refusals' notes."""
    if table is None:
        return ()
    values: list[str] = []
    for description, ins, outs in table.rules:
        valid = _literal(_out(table, outs, "consent_acknowledged")) is True
        if accepted and valid:
            values.extend(v for v in (_string(e) for e in ins) if v)
        elif not accepted and not valid:
            values.append(description)
    return tuple(values)


def _eligibility_rows(
    table: _Table | None,
) -> list[tuple[str | None, str | None, str, str]]:
    """(destination, sector, age entry, reason) of every refusing row."""
    if table is None:
        return []
    age = table.input_where("years_between")
    sector = table.input_where("sector")
    destination = table.input_where("destination_country")
    rows = []
    for description, ins, outs in table.rules:
        if _literal(_out(table, outs, "eligible")) is not False:
            continue

        def entry(index: int | None, ins: tuple[str, ...] = ins) -> str:
            return ins[index] if index is not None and index < len(ins) else "-"

        reason = _string(_out(table, outs, "rejection_reason")) or description
        rows.append((_string(entry(destination)), _string(entry(sector)), entry(age), reason))
    return rows


def _age_limits(table: _Table | None) -> tuple[AgeLimit, ...]:
    return tuple(
        AgeLimit(destination, sector, age, reason)
        for destination, sector, age, reason in _eligibility_rows(table)
        if age not in ("", "-")
    )


def _banned(table: _Table | None) -> tuple[BannedDestination, ...]:
    return tuple(
        BannedDestination(destination, sector, reason)
        for destination, sector, age, reason in _eligibility_rows(table)
        if age in ("", "-") and destination and sector
    )


def _validity(table: _Table | None) -> tuple[ValidityRule, ...]:
    if table is None:
        return ()
    rules = []
    for description, ins, outs in table.rules:
        desk = _string(_out(table, outs, "validity_action"))
        if not desk or desk == "ok":
            continue
        checked = [(i, e) for i, e in enumerate(ins) if e not in ("", "-")]
        field, months = "", None
        if len(checked) == 1:
            index, entry = checked[0]
            field = table.inputs[index] if index < len(table.inputs) else ""
            found = _MONTHS_BACK.search(entry)
            months = int(found.group(1)) if found else None
        issue = _string(_out(table, outs, "validity_issue")) or description
        rules.append(ValidityRule(desk, issue, field, months))
    return tuple(rules)


def _steps(root: etree._Element) -> list[Step]:
    names = {
        str(el.get("id")): str(el.get("name") or el.get("id"))
        for el in root.iter(f"{{{_BPMN}}}userTask")
    }
    order = list(names)
    steps = []
    for lane in root.iter(f"{{{_BPMN}}}lane"):
        lane_id = str(lane.get("id") or "")
        desk = lane_id if lane_id in _DESKS else (lane.get("name") or "").strip().lower()
        refs = {(ref.text or "").strip() for ref in lane.iter(f"{{{_BPMN}}}flowNodeRef")}
        tasks = tuple(names[t] for t in order if t in refs)
        if desk in _DESKS and tasks:
            steps.append(Step(desk, tasks))
    return steps


def _merge_steps(steps: list[Step], more: list[Step]) -> list[Step]:
    merged = {step.desk: list(step.tasks) for step in steps}
    for step in more:
        merged.setdefault(step.desk, []).extend(t for t in step.tasks if t not in merged[step.desk])
    return [Step(desk, tuple(tasks)) for desk, tasks in merged.items()]
