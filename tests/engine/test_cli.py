"""The `ltsa` command: output and the documented exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import main

BPMN_DIR = Path(__file__).parent / "bpmn"


@pytest.fixture
def ltsa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LTSA_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("LTSA_DATABASE_URL", raising=False)
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    assert run("db", "upgrade").exit_code == 0
    assert (
        run(
            "user",
            "add",
            "ani",
            "--role",
            "officer",
            "--desk",
            "disnaker",
            "--desk",
            "dukcapil",
            "--desk",
            "dinkes",
            "--desk",
            "p3mi",
        ).exit_code
        == 0
    )
    assert run("user", "add", "joko", "--role", "officer", "--desk", "polri").exit_code == 0
    return run


def complete_task(ltsa, task_id: str, user: str, data: dict, *options: str) -> Result:
    """`ltsa task complete` as `user`, with `data` as JSON on standard input."""
    return ltsa(
        "task", "complete", task_id, "--as", user, "--data", "-", *options, input=json.dumps(data)
    )


def test_deploy_prints_versions_then_unchanged(ltsa) -> None:
    first = ltsa("deploy", str(BPMN_DIR))
    assert first.exit_code == 0
    assert "intake" in first.output and "new" in first.output
    second = ltsa("deploy", str(BPMN_DIR), "--json")
    assert {r["status"] for r in json.loads(second.output)} == {"unchanged"}
    listed = json.loads(ltsa("processes", "--json").output)
    assert {(p["key"], p["version"]) for p in listed} == {("intake", 1), ("documents", 1)}


def test_broken_deployment_exits_2_naming_file_line_and_element(ltsa, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for source in BPMN_DIR.iterdir():
        content = source.read_bytes().replace(b"<bpmn:flowNodeRef>register</bpmn:flowNodeRef>", b"")
        (broken / source.name).write_bytes(content)
    result = ltsa("deploy", str(broken), "--json")
    assert result.exit_code == 2
    (error,) = json.loads(result.output)["errors"]
    assert (error["file"], error["element_id"], error["code"]) == (
        "intake.bpmn",
        "register",
        "LTSA-D007",
    )
    assert isinstance(error["line"], int)
    assert json.loads(ltsa("processes", "--json").output) == []


def test_officer_walks_a_case_from_the_cli(ltsa, tmp_path: Path) -> None:
    ltsa("deploy", str(BPMN_DIR))
    case_id = int(ltsa("case", "start", "intake", "--as", "ani").output.strip())
    tasks = json.loads(ltsa("task", "list", "--desk", "disnaker", "--json").output)
    assert [(t["case_id"], t["name"]) for t in tasks] == [(case_id, "register")]
    task_id = str(tasks[0]["id"])

    bad = complete_task(ltsa, task_id, "ani", {"full_name": "", "age": -1}, "--json")
    assert bad.exit_code == 3
    assert set(json.loads(bad.output)["errors"]) == {"full_name", "age"}

    forbidden = complete_task(ltsa, task_id, "joko", {"full_name": "Siti", "age": 30})
    assert forbidden.exit_code == 5

    done = complete_task(ltsa, task_id, "ani", {"full_name": "Siti", "age": 30}, "--json")
    assert done.exit_code == 0
    assert {t["desk"] for t in json.loads(done.output)["ready_tasks"]} == {"dukcapil", "dinkes"}

    again = complete_task(ltsa, task_id, "ani", {"full_name": "Siti", "age": 30})
    assert again.exit_code == 4

    shown = json.loads(ltsa("case", "show", str(case_id), "--json").output)
    assert shown["data"]["full_name"] == "Siti" and shown["revision"] == 2
    history = ltsa("case", "history", str(case_id))
    lines = history.output.strip().splitlines()
    assert len(lines) == 2
    assert "task_completed" in lines[1] and "ani" in lines[1] and "disnaker" in lines[1]

    withdrawn = ltsa("case", "withdraw", str(case_id), "--reason", "mundur", "--as", "ani")
    assert withdrawn.exit_code == 0 and "withdrawn" in withdrawn.output


def test_invalid_start_data_exits_3(ltsa, tmp_path: Path) -> None:
    ltsa("deploy", str(BPMN_DIR))
    data = tmp_path / "data.json"
    data.write_text("[1, 2]")
    assert ltsa("case", "start", "intake", "--data", str(data), "--as", "ani").exit_code == 3
    data.write_text("{not json")
    assert ltsa("case", "start", "intake", "--data", str(data), "--as", "ani").exit_code == 3


def test_unknown_case_exits_6(ltsa) -> None:
    assert ltsa("case", "show", "999").exit_code == 6


def test_audit_commands_verify_replay_export_and_detect_tampering(ltsa, tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    ltsa("deploy", str(BPMN_DIR))
    case_id = ltsa("case", "start", "intake", "--as", "ani").output.strip()
    task_id = str(json.loads(ltsa("task", "list", "--json").output)[0]["id"])
    complete_task(ltsa, task_id, "ani", {"full_name": "Siti", "age": 30})
    assert ltsa("audit", "checkpoint").exit_code == 0
    assert "BEGIN PUBLIC KEY" in ltsa("audit", "key").output

    intact = ltsa("audit", "verify", "--all")
    assert intact.exit_code == 0 and "1 intact" in intact.output

    replay = json.loads(ltsa("audit", "replay", case_id, "--to", "1", "--json").output)
    assert replay["ready_tasks"] == ["intake/register#1"]

    out = tmp_path / "case.json"
    assert ltsa("audit", "export", case_id, "--out", str(out)).exit_code == 0
    assert ltsa("audit", "verify", "--file", str(out)).exit_code == 0
    document = json.loads(out.read_text())
    document["events"][1]["actor"] = "mallory"
    out.write_text(json.dumps(document))
    assert ltsa("audit", "verify", "--file", str(out)).exit_code == 1

    database = create_engine(f"sqlite:///{tmp_path / 'var' / 'ltsa.db'}")
    with database.begin() as connection:
        connection.execute(text("UPDATE journal_events SET actor = 'mallory' WHERE seq = 2"))
    database.dispose()
    tampered = ltsa("audit", "verify", case_id)
    assert tampered.exit_code == 1
    assert "event 2" in tampered.output


def test_demo_seeds_users_for_every_desk_and_cases_at_different_steps(ltsa) -> None:
    first = ltsa("demo")
    assert first.exit_code == 0, first.output
    assert "petugas.dukcapil" in first.output and "ltsa-demo-2026" in first.output
    tasks = json.loads(ltsa("task", "list", "--json").output)
    assert {t["name"] for t in tasks} >= {"registrasi", "periksa_dokumen", "cetak_ak1"}
    assert {t["desk"] for t in tasks} >= {"disnaker", "dukcapil", "dinkes", "polri"}
    # the complaints desk and the head of the office have work too
    assert {("triase", "pengaduan"), ("rujukan_kepala", "kepala")} <= {
        (t["name"], t["desk"]) for t in tasks
    }
    assert "kepala" in first.output and "tracking code" in first.output
    again = ltsa("demo")  # idempotent: users exist, no second set of cases
    assert again.exit_code == 0 and "exists" in again.output
    assert len(json.loads(ltsa("task", "list", "--json").output)) == len(tasks)


def test_reads_from_the_command_line_are_in_the_access_record(ltsa, tmp_path: Path) -> None:
    ltsa("deploy", str(BPMN_DIR))
    case_id = ltsa("case", "start", "intake", "--as", "ani").output.strip()
    assert ltsa("case", "show", case_id).exit_code == 0
    assert ltsa("case", "history", case_id).exit_code == 0
    assert ltsa("audit", "replay", case_id, "--json").exit_code == 0
    assert ltsa("audit", "export", case_id, "--out", str(tmp_path / "c.json")).exit_code == 0
    assert ltsa("case", "show", "999").exit_code == 6  # nothing to read: nothing recorded
    record = json.loads(ltsa("audit", "access", case_id, "--json").output)
    assert [(e["what"], e["address"]) for e in record] == [
        ("cli_case", "cli"),
        ("cli_history", "cli"),
        ("replay", "cli"),
        ("export", "cli"),
    ]
    assert all(e["actor"].startswith("cli:") and e["role"] == "operator" for e in record)
