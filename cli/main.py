"""The `ltsa` command: deploy processes, run cases, manage users, serve.

Exit codes are set in one place (`_EXIT_CODES`): 0 ok, 2 invalid deployment,
3 invalid data, 4 conflict, 5 forbidden, 6 not found, 1 anything else.
"""

from __future__ import annotations

import functools
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from cli.migrate import migrate
from cli.scenarios import scenario_files
from cli.scenarios import test as scenario_test
from engine import (
    USER_ROLES,
    AccessKind,
    Actor,
    CaseView,
    Conflict,
    DeploymentFailed,
    Engine,
    EngineError,
    Forbidden,
    JournalEvent,
    NotFound,
    ScenarioFileError,
    TaskView,
    ValidationFailed,
    is_report,
    verify_export,
)

F = TypeVar("F", bound=Callable[..., Any])
CHECKPOINT_EVERY_SECONDS = 3600

_EXIT_CODES: list[tuple[type[BaseException], int]] = [
    (DeploymentFailed, 2),
    (ScenarioFileError, 2),
    (ValidationFailed, 3),
    (Conflict, 4),
    (Forbidden, 5),
    (NotFound, 6),
    (EngineError, 1),
]


def _fail(exc: EngineError, as_json: bool) -> None:
    code = next(c for cls, c in _EXIT_CODES if isinstance(exc, cls))
    if as_json:
        body: dict[str, Any] = {"code": exc.code, "message": str(exc)}
        if isinstance(exc, ValidationFailed):
            body["errors"] = exc.errors
        if isinstance(exc, DeploymentFailed):
            body["errors"] = [e.to_dict() for e in exc.errors]
        if isinstance(exc, ScenarioFileError):
            body["errors"] = [exc.to_dict()]
        click.echo(json.dumps(body, ensure_ascii=False))
    else:
        click.echo(f"error: {exc}", err=True)
        if isinstance(exc, ValidationFailed):
            for field, messages in sorted(exc.errors.items()):
                for message in messages:
                    click.echo(f"  {field}: {message}", err=True)
    sys.exit(code)


def handles_errors(func: F) -> F:
    """Turn engine errors into a message and the documented exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except EngineError as exc:
            _fail(exc, bool(kwargs.get("as_json")))

    return wrapper  # type: ignore[return-value]


def _engine() -> Engine:
    eng = Engine.from_env()
    eng.init_db()
    return eng


def _actor(eng: Engine, name: str) -> Actor:
    return eng.users.get(name).actor


def _read(eng: Engine, case_id: int, what: AccessKind) -> None:
    """Record the operator's read of a case's personal data (UU 27/2022), as the web does."""
    eng.get_case(case_id)  # NotFound before anything is recorded
    operator = Actor(f"cli:{getpass.getuser()}", "operator")
    eng.access.record(operator, case_id, what, address="cli")


def _read_data(source: str | None) -> dict[str, Any]:
    if source is None:
        return {}
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            {"data": [f"not valid JSON: line {exc.lineno}: {exc.msg}"]}
        ) from None
    if not isinstance(data, dict):
        raise ValidationFailed({"data": ["must be a JSON object"]})
    return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def task_dict(task: TaskView) -> dict[str, Any]:
    """A task as JSON output."""
    return _jsonable(
        {
            "id": task.id,
            "case_id": task.case_id,
            "ref": task.ref,
            "name": task.name,
            "title": task.title,
            "desk": task.desk,
            "state": task.state,
            "assignee": task.assignee,
            "created_at": task.created_at,
            "completed_at": task.completed_at,
            "completed_by": task.completed_by,
            "process": task.process_key,
        }
    )


def case_dict(case: CaseView) -> dict[str, Any]:
    """A case as JSON output."""
    return _jsonable(
        {
            "id": case.id,
            "process": case.process_key,
            "version": case.version,
            "status": case.status,
            "rejection_reason": case.rejection_reason,
            "revision": case.revision,
            "created_at": case.created_at,
            "updated_at": case.updated_at,
            "data": case.data,
            "ready_tasks": [task_dict(t) for t in case.ready_tasks],
        }
    )


def event_dict(event: JournalEvent) -> dict[str, Any]:
    """A journal event as JSON output."""
    return _jsonable(event.to_dict())


def _table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> None:
    cells = [list(map(str, header))] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for index, row in enumerate(cells):
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            click.echo("  ".join("-" * w for w in widths))


@click.group()
@click.version_option(package_name="ltsa-case-engine")
def main() -> None:
    """LTSA case engine: BPMN-driven one-stop service for migrant workers."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=int,
    help="processes (gunicorn); more than one wants PostgreSQL",
)
def serve(host: str, port: int, threads: int, workers: int) -> None:
    """Serve the web app with a production WSGI server (waitress, or gunicorn for --workers)."""
    Engine.from_env().init_db()
    click.echo(f"LTSA serving on http://{host}:{port}")
    if workers > 1:
        os.execvp(  # noqa: S606 - replaces this process with gunicorn, arguments are ours
            sys.executable,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--worker-class",
                "gthread",
                "--limit-request-line",
                "8190",
                "--graceful-timeout",
                "10",
                "web:create_app()",
            ],
        )
    from waitress import serve as waitress_serve

    from web import create_app

    waitress_serve(
        create_app(), host=host, port=port, threads=threads, max_request_body_size=50 * 2**20
    )


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations."""
    Engine.from_env().init_db()
    click.echo("database is up to date")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--as", "actor", default="cli", help="who deploys (recorded)")
@click.option("--skip-tests", is_flag=True, help="deploy without running the scenarios (recorded)")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def deploy(paths: tuple[Path, ...], actor: str, skip_tests: bool, as_json: bool) -> None:
    """Validate, run the scenarios in PATH/tests/ and deploy BPMN/DMN files (default: processes/).

    Without scenario files beside the BPMN, the latest stored set runs.
    """
    eng = _engine()
    given = list(paths) or [Path("processes")]
    results = eng.deploy(
        given, actor=actor, scenarios=scenario_files(given) or None, skip_tests=skip_tests
    )
    if as_json:
        click.echo(json.dumps([r.__dict__ for r in results]))
        return
    _table([(r.key, r.version, r.status) for r in results], ["process", "version", "status"])


@main.command()
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def processes(as_json: bool) -> None:
    """List deployed processes and their versions."""
    versions = _engine().processes()
    if as_json:
        click.echo(json.dumps([_jsonable(v.__dict__) for v in versions]))
        return
    _table(
        [
            (
                v.key,
                v.version,
                v.content_hash[:12],
                v.deployed_at.isoformat(timespec="seconds"),
                v.deployed_by,
                v.active_cases,
                _skipped(v.tests_skipped_by, v.tests_skipped_at),
            )
            for v in versions
        ],
        ["process", "version", "hash", "deployed", "by", "active cases", "tests skipped"],
    )


def _skipped(by: str | None, at: datetime | None) -> str:
    if by is None:
        return ""
    return f"by {by}" + (f" at {at.isoformat(timespec='seconds')}" if at else "")


@main.group()
def user() -> None:
    """Users, roles and desks."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    required=True,
    type=click.Choice([str(r) for r in USER_ROLES]),
)
@click.option("--desk", "desks", multiple=True, help="desk code (repeat for several)")
@click.option("--office", default=None, help="office code (officers and kepala: default office)")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@handles_errors
def user_add(
    name: str, role: str, desks: tuple[str, ...], office: str | None, password_stdin: bool
) -> None:
    """Create a user."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    created = _engine().users.add(name, role, desks, password, office=office)
    desks = f": {', '.join(created.desks)}" if created.desks else ""
    where = f", office {created.office}" if created.office else ", national"
    click.echo(f"user {created.name} ({created.role}{desks}{where})")


@main.command()
@click.argument("name")
@handles_errors
def token(name: str) -> None:
    """Print a new API token for a user."""
    click.echo(_engine().users.new_token(name))


@main.group()
def case() -> None:
    """Cases."""


@case.command("start")
@click.argument("key")
@click.option("--data", "data_source", help="JSON file, or - for standard input")
@click.option("--as", "actor", required=True)
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def case_start(key: str, data_source: str | None, actor: str, as_json: bool) -> None:
    """Start a case of the latest version of KEY."""
    eng = _engine()
    started = eng.start(key, _read_data(data_source), _actor(eng, actor))
    click.echo(json.dumps(case_dict(started)) if as_json else str(started.id))


@case.command("show")
@click.argument("case_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def case_show(case_id: int, as_json: bool) -> None:
    """A case's state, data and ready tasks (the read is recorded)."""
    eng = _engine()
    _read(eng, case_id, AccessKind.CLI_CASE)
    shown = eng.get_case(case_id)
    if as_json:
        click.echo(json.dumps(case_dict(shown), ensure_ascii=False))
        return
    click.echo(
        f"case {shown.id}  {shown.process_key} v{shown.version}  {shown.status}"
        f"  revision {shown.revision}"
    )
    if shown.rejection_reason:
        click.echo(f"rejected: {shown.rejection_reason}")
    click.echo("data:")
    for field, value in sorted(shown.data.items()):
        click.echo(f"  {field}: {json.dumps(value, ensure_ascii=False)}")
    if shown.ready_tasks:
        click.echo("ready tasks:")
        _table(
            [(t.id, t.desk, t.name, t.title) for t in shown.ready_tasks],
            ["task", "desk", "step", "title"],
        )


@case.command("history")
@click.argument("case_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def case_history(case_id: int, as_json: bool) -> None:
    """Every input the case received: who, when, what (the read is recorded)."""
    eng = _engine()
    _read(eng, case_id, AccessKind.CLI_HISTORY)
    events = eng.history(case_id)
    if as_json:
        click.echo(json.dumps([event_dict(e) for e in events], ensure_ascii=False))
        return
    for e in events:
        detail = e.task_ref or e.payload.get("name") or e.payload.get("reason") or ""
        names = ", ".join(sorted((e.payload.get("data") or {}).keys()))
        fields = f"[{names}]" if names else ""
        when = e.recorded_at.isoformat(timespec="seconds")
        line = (
            f"{e.seq:>4}  {when}  {e.kind:<17} {e.actor:<16} {e.desk or '-':<9} {detail} {fields}"
        )
        click.echo(line.rstrip())


@case.command("withdraw")
@click.argument("case_id", type=int)
@click.option("--reason", required=True)
@click.option("--as", "actor", required=True)
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def case_withdraw(case_id: int, reason: str, actor: str, as_json: bool) -> None:
    """Withdraw a case at the applicant's request."""
    eng = _engine()
    result = eng.withdraw(case_id, reason, _actor(eng, actor))
    click.echo(json.dumps(case_dict(result)) if as_json else f"case {result.id} {result.status}")


@main.group()
def task() -> None:
    """Tasks."""


@task.command("list")
@click.option("--desk")
@click.option("--case", "case_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def task_list(desk: str | None, case_id: int | None, as_json: bool) -> None:
    """Ready tasks, by desk or case."""
    tasks = _engine().list_tasks(desk=desk, case_id=case_id)
    if as_json:
        click.echo(json.dumps([task_dict(t) for t in tasks]))
        return
    _table(
        [
            (t.id, t.case_id, t.desk, t.name, t.title, t.created_at.isoformat(timespec="minutes"))
            for t in tasks
        ],
        ["task", "case", "desk", "step", "title", "since"],
    )


@task.command("complete")
@click.argument("task_id", type=int)
@click.option("--as", "actor", required=True)
@click.option("--data", "data_source", help="JSON file, or - for standard input")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def task_complete(task_id: int, actor: str, data_source: str | None, as_json: bool) -> None:
    """Complete a ready task with JSON data."""
    eng = _engine()
    result = eng.complete_task(task_id, _read_data(data_source), _actor(eng, actor), locale="en")
    if as_json:
        click.echo(json.dumps(case_dict(result), ensure_ascii=False))
        return
    click.echo(f"case {result.id}: {result.status}")
    for t in result.ready_tasks:
        click.echo(f"  next: task {t.id} at {t.desk}: {t.title}")


@main.group()
def audit() -> None:
    """Verify, replay and export case histories."""


@audit.command("verify")
@click.argument("case_ids", nargs=-1, type=int)
@click.option("--all", "all_cases", is_flag=True, help="every case")
@click.option(
    "--file",
    "export_file",
    type=click.Path(exists=True, path_type=Path),
    help="verify an exported history (or a signed report) without the database",
)
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="with --all: also write a signed report of the run",
)
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def audit_verify(
    case_ids: tuple[int, ...],
    all_cases: bool,
    export_file: Path | None,
    report_file: Path | None,
    as_json: bool,
) -> None:
    """Check hash chains, checkpoints and replays; exit 1 when anything is off."""
    if export_file is not None and is_report(export_file.read_bytes()):
        sys.exit(check_report(export_file, as_json))
    if report_file is not None:
        if not all_cases:
            raise click.UsageError("--report goes with --all")
        sys.exit(verify_all_to_report(_engine(), report_file, as_json))
    access_broken = False
    if export_file is not None:
        document = json.loads(export_file.read_text(encoding="utf-8"))
        verdicts = [verify_export(document)]
    else:
        if not case_ids and not all_cases:
            raise click.UsageError("name case ids, --all, or --file")
        eng = _engine()
        if all_cases:
            total = len(eng.list_cases(limit=10**9))
            with click.progressbar(
                eng.verify_all(), length=total, label="verifying", file=sys.stderr
            ) as progress:
                verdicts = list(progress)
            access_broken = report_access_days(eng)
        else:
            verdicts = [eng.verify(case_id) for case_id in case_ids]
    broken = [v for v in verdicts if not v.intact]
    if as_json:
        click.echo(json.dumps([v.to_dict() for v in verdicts]))
    else:
        for verdict in broken:
            click.echo(
                f"case {verdict.case_id}: TAMPERED at event {verdict.first_bad_event}: "
                + "; ".join(verdict.problems)
            )
        click.echo(
            f"{len(verdicts)} case(s) checked, {len(verdicts) - len(broken)} intact, "
            f"{len(broken)} not intact"
        )
    sys.exit(1 if broken or access_broken else 0)


@audit.command("replay")
@click.argument("case_id", type=int)
@click.option("--to", "to", type=int, help="state after event N (default: the last)")
@click.option("--against", type=int, help="replay against another version of the process")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def audit_replay(case_id: int, to: int | None, against: int | None, as_json: bool) -> None:
    """A case's state after event N; with --against, where another version diverges."""
    eng = _engine()
    _read(eng, case_id, AccessKind.REPLAY)
    result = eng.replay(case_id, to=to, against=against)
    if as_json:
        click.echo(json.dumps(_jsonable(result.to_dict()), ensure_ascii=False))
        return
    click.echo(f"case {case_id} after event {result.seq} of {result.events}: {result.status}")
    for name, change in result.changed.items():
        before, after = (
            "(absent)" if change.get("absent") == side else json.dumps(change[side])
            for side in ("before", "after")
        )
        click.echo(f"  {name}: {before} -> {after}")
    click.echo("ready: " + (", ".join(result.ready_tasks) or "-"))
    if against is not None:
        if result.divergence is None:
            click.echo(f"version {against} would have behaved the same")
        else:
            click.echo(
                f"version {against} diverges at event {result.divergence.seq}: "
                f"{result.divergence.reason}"
            )


@audit.command("checkpoint")
@handles_errors
def audit_checkpoint() -> None:
    """Sign and store every case's journal head now."""
    signed = _engine().checkpoint()
    click.echo(f"checkpoint of {len(signed['cases'])} case(s), root {signed['root'][:16]}")


@audit.command("export")
@click.argument("case_id", type=int)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@handles_errors
def audit_export(case_id: int, out: Path) -> None:
    """Write a signed, self-contained history of a case (the read is recorded)."""
    eng = _engine()
    _read(eng, case_id, AccessKind.EXPORT)
    document = eng.export_case(case_id)
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(f"case {case_id}: {len(document['events'])} events written to {out}")


@audit.command("key")
@handles_errors
def audit_key() -> None:
    """Print the installation's public verification key."""
    click.echo(_engine().public_key().strip())


@main.command()
@click.option("--once", is_flag=True, help="fire what is due now and exit")
@click.option("--interval", default=0.5, show_default=True, help="seconds between polls")
@click.option(
    "--batch",
    default=10,
    show_default=True,
    help="timers leased at a time (small batches let other workers share the load)",
)
def worker(once: bool, interval: float, batch: int) -> None:
    """Fire due timers, roll up the dashboard's waits of closed days, sign a checkpoint hourly."""
    import time

    eng = _engine()
    last_checkpoint = time.monotonic()
    last_rollup = -float("inf")
    total = 0
    while True:
        if time.monotonic() - last_rollup > 60 and eng.roll_up_waits(limit=20) < 20:
            last_rollup = time.monotonic()  # caught up: again in a minute
        fired = eng.fire_due_timers(limit=batch)
        total += fired
        if once and not fired:
            click.echo(f"fired {total} timer(s)")
            return
        if time.monotonic() - last_checkpoint > CHECKPOINT_EVERY_SECONDS:
            eng.checkpoint()
            last_checkpoint = time.monotonic()
        if not fired:
            time.sleep(interval)


@main.command()
@handles_errors
def demo() -> None:
    """Seed demo users (printed with their passwords) and deploy processes/."""
    from cli.demo import seed

    seed(_engine(), echo=click.echo)


main.add_command(scenario_test)
main.add_command(migrate)

from cli.offices import office  # noqa: E402  (registers `ltsa office`)

main.add_command(office)
# the auditor's commands across cases; they use the helpers above
from cli.audit_more import (  # noqa: E402
    add_commands,
    check_report,
    report_access_days,
    verify_all_to_report,
)

add_commands(audit)

__all__ = ["case_dict", "event_dict", "main", "task_dict"]
