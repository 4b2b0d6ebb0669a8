"""Every designer scenario in processes/tests/*.yaml runs green, with full coverage.

The scenarios run once (through `engine.run_scenarios`, the code `ltsa test`
uses); each one is then its own test, so a failure names the scenario.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from ltsa_driver import PROCESSES

from engine import ScenarioReport, SourceFile, run_scenarios

SCENARIO_DIR = PROCESSES / "tests"
SCENARIO_PATHS = sorted(SCENARIO_DIR.glob("*.yaml"))


def _names() -> list[tuple[str, str]]:
    return [
        (path.name, item["name"])
        for path in SCENARIO_PATHS
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []
    ]


@pytest.fixture(scope="module")
def report() -> ScenarioReport:
    files = [SourceFile(p.name, p.read_bytes()) for p in SCENARIO_PATHS]
    return run_scenarios([PROCESSES], files)


@pytest.mark.parametrize(("file", "name"), _names(), ids=[f"{f}:{n}" for f, n in _names()])
def test_scenario(report: ScenarioReport, file: str, name: str) -> None:
    (result,) = [r for r in report.scenarios if r.file == file and r.name == name]
    assert result.passed, result.failure


def test_every_scenario_file_is_run(report: ScenarioReport) -> None:
    assert len(report.scenarios) == len(_names()) >= 30
    assert {Path(r.file).name for r in report.scenarios} == {p.name for p in SCENARIO_PATHS}


def _process_keys() -> list[str]:
    """The id of every executable process in processes/*.bpmn."""
    process = "{http://www.omg.org/spec/BPMN/20100524/MODEL}process"
    return sorted(
        element.attrib["id"]
        for path in PROCESSES.glob("*.bpmn")
        for element in ElementTree.parse(path).getroot().iter(process)
        if element.attrib.get("isExecutable") == "true"
    )


def test_every_process_in_the_folder_has_a_coverage_line(report: ScenarioReport) -> None:
    assert {"ltsa_placement", "pre_departure_requirements", "pengaduan"} <= set(_process_keys())
    assert sorted(c.process_key for c in report.coverage) == _process_keys()


@pytest.mark.parametrize("key", _process_keys())
def test_scenarios_reach_every_flow_node_and_sequence_flow(report: ScenarioReport, key: str):
    (coverage,) = [c for c in report.coverage if c.process_key == key]
    assert coverage.flow_nodes_missed == ()
    assert coverage.flows_missed == ()
    assert (coverage.node_percent, coverage.flow_percent) == (100.0, 100.0)
    assert len(coverage.flows_reached) >= 10 and len(coverage.flow_nodes_reached) >= 10


def test_scenarios_name_every_rule_of_the_domain() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in SCENARIO_PATHS)
    for rule in range(1, 18):
        assert f"R{rule}" in text, f"no scenario is about R{rule}"


def test_the_readme_example_runs() -> None:
    readme = (PROCESSES / "README.md").read_text(encoding="utf-8")
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    report = run_scenarios([PROCESSES], [SourceFile("README.md", example.encode())])
    (result,) = report.scenarios
    assert result.passed, result.failure
    assert "step 3 (cetak_ak1): ak1_number" in result.filled
