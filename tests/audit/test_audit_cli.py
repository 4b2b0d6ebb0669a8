"""`ltsa audit` across cases: signed verification reports, the access record, subject exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from cli.main import main
from engine import AccessKind, Actor, Engine, ManualClock

TEST_BPMN = Path(__file__).resolve().parents[1] / "engine" / "bpmn"
ANI = Actor("ani", "officer", ("disnaker", "dukcapil", "dinkes", "p3mi"))
NIK = "3212015506950001"


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: ManualClock):
    data_dir = tmp_path / "var"
    monkeypatch.setenv("LTSA_DATA_DIR", str(data_dir))
    monkeypatch.delenv("LTSA_DATABASE_URL", raising=False)
    eng = Engine(data_dir=data_dir, clock=clock)
    eng.init_db()
    eng.deploy([TEST_BPMN], actor="designer")
    cases = []
    for name in ("Siti", "Siti", "Dewi"):
        case = eng.start("intake", {"nik": NIK if name == "Siti" else "3212015506950009"}, ANI)
        task = next(t.id for t in case.ready_tasks if t.name == "register")
        eng.complete_task(task, {"full_name": name, "age": 30}, ANI)
        cases.append(case.id)
    eng.access.record(ANI, cases[0], AccessKind.CASE_PAGE, address="10.1.2.3")
    eng.access.record(ANI, cases[1], AccessKind.API_CASE, address="10.1.2.3")
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=False)

    yield eng, cases, run
    eng.close()


def test_verify_all_writes_a_signed_report_that_verifies_offline_and_catches_one_byte(
    setup, tmp_path: Path
) -> None:
    eng, cases, run = setup
    report = tmp_path / "report.json"
    done = run("audit", "verify", "--all", "--report", str(report))
    assert done.exit_code == 0, done.output
    assert "3 case(s) checked, 3 intact" in done.output
    document = json.loads(report.read_bytes())
    assert [c["case_id"] for c in document["cases"]] == cases
    assert document["access"][0]["entries"] == 2 and document["access"][0]["intact"]
    checked = run("audit", "verify", "--file", str(report))
    assert checked.exit_code == 0 and checked.output.startswith("intact:"), checked.output

    original = report.read_bytes()
    for position in (
        0,
        len(original) // 3,
        len(original) // 2,
        len(original) - 2,
        len(original) - 1,
    ):
        altered = bytearray(original)
        altered[position] = ord("7") if altered[position] != ord("7") else ord("8")
        report.write_bytes(bytes(altered))
        refused = run("audit", "verify", "--file", str(report))
        assert refused.exit_code == 1, (position, refused.output)
        assert "NOT INTACT" in refused.output or "not an LTSA" in refused.output


def test_a_report_names_the_tampered_case_and_exits_1(setup, tmp_path: Path) -> None:
    eng, cases, run = setup
    with eng.db.engine.begin() as connection:
        connection.execute(
            text("UPDATE journal_events SET actor = 'x' WHERE case_id = :c AND seq = 2"),
            {"c": cases[1]},
        )
    report = tmp_path / "report.json"
    done = run("audit", "verify", "--all", "--report", str(report), "--json")
    assert done.exit_code == 1
    summary = json.loads(done.output.strip().splitlines()[-1])
    assert summary["not_intact"] == [cases[1]]
    bad = next(c for c in json.loads(report.read_bytes())["cases"] if not c["intact"])
    assert bad["first_bad_event"] == 2
    assert run("audit", "verify", "--file", str(report)).exit_code == 0  # the report is genuine


def test_access_command_lists_reads_by_case_and_user(setup) -> None:
    eng, cases, run = setup
    eng.access.record(Actor("audrey", "auditor"), cases[0], AccessKind.REPLAY)
    listed = run("audit", "access", str(cases[0]), "--json")
    assert [(e["actor"], e["what"]) for e in json.loads(listed.output)] == [
        ("ani", "case_page"),
        ("audrey", "replay"),
    ]
    only = run("audit", "access", str(cases[0]), "--user", "audrey", "--json")
    assert [e["actor"] for e in json.loads(only.output)] == ["audrey"]
    table = run("audit", "access", str(cases[0]))
    assert "10.1.2.3" in table.output and "case_page" in table.output


def test_subject_export_holds_the_workers_cases_and_every_read(setup, tmp_path: Path) -> None:
    eng, cases, run = setup
    out = tmp_path / "subject.json"
    done = run("audit", "subject-export", NIK, "--out", str(out))
    assert done.exit_code == 0, done.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["format"] == "ltsa-subject-export/1" and document["signature"]
    assert [c["id"] for c in document["cases"]] == cases[:2]
    assert [(r["actor"], r["what"]) for r in document["cases"][0]["reads"]] == [
        ("ani", "case_page"),
        ("cli", "subject_export"),
    ]
    assert [(r["actor"], r["what"]) for r in document["cases"][1]["reads"]] == [
        ("ani", "api_case"),
        ("cli", "subject_export"),
    ]
    assert run("audit", "subject-export", "123", "--out", str(out)).exit_code == 3
    assert run("audit", "subject-export", "9" * 16, "--out", str(out)).exit_code == 6


def test_verify_all_also_checks_the_access_record(setup) -> None:
    eng, cases, run = setup
    assert run("audit", "verify", "--all").exit_code == 0
    with eng.db.engine.begin() as connection:
        connection.execute(text("UPDATE access_log SET address = '10.9.9.9' WHERE seq = 1"))
    tampered = run("audit", "verify", "--all")
    assert tampered.exit_code == 1
    assert "access record" in tampered.output and "entry 1" in tampered.output
