"""`ltsa migrate`: preview, migration, exit codes, and a batch killed halfway then run again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import migration_versions as versions
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, func, select

from cli.main import main
from engine import Engine, ManualClock
from engine.store.models import EventRow

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "processes"))
from ltsa_driver import START, Driver, birth_date_for_age  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> dict[str, str]:
    monkeypatch.setenv("LTSA_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LTSA_DATABASE_URL", database_url)
    return {**os.environ, "LTSA_DATA_DIR": str(tmp_path / "var"), "LTSA_DATABASE_URL": database_url}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def seed(env: dict[str, str], tmp_path: Path, adults: int, young: int = 0) -> Engine:
    """Cases registered on v1, then v2 (minimum age 21) deployed."""
    engine = Engine(
        database_url=env["LTSA_DATABASE_URL"],
        data_dir=env["LTSA_DATA_DIR"],
        clock=ManualClock(START),
    )
    engine.init_db()
    engine.deploy([versions.PROCESSES], actor="designer")
    drv = Driver(engine, engine.clock)  # type: ignore[arg-type]
    for _ in range(young):
        drv.register(birth_date=birth_date_for_age(19))
    for _ in range(adults):
        drv.register()
    folder = versions.copy_processes(tmp_path / "v2")
    versions.minimum_age(folder, 21)
    engine.deploy([folder], actor="designer")
    return engine


def test_dry_run_lists_outcomes_the_run_migrates_and_bad_arguments_exit_2(
    env: dict[str, str], tmp_path: Path
) -> None:
    engine = seed(env, tmp_path, adults=2, young=1)
    history = [len(engine.history(c)) for c in (1, 2, 3)]

    preview = run("migrate", "ltsa_placement", "--to", "2", "--dry-run", "--json")
    assert preview.exit_code == 0
    document = json.loads(preview.output)
    assert document["counts"] == {"migrated": 0, "same": 2, "diverges": 1, "cannot": 0}
    [young] = [c for c in document["cases"] if c["outcome"] == "diverges"]
    assert (young["case_id"], young["event"]) == (1, 2)

    for bad in (
        ["--to", "9"],
        ["--to", "2", "--map", "registrasi=nope"],
        ["--to", "2", "--map", "x"],
    ):
        refused = run("migrate", "ltsa_placement", *bad)
        assert refused.exit_code == 2, refused.output
    assert "no version 9" in run("migrate", "ltsa_placement", "--to", "9").output
    assert [len(engine.history(c)) for c in (1, 2, 3)] == history

    done = run("migrate", "ltsa_placement", "--to", "2")
    assert done.exit_code == 0
    assert "case 1  v1  diverges  event 2" in done.output
    assert done.output.strip().endswith("2 migrated, 0 same, 1 diverges, 0 cannot")
    out = tmp_path / "case2.json"
    assert run("audit", "export", "2", "--out", str(out)).exit_code == 0
    assert run("audit", "verify", "--file", str(out)).exit_code == 0
    forged = json.loads(out.read_text())
    forged["events"][-1]["payload"]["proof"] = "0" * 64
    out.write_text(json.dumps(forged))
    assert run("audit", "verify", "--file", str(out)).exit_code == 1
    engine.close()


def test_a_batch_killed_halfway_then_run_again_migrates_every_case_exactly_once(
    env: dict[str, str], tmp_path: Path
) -> None:
    cases = 60
    seed(env, tmp_path, adults=cases).close()
    command = [sys.executable, "-c", "from cli.main import main; main()"]
    batch = subprocess.Popen(  # noqa: S603 - our own CLI
        [*command, "migrate", "ltsa_placement", "--to", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    database = create_engine(env["LTSA_DATABASE_URL"])
    count = select(func.count()).select_from(EventRow).where(EventRow.kind == "case_migrated")
    deadline = time.monotonic() + 120
    migrated = 0
    while migrated < 5 and time.monotonic() < deadline and batch.poll() is None:
        with database.connect() as connection:
            migrated = connection.execute(count).scalar_one()
        time.sleep(0.005)
    batch.send_signal(signal.SIGKILL)
    batch.wait()
    with database.connect() as connection:
        halfway = connection.execute(count).scalar_one()
    assert 0 < halfway < cases, f"killed with {halfway} of {cases} migrated"

    again = subprocess.run(  # noqa: S603 - our own CLI
        [*command, "migrate", "ltsa_placement", "--to", "2", "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(again.stdout)["counts"]["migrated"] == cases - halfway
    per_case = (
        select(EventRow.case_id, func.count())
        .where(EventRow.kind == "case_migrated")
        .group_by(EventRow.case_id)
    )
    with database.connect() as connection:
        counted = dict(connection.execute(per_case).all())
    database.dispose()
    assert counted == {case_id: 1 for case_id in range(1, cases + 1)}
    verified = run("audit", "verify", "--all")
    assert verified.exit_code == 0, verified.output
