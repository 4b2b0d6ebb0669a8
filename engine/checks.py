"""What a deployment's files must satisfy beyond SpiffWorkflow's parser.

Lanes that name desks, references that point to an element of the file, form fields
only where a form key makes them count, and every expression and script of a parsed
process (listed here) through the sandbox's static check. `engine.definitions` turns
what these find into `DeploymentError`s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec

from engine import sandbox
from engine.desks import Desk
from engine.errors import DeploymentError
from engine.xmlsafe import element_line

__all__ = [
    "BPMN_NS",
    "DESKS",
    "check_expression",
    "expressions",
    "lane_ids",
    "reference_errors",
]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DESKS = {d.value for d in Desk}


def lane_ids(root: etree._Element) -> dict[str, str]:
    """Element id -> desk of the innermost lane that holds it.

    The lane's id is the desk code; modelers that generate lane ids (Bizagi,
    Signavio) may name the lane after the desk instead. Otherwise the lane's
    id is returned, and refused as "not a desk".
    """
    lanes: dict[str, str] = {}
    for ref in root.iter(f"{{{BPMN_NS}}}flowNodeRef"):
        lane = ref.getparent()
        if ref.text and lane is not None and lane.get("id"):
            lane_id = str(lane.get("id"))
            by_name = (lane.get("name") or "").strip().lower()
            desk = lane_id if lane_id in DESKS or by_name not in DESKS else by_name
            lanes[ref.text.strip()] = desk
    return lanes


_REFERENCES = (
    # (tag or None for any element, attribute, what it is, how to fix it)
    ("sequenceFlow", "sourceRef", "sourceRef", "reconnect the flow in the modeler"),
    ("sequenceFlow", "targetRef", "targetRef", "reconnect the flow in the modeler"),
    ("boundaryEvent", "attachedToRef", "attachedToRef", "attach the event to a task again"),
    (None, "default", "default flow", "choose the gateway's default flow again in the modeler"),
)


def reference_errors(root: etree._Element, filename: str) -> list[DeploymentError]:
    """Sequence flows, boundary events and gateway defaults that point nowhere."""
    ids = {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    errors = []
    for tag, attribute, what, hint in _REFERENCES:
        elements = root.iter(f"{{{BPMN_NS}}}{tag}") if tag else root.iter()
        for element in elements:
            target = element.get(attribute) if isinstance(element.tag, str) else None
            if target is not None and target not in ids:
                message = f"{what} points to {target!r}, which is not in the file"
                errors.append(
                    DeploymentError(
                        filename,
                        element_line(element),
                        element.get("id"),
                        "LTSA-D012",
                        message,
                        hint,
                    )
                )
    return errors


def _flow_id(root: etree._Element | None, source: str, target: str) -> str:
    """The id of the sequence flow from `source` to `target` (a condition's element)."""
    if root is not None:
        for flow in root.iter(f"{{{BPMN_NS}}}sequenceFlow"):
            if flow.get("sourceRef") == source and flow.get("targetRef") == target:
                return str(flow.get("id"))
    return f"{source}->{target}"


def expressions(
    spec: BpmnProcessSpec, root: etree._Element | None
) -> Iterator[tuple[str, str, str]]:
    """Yield (element id, kind, source) for every expression and script of a spec."""
    for task_spec in spec.task_specs.values():
        element_id = getattr(task_spec, "bpmn_id", None) or task_spec.name
        for condition, output in getattr(task_spec, "cond_task_specs", []) or []:
            if condition is not None:
                target = getattr(spec.task_specs.get(output), "bpmn_id", None) or str(output)
                yield _flow_id(root, element_id, target), "expression", condition.args[0]
        script = getattr(task_spec, "script", None)
        if isinstance(script, str):
            yield element_id, "script", script
        for attr in ("condition", "cardinality"):
            value = getattr(task_spec, attr, None)
            if isinstance(value, str):
                yield element_id, "expression", value
        definition = getattr(task_spec, "event_definition", None)
        for attr in ("expression",):
            value = getattr(definition, attr, None)
            if isinstance(value, str):
                yield element_id, "expression", value
        engine = getattr(task_spec, "dmnEngine", None)
        if engine is not None:
            yield from _dmn_expressions(engine.decision_table)


def _dmn_expressions(table: Any) -> Iterator[tuple[str, str, str]]:
    for table_input in table.inputs:
        if table_input.expression:
            yield table_input.id, "expression", table_input.expression
    for rule in table.rules:
        for entry in rule.inputEntries:
            for lhs in entry.lhs:
                if lhs and lhs.strip() not in ("", "-"):
                    yield entry.id, "dmn_input_entry", lhs
        for entry in rule.outputEntries:
            if entry.text and entry.text.strip():
                yield entry.id, "expression", entry.text


def check_expression(kind: str, source: str) -> None:
    """Run the sandbox's static check that fits `kind` (script, DMN input entry, expression).

    Raises:
        sandbox.ExpressionRejected: naming what is not allowed.
    """
    if kind == "script":
        sandbox.check_script(source)
    elif kind == "dmn_input_entry":
        sandbox.check_dmn_entry(source)
    else:
        sandbox.check_expression(source)
