"""Deployments run the designer's scenarios first; skipping them is recorded."""

from __future__ import annotations

import pytest

from engine import (
    ScenarioReport,
    ScenariosFailed,
    SourceFile,
    run_scenarios,
)
from tests.conftest import ROOT

PROCESSES = ROOT / "processes"


def load_files(paths):
    """The BPMN and DMN files of the directories, as a designer would upload them."""
    return [
        SourceFile(p.name, p.read_bytes())
        for d in paths
        for p in sorted(d.iterdir())
        if p.suffix in (".bpmn", ".dmn")
    ]


PASSING = b"""
- name: under age is rejected
  process: ltsa_placement
  steps:
    - task: registrasi
      data: {birth_date: 2009-06-15, sex: P}
  expect: {status: rejected, reason_contains: usia}
"""

FAILING = b"""
- name: adult accepted
  process: ltsa_placement
  steps:
    - task: registrasi
      data: {birth_date: 2009-06-15, sex: P}
      expect: {status: active}
"""


def scenario(content: bytes, name: str = "t.yaml") -> SourceFile:
    return SourceFile(name, content)


def test_run_scenarios_reports_results_and_coverage() -> None:
    report = run_scenarios(load_files([PROCESSES]), [scenario(PASSING)])
    assert isinstance(report, ScenarioReport)
    assert report.passed
    (result,) = report.scenarios
    assert result.name == "under age is rejected" and result.line == 2
    assert "step 1 (registrasi): full_name" in result.filled
    coverage = {c.process_key: c for c in report.coverage}
    placement = coverage["ltsa_placement"]
    assert "registrasi" in placement.flow_nodes_reached
    assert "pemberangkatan" in placement.flow_nodes_missed
    assert 0 < placement.node_percent < 100
    assert 0 < placement.flow_percent < 100
    assert report.to_json()["coverage"][0]["process_key"] == "ltsa_placement"


def test_failing_scenario_refuses_the_deployment_and_stores_nothing(make_engine) -> None:
    eng = make_engine()
    with pytest.raises(ScenariosFailed) as refused:
        eng.deploy([PROCESSES], actor="ani", scenarios=[scenario(FAILING)])
    assert eng.processes() == []
    assert eng.stored_scenarios() == []
    failure = refused.value.report.scenarios[0].failure
    assert failure == (
        "SC adult accepted: after step 1 (registrasi) expected status active, "
        "got rejected: R1: usia di bawah 18 tahun pada tanggal pendaftaran"
    )
    assert refused.value.errors[0].file == "t.yaml"


def test_skipping_the_tests_deploys_and_records_who_and_when(make_engine, clock) -> None:
    eng = make_engine()
    eng.deploy([PROCESSES], actor="ani", scenarios=[scenario(FAILING)], skip_tests=True)
    versions = {v.key: v for v in eng.processes()}
    assert versions["ltsa_placement"].tests_skipped_by == "ani"
    assert versions["ltsa_placement"].tests_skipped_at == clock.now()
    assert [f.name for f in eng.stored_scenarios()] == ["t.yaml"]


def test_stored_scenarios_gate_later_deployments_and_drafts(make_engine) -> None:
    eng = make_engine()
    eng.deploy([PROCESSES], actor="ani", scenarios=[scenario(PASSING)])
    assert {v.tests_skipped_by for v in eng.processes()} == {None}
    assert eng.stored_scenarios() == [scenario(PASSING)]
    draft = [f for f in load_files([PROCESSES]) if f.name == "eligibility.dmn"]
    assert eng.test_draft(draft).passed
    broken = SourceFile(
        "eligibility.dmn",
        draft[0].content.replace(b"&lt; 18", b"&lt; 10").replace(b"18 tahun", b"10 tahun"),
    )
    report = eng.test_draft([broken])
    assert not report.passed
    assert "expected status rejected, got active" in (report.scenarios[0].failure or "")
    with pytest.raises(ScenariosFailed):
        eng.deploy(_with(broken), actor="ani")
    assert {v.version for v in eng.processes()} == {1}


def _with(replacement: SourceFile) -> list[SourceFile]:
    return [replacement if f.name == replacement.name else f for f in load_files([PROCESSES])]
