"""`ltsa test` and `ltsa deploy` with the designer's scenario files.

A rule change that breaks a scenario is reported by `ltsa test` (exit 1,
naming scenario, step and expectation) and refused by `ltsa deploy` (exit 2,
nothing stored) unless the tests are skipped, which the version records.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from ltsa_driver import PROCESSES

from cli.main import main


@pytest.fixture
def ltsa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LTSA_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("LTSA_DATABASE_URL", raising=False)
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=False)

    return run


def _copy(tmp_path: Path, *, tests: bool = True) -> Path:
    copy = tmp_path / "processes"
    shutil.copytree(PROCESSES, copy, ignore=None if tests else shutil.ignore_patterns("tests"))
    return copy


def _minimum_age_21(copy: Path) -> None:
    dmn = copy / "eligibility.dmn"
    text = dmn.read_text(encoding="utf-8")
    assert text.count("&lt; 18") == 1
    dmn.write_text(
        text.replace("&lt; 18", "&lt; 21").replace("di bawah 18", "di bawah 21"), encoding="utf-8"
    )


def test_ltsa_test_passes_with_full_coverage(ltsa, tmp_path: Path) -> None:
    coverage_file = tmp_path / "coverage.json"
    result = ltsa("test", str(PROCESSES), "--coverage", str(coverage_file))
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output
    assert "ltsa_placement: flow nodes 100.0% (63/63), sequence flows 100.0% (73/73)" in (
        result.output
    )
    coverage = {c["process_key"]: c for c in json.loads(coverage_file.read_text())}
    for key in ("ltsa_placement", "pre_departure_requirements"):
        assert coverage[key]["node_percent"] == coverage[key]["flow_percent"] == 100.0
        assert coverage[key]["flows_missed"] == []


def test_minimum_age_21_fails_the_scenario_naming_step_and_expectation(ltsa, tmp_path) -> None:
    copy = _copy(tmp_path)
    _minimum_age_21(copy)
    result = ltsa("test", str(copy), "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    failures = {s["name"]: s["failure"] for s in report["scenarios"] if not s["passed"]}
    assert failures["18th birthday on the registration date counts (R1)"] == (
        "SC 18th birthday on the registration date counts (R1): after step 1 (registrasi) "
        "expected status active, got rejected: R1: usia di bawah 21 tahun pada tanggal "
        "pendaftaran"
    )
    assert "single woman to Taiwan, everything in order" not in failures  # 30 years old

    human = ltsa("test", str(copy))
    assert human.exit_code == 1
    assert "FAIL  18th birthday on the registration date counts (R1)" in human.output
    assert "after step 1 (registrasi) expected status active, got rejected" in human.output


def test_deploy_refuses_failing_scenarios_stores_nothing_unless_skipped(ltsa, tmp_path) -> None:
    copy = _copy(tmp_path)
    _minimum_age_21(copy)
    refused = ltsa("deploy", str(copy), "--as", "ani")
    assert refused.exit_code == 2
    assert "18th birthday on the registration date counts (R1)" in refused.output
    assert json.loads(ltsa("processes", "--json").output) == []

    skipped = ltsa("deploy", str(copy), "--as", "ani", "--skip-tests", "--json")
    assert skipped.exit_code == 0, skipped.output
    versions = {v["key"]: v for v in json.loads(ltsa("processes", "--json").output)}
    assert versions["ltsa_placement"]["tests_skipped_by"] == "ani"
    assert versions["ltsa_placement"]["tests_skipped_at"]
    assert "by ani at" in ltsa("processes").output


def test_deploy_with_passing_scenarios_records_no_skip(ltsa, tmp_path) -> None:
    copy = _copy(tmp_path)
    for name in ("dokumen", "kesehatan", "verifikasi_akhir", "p3mi", "identitas"):
        (copy / "tests" / f"{name}.yaml").unlink()  # a smaller set runs faster
    result = ltsa("deploy", str(copy), "--as", "ani")
    assert result.exit_code == 0, result.output
    versions = json.loads(ltsa("processes", "--json").output)
    assert versions and all(v["tests_skipped_by"] is None for v in versions)


def test_deploy_with_an_invalid_scenario_file_exits_2_and_stores_nothing(ltsa, tmp_path) -> None:
    copy = _copy(tmp_path, tests=False)
    (copy / "tests").mkdir()
    (copy / "tests" / "bad.yaml").write_text("- name: x\n  process: ltsa_placement\n  stpes: []\n")
    result = ltsa("deploy", str(copy))
    assert result.exit_code == 2
    assert "bad.yaml:3: unknown key 'stpes'" in result.output
    assert json.loads(ltsa("processes", "--json").output) == []


def test_verbose_lists_the_fields_filled_with_examples(ltsa, tmp_path) -> None:
    copy = _copy(tmp_path, tests=False)
    (copy / "tests").mkdir()
    shutil.copy(PROCESSES / "tests" / "pengunduran.yaml", copy / "tests")
    result = ltsa("test", str(copy), "-v")
    assert result.exit_code == 0, result.output
    assert "filled step 1 (registrasi): nik" in result.output
    assert "filled step 3 (cetak_ak1): ak1_number" in result.output


def test_one_scenario_file_runs_alone_against_its_processes(ltsa) -> None:
    result = ltsa("test", str(PROCESSES / "tests" / "pengunduran.yaml"))
    assert result.exit_code == 0, result.output
    assert "2 scenario(s): 2 passed, 0 failed" in result.output
    assert "withdrawal while the desks work in parallel" in result.output


BAD_FILES = [
    pytest.param(
        "- name: x\n  process: ltsa_placement\n  steps: [\n", 4, "not valid YAML", id="yaml"
    ),
    pytest.param(
        "- name: x\n  process: ltsa_placement\n  steps:\n    - task: registrasi\n"
        "    - task: pendaftaran\n",
        5,
        "unknown task id 'pendaftaran'",
        id="task",
    ),
    pytest.param(
        "- name: x\n  process: ltsa_placement\n  steps:\n    - task: registrasi\n"
        "      data:\n        birth_date: 1995-06-15\n        tanggal_lahir: 1995-06-15\n",
        7,
        "unknown field 'tanggal_lahir' in task registrasi",
        id="field",
    ),
    pytest.param(
        "- name: x\n  process: ltsa_placement\n  steps:\n    - advance: 40 days\n",
        4,
        "'40 days' is not an ISO 8601 duration",
        id="duration",
    ),
    pytest.param(
        "- name: x\n  process: ltsa_placement\n  steps:\n    - message: visa_ok\n",
        4,
        "unknown message 'visa_ok'",
        id="message",
    ),
    pytest.param(
        "- name: x\n  process: penempatan\n", 1, "unknown process 'penempatan'", id="process"
    ),
    pytest.param(
        "- name: x\n  process: ltsa_placement\n  expect: {status: done}\n",
        3,
        "unknown status 'done'",
        id="status",
    ),
    pytest.param(
        "- name: x\n  process: ltsa_placement\n  stpes: []\n", 3, "unknown key 'stpes'", id="key"
    ),
    pytest.param("name: x\n", 1, "a list of scenarios", id="not-a-list"),
]


@pytest.mark.parametrize(("content", "line", "message"), BAD_FILES)
def test_bad_scenario_file_names_file_and_line(ltsa, tmp_path, content, line, message) -> None:
    copy = _copy(tmp_path, tests=False)
    (copy / "tests").mkdir()
    (copy / "tests" / "bad.yaml").write_text(content, encoding="utf-8")
    result = ltsa("test", str(copy))
    assert result.exit_code == 2
    assert f"bad.yaml:{line}: " in result.output
    assert message in result.output
    assert "Traceback" not in result.output

    as_json = json.loads(ltsa("test", str(copy), "--json").output)
    assert as_json["code"] == "scenario_file_invalid"
    assert as_json["errors"][0]["line"] == line
    assert as_json["errors"][0]["file"].endswith("bad.yaml")
