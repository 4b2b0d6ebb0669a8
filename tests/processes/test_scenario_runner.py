"""The scenario runner: how it reads a designer's YAML and what its failures say."""

from __future__ import annotations

from datetime import datetime

import pytest
from ltsa_driver import PROCESSES

from engine import ScenarioFileError, ScenarioReport, SourceFile, run_scenarios
from engine.scenario_files import parse_duration


def run(text: str) -> ScenarioReport:
    return run_scenarios([PROCESSES], [SourceFile("s.yaml", text.encode())])


def failure_of(text: str) -> str:
    (result,) = run(text).scenarios
    assert not result.passed
    assert result.failure is not None
    return result.failure


REGISTER = """
- name: s
  process: ltsa_placement
  steps:
    - task: registrasi
      data: {birth_date: 1995-06-15, sex: P%s}
"""


def test_unquoted_nik_dates_and_yes_no_are_read_as_the_form_wants() -> None:
    # 3212015506950001 and 1995-06-15 are a number and a date to YAML, text to the form
    (result,) = run(
        REGISTER % ", nik: 3212015506950001, full_name: no, destination_country: NO"
        + "      expect: {status: active, data: {nik: '3212015506950001', full_name: 'no'}}\n"
    ).scenarios
    assert result.passed, result.failure
    assert not any(f.endswith(": nik") for f in result.filled)


def test_a_data_expectation_that_does_not_hold_says_what_was_found() -> None:
    failure = failure_of(REGISTER % "" + "  expect: {data: {eligible: false, sector: domestic}}\n")
    assert failure == "SC s: at the end expected data eligible = false, got true"


def test_a_task_that_is_not_ready_is_named_with_what_is() -> None:
    failure = failure_of(REGISTER % "" + "    - task: cetak_ak1\n")
    assert failure == (
        "SC s: step 2 (cetak_ak1): task cetak_ak1 is not ready "
        "(case active; ready: periksa_dokumen)"
    )


def test_data_the_form_refuses_fails_the_step_with_the_form_message() -> None:
    failure = failure_of(REGISTER % ", phone: '12'")
    assert failure.startswith("SC s: step 1 (registrasi): the form refused the data: phone: ")


def test_a_message_the_case_does_not_wait_for_fails_the_step() -> None:
    failure = failure_of(REGISTER % "" + "    - message: job_order_verified\n")
    assert failure.startswith("SC s: step 2 (message job_order_verified): ")
    assert "not waiting for message" in failure


def test_withdrawing_an_ended_case_fails_the_step() -> None:
    failure = failure_of(
        REGISTER.replace("1995-06-15", "2015-06-15") % "" + "    - withdraw: alasan\n"
    )
    assert failure.startswith("SC s: step 2 (withdraw alasan): the case is rejected: R1")


def test_shared_steps_are_spliced_in_and_numbered_in_order() -> None:
    failure = failure_of(
        """
- name: s
  process: ltsa_placement
  steps:
    - &prefix
      - task: registrasi
        data: {birth_date: 1995-06-15, sex: P}
      - task: periksa_dokumen
    - task: lengkapi_dokumen
      expect: {tasks: [cetak_ak1]}
"""
    )
    assert failure == (
        "SC s: after step 3 (lengkapi_dokumen) expected tasks [cetak_ak1], got [lengkapi_dokumen]"
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("- name: s\n  name: t\n  process: ltsa_placement\n", 2, "'name' is given twice"),
        (
            "- name: s\n  process: ltsa_placement\n  steps: [{task: registrasi, advance: P1D}]\n",
            3,
            "exactly one of",
        ),
        (
            "- name: s\n  process: ltsa_placement\n  steps: [{advance: P1D, data: {}}]\n",
            3,
            "takes no data",
        ),
        (
            "- name: s\n  process: ltsa_placement\n  clock: 2026-03-02T09:00:00\n",
            3,
            "needs a time zone",
        ),
        (
            "- name: s\n  process: ltsa_placement\n  expect: {waiting_at: [kantor]}\n",
            3,
            "unknown desk 'kantor'",
        ),
        (
            "- name: s\n  process: ltsa_placement\n  steps:\n    - task: cetak_ak1\n"
            "      data:\n        ak1_number: AK1\n        full_name: Siti\n",
            7,
            "field 'full_name' is read-only in task cetak_ak1",
        ),
        ("- process: ltsa_placement\n", 1, "needs 'name'"),
    ],
)
def test_file_mistakes_name_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ScenarioFileError) as refused:
        run(text)
    assert (refused.value.file, refused.value.line) == ("s.yaml", line)
    assert message in refused.value.message


def test_iso_durations_move_the_calendar() -> None:
    jan31 = datetime.fromisoformat("2026-01-31T09:00:00+07:00")
    assert parse_duration("P1M").after(jan31).isoformat() == "2026-02-28T09:00:00+07:00"
    assert parse_duration("P1Y2M3DT4H").after(jan31).isoformat() == "2027-04-03T13:00:00+07:00"
    assert parse_duration("P2W").after(jan31).date().isoformat() == "2026-02-14"
    for bad in ("P", "PT", "40D", "P1.5D", "P-1D", "1 month"):
        assert parse_duration(bad) is None, bad


def test_coverage_is_exactly_the_path_the_engine_took() -> None:
    report = run(REGISTER.replace("1995-06-15", "2015-06-15") % "")
    coverage = {c.process_key: c for c in report.coverage}
    placement = coverage["ltsa_placement"]
    assert placement.flow_nodes_reached == (
        "start",
        "registrasi",
        "catat_pendaftaran",
        "cek_kelayakan",
        "gw_layak",
        "end_ditolak_kelayakan",
    )
    assert placement.flows_reached == (
        "flow_start__registrasi",
        "flow_registrasi__catat_pendaftaran",
        "flow_catat_pendaftaran__cek_kelayakan",
        "flow_cek_kelayakan__gw_layak",
        "flow_gw_layak__end_ditolak_kelayakan",
    )
    assert coverage["pre_departure_requirements"].flows_reached == ()
    assert coverage["pre_departure_requirements"].node_percent == 0.0


def test_coverage_keeps_the_path_across_snapshots_and_called_processes() -> None:
    # the happy path has more inputs than the snapshot interval (10): the start of
    # the path comes back from a snapshot, the documents from the called process
    happy = (PROCESSES / "tests" / "penempatan.yaml").read_text(encoding="utf-8")
    first = happy.split("\n- name: married woman")[0]
    report = run(first)
    assert report.passed, report.scenarios[0].failure
    coverage = {c.process_key: c for c in report.coverage}
    assert "flow_start__registrasi" in coverage["ltsa_placement"].flows_reached
    assert "flow_pemberangkatan__end_berangkat" in coverage["ltsa_placement"].flows_reached
    assert "flow_gw_layak__end_ditolak_kelayakan" in coverage["ltsa_placement"].flows_missed
    documents = coverage["pre_departure_requirements"]
    assert documents.flows_missed == (
        "flow_gw_lengkap__lengkapi_dokumen",
        "flow_lengkapi_dokumen__gw_cek_merge",
    )
    assert documents.flow_nodes_missed == ("lengkapi_dokumen",)
    # the reminder timer waited on the embassy but never fired: not reached
    assert {"sla_verifikasi", "pengingat_sla"} <= set(coverage["ltsa_placement"].flow_nodes_missed)
    assert "catch_job_order" in coverage["ltsa_placement"].flow_nodes_reached


def test_coverage_does_not_credit_a_process_with_another_process_s_element_ids() -> None:
    # a second process whose start event is also called "start" and that no scenario
    # runs: the LTSA cases pass through their own "start", never through this one
    other = SourceFile(
        "other.bpmn",
        b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="other_process" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
""",
    )
    files = [SourceFile(p.name, p.read_bytes()) for p in sorted(PROCESSES.glob("*.*mn"))]
    text = REGISTER.replace("1995-06-15", "2015-06-15") % ""
    report = run_scenarios([*files, other], [SourceFile("s.yaml", text.encode())])
    coverage = {c.process_key: c for c in report.coverage}
    assert coverage["other_process"].flow_nodes_reached == ()
    assert coverage["other_process"].flows_reached == ()
    assert "start" in coverage["ltsa_placement"].flow_nodes_reached


@pytest.mark.parametrize(
    "text",
    [
        # a billion laughs: each level names the previous one nine times
        "- name: s\n  process: ltsa_placement\n  start:\n    a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"    a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)),
        # a list that holds itself
        "- name: s\n  process: ltsa_placement\n  start: {a: &a [*a]}\n",
        # shared steps that multiply
        "- name: s\n  process: ltsa_placement\n  steps:\n    - &s0 [{withdraw: x}, {withdraw: x}]\n"
        + "".join(f"    - &s{i} [*s{i - 1}, *s{i - 1}]\n" for i in range(1, 12)),
    ],
)
def test_alias_bombs_are_refused_quickly(text: str) -> None:
    with pytest.raises(ScenarioFileError) as refused:
        run(text)
    assert refused.value.file == "s.yaml" and refused.value.line


def test_a_merged_mapping_can_be_named_again() -> None:
    (result,) = run(
        """
- name: s
  process: ltsa_placement
  steps:
    - task: registrasi
      data: &reg {<<: {birth_date: 1995-06-15, sex: L}, sex: P}
      expect: {data: {sex: P}}
- name: t
  process: ltsa_placement
  steps:
    - task: registrasi
      data: *reg
      expect: {data: {sex: P}}
"""
    ).scenarios[1:]
    assert result.passed, result.failure


def test_a_task_left_waiting_counts_as_reached() -> None:
    report = run(REGISTER % "")
    (placement,) = [c for c in report.coverage if c.process_key == "ltsa_placement"]
    assert "persyaratan" in placement.flow_nodes_reached  # the called process runs
    (documents,) = [c for c in report.coverage if c.process_key == "pre_departure_requirements"]
    assert "periksa_dokumen" in documents.flow_nodes_reached  # ready, not done
    assert "gw_cek_merge" in documents.flow_nodes_missed


def test_a_file_name_becomes_a_small_valid_pdf() -> None:
    import re

    from engine.examples import PDF, upload

    assert upload("izin.pdf")["name"] == "izin.pdf"
    startxref = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", PDF).group(1))
    assert PDF[startxref:].startswith(b"xref\n0 4\n")
    offsets = [int(o) for o in re.findall(rb"(\d{10}) 00000 n", PDF)]
    for number, offset in enumerate(offsets, start=1):
        assert PDF[offset:].startswith(b"%d 0 obj\n" % number)


COMPLAINT = """
- name: s
  process: pengaduan
  steps:
    - task: isi_pengaduan
      data: {category: layanan_ltsa, description: Loket tutup%s}
    - task: triase
      expect: {waiting_at: [kepala], tasks: [rujukan_kepala]}
    - task: rujukan_kepala
  expect: {tasks: [penyelesaian]%s}
"""


def test_the_kepala_lane_is_worked_by_the_head_of_the_office() -> None:
    (result,) = run(COMPLAINT % ("", "")).scenarios
    assert result.passed, result.failure
    assert "step 3 (rujukan_kepala): finding_kepala" in result.filled


def test_null_expects_a_field_without_value_and_fails_on_one() -> None:
    (result,) = run(COMPLAINT % ("", ", data: {nik: null, reported_party: null}")).scenarios
    assert result.passed, result.failure
    failure = failure_of(COMPLAINT % (", nik: '3212015506950001'", ", data: {nik: null}"))
    assert failure == "SC s: at the end expected data nik = null, got '3212015506950001'"
