"""`ltsa audit` for auditors across cases: access record, subject export, signed reports.

Registered on the `audit` group of `cli.main` by `add_commands`; `audit verify`
(in `cli.main`) hands ``--all --report FILE`` and ``--file REPORT`` to
`verify_all_to_report` and `check_report` here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from cli.main import _engine, _table, handles_errors
from engine import Actor, Engine, Role, verify_report

__all__ = ["add_commands", "check_report", "report_access_days", "verify_all_to_report"]


@click.command("access")
@click.argument("case_id", type=int)
@click.option("--user", "user", help="only the reads of this user")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def audit_access(case_id: int, user: str | None, as_json: bool) -> None:
    """Who read the case's personal data, when, what and from where (oldest first)."""
    entries = _engine().access.for_case(case_id, user=user)
    if as_json:
        click.echo(json.dumps([e.to_dict() for e in entries], ensure_ascii=False))
        return
    _table(
        [
            (e.recorded_at.isoformat(timespec="seconds"), e.actor, e.role, e.what)
            + ((e.document or "")[:12], e.address or "")
            for e in entries
        ],
        ("when", "user", "role", "what", "document", "address"),
    )


@click.command("subject-export")
@click.argument("nik")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as", "actor", help="the officer or admin answering the request (recorded)")
@handles_errors
def audit_subject_export(nik: str, out: Path, actor: str | None) -> None:
    """A worker's data across their cases and the record of who processed or read it, signed."""
    eng = _engine()
    who = eng.users.get(actor).actor if actor else Actor("cli", Role.SYSTEM)
    document = eng.subjects.export(nik, who, eng.clock.now())
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    reads = sum(len(c["reads"]) for c in document["cases"])
    click.echo(f"{len(document['cases'])} case(s), {reads} recorded read(s) written to {out}")


def verify_all_to_report(eng: Engine, report: Path, as_json: bool) -> int:
    """Verify every case and the access record as a job; write its signed report; exit code."""
    job = eng.jobs.create(None, f"cli:{os.environ.get('USER') or 'unknown'}")
    click.echo(f"verifying {job.total} case(s) (job {job.id})", err=True)
    eng.jobs.run(job.id, f"cli-{os.getpid()}")
    content = eng.jobs.report(job.id)
    report.write_text(content, encoding="utf-8")
    summary = json.loads(content)["summary"]
    bad = bool(summary["not_intact"] or summary["access_not_intact"])
    if as_json:
        click.echo(json.dumps(summary))
    else:
        click.echo(
            f"{summary['cases']} case(s) checked, {summary['intact']} intact, "
            f"not intact: {summary['not_intact'] or 'none'}; access record days not intact: "
            f"{summary['access_not_intact'] or 'none'}; signed report written to {report}"
        )
    return 1 if bad else 0


def report_access_days(eng: Engine) -> bool:
    """Verify every day of the access record (on stderr); True when one is not intact."""
    broken = [v for v in eng.access.verify(eng.auditor.latest_checkpoint()) if not v.intact]
    for day in broken:
        click.echo(
            f"access record {day.day}: TAMPERED at entry {day.first_bad_entry}: "
            + "; ".join(day.problems),
            err=True,
        )
    return bool(broken)


def check_report(path: Path, as_json: bool) -> int:
    """Check a signed verification report offline; exit code 0 intact, 1 not."""
    intact, message = verify_report(path.read_bytes())
    if as_json:
        click.echo(json.dumps({"intact": intact, "message": message}))
    else:
        click.echo(("intact: " if intact else "NOT INTACT: ") + message)
    return 0 if intact else 1


def add_commands(group: click.Group) -> None:
    """Register these commands on the `ltsa audit` group."""
    group.add_command(audit_access)
    group.add_command(audit_subject_export)
