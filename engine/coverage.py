"""Coverage: which flow nodes and sequence flows of each process the scenarios reached.

The elements come from the BPMN files; what was reached comes from the
engine's own record of each case (`CaseState.path`, `flows_taken`), so the
figures describe what the engine did, not what a test claims.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from lxml import etree

from engine.checks import BPMN_NS
from engine.definitions import SourceFile
from engine.scenario_report import ProcessCoverage
from engine.xmlsafe import XmlRefused, parse_definition_xml

__all__ = ["ProcessGraph", "bpmn_roots", "coverage_of", "process_graphs"]

FLOW_NODE_TAGS = frozenset(
    {
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "task",
        "userTask",
        "serviceTask",
        "scriptTask",
        "businessRuleTask",
        "sendTask",
        "receiveTask",
        "manualTask",
        "callActivity",
        "subProcess",
        "transaction",
        "adHocSubProcess",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
        "complexGateway",
    }
)


_EMBEDDED = frozenset({"subProcess", "transaction", "adHocSubProcess"})


@dataclass(frozen=True)
class ProcessGraph:
    """One process's flow nodes and sequence flows (id -> (source, target)), in file order.

    `scopes` are the process id and the ids of its embedded sub-processes: the
    engine qualifies what a case reached by the (sub-)process it ran in.
    """

    key: str
    nodes: tuple[str, ...]
    flows: tuple[tuple[str, str, str], ...]
    scopes: frozenset[str] = frozenset()


def bpmn_roots(files: Sequence[SourceFile]) -> Iterator[etree._Element]:
    """The parsed root of every BPMN file in `files` (files that do not parse are skipped)."""
    for source in files:
        if source.is_dmn:
            continue
        try:
            yield parse_definition_xml(source.content, source.name)
        except XmlRefused:
            continue


def process_graphs(files: Sequence[SourceFile]) -> dict[str, ProcessGraph]:
    """Every BPMN process in `files`, by process id (files that do not parse are skipped)."""
    graphs: dict[str, ProcessGraph] = {}
    for root in bpmn_roots(files):
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            key = process.get("id")
            if key:
                graphs[key] = _graph(key, process)
    return graphs


def _graph(key: str, process: etree._Element) -> ProcessGraph:
    nodes: list[str] = []
    flows: list[tuple[str, str, str]] = []
    scopes = {key}
    for element in process.iter():
        if not isinstance(element.tag, str) or etree.QName(element).namespace != BPMN_NS:
            continue
        name = etree.QName(element).localname
        element_id = element.get("id")
        if not element_id:
            continue
        if name in FLOW_NODE_TAGS:
            nodes.append(element_id)
            if name in _EMBEDDED:
                scopes.add(element_id)
        elif name == "sequenceFlow":
            flows.append((element_id, element.get("sourceRef", ""), element.get("targetRef", "")))
    return ProcessGraph(key, tuple(nodes), tuple(flows), frozenset(scopes))


def coverage_of(
    graph: ProcessGraph,
    nodes_reached: Iterable[tuple[str, str]],
    flows_taken: Iterable[tuple[str, str, str]],
) -> ProcessCoverage:
    """The coverage of one process, given the elements the cases finished and the flows taken.

    Both come as ids qualified by the process they belong to (element ids
    repeat across processes). An element is reached when a case finished it
    or took a sequence flow into it (a task still waiting was reached); a
    boundary event that never fired was not, although it waited.
    """
    reached = {element for process, element in nodes_reached if process in graph.scopes}
    taken = {(source, target) for process, source, target in flows_taken if process in graph.scopes}
    flows_hit = [fid for fid, source, target in graph.flows if (source, target) in taken]
    hit = set(flows_hit)
    reached.update(target for fid, _, target in graph.flows if fid in hit)
    return ProcessCoverage(
        process_key=graph.key,
        flow_nodes_reached=tuple(n for n in graph.nodes if n in reached),
        flow_nodes_missed=tuple(n for n in graph.nodes if n not in reached),
        flows_reached=tuple(flows_hit),
        flows_missed=tuple(fid for fid, _, _ in graph.flows if fid not in hit),
    )
