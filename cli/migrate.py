"""`ltsa migrate`: move running cases of a process to another version, proven by replay.

Exit codes: 0 done (even when some cases stay where they are), 2 invalid
arguments (unknown version, a case of another process, a bad mapping):
then nothing moved.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

import click

from engine import Actor, CaseImpact, Engine, EngineError, Role

__all__ = ["migrate"]


def _mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise click.BadParameter(f"{pair!r}: write OLD=NEW (element ids)", param_hint="--map")
        mapping[old.strip()] = new.strip()
    return mapping


def _line(impact: CaseImpact) -> str:
    where = f"event {impact.seq}" if impact.seq else ""
    mapped = ", ".join(f"{k}->{v}" for k, v in impact.mapping.items())
    detail = "; ".join(x for x in (where, impact.reason or "", mapped and f"mapped {mapped}") if x)
    return f"case {impact.case_id}  v{impact.from_version}  {impact.outcome}  {detail}".rstrip()


@click.command()
@click.argument("key")
@click.option("--to", "to_version", type=int, required=True, help="the target version")
@click.option("--from", "from_version", type=int, help="only cases on this version")
@click.option("--case", "cases", type=int, multiple=True, help="only these cases")
@click.option("--map", "pairs", multiple=True, help="OLD=NEW: place a diverging case's element")
@click.option("--dry-run", is_flag=True, help="preview only: nothing moves")
@click.option("--as", "actor_name", help="a designer or admin (default: the operator, as admin)")
@click.option("--json", "as_json", is_flag=True)
def migrate(
    key: str,
    to_version: int,
    from_version: int | None,
    cases: tuple[int, ...],
    pairs: tuple[str, ...],
    dry_run: bool,
    actor_name: str | None,
    as_json: bool,
) -> None:
    """Move the active cases of KEY that would have run identically on version --to."""
    eng = Engine.from_env()
    eng.init_db()
    try:
        actor = eng.users.get(actor_name).actor if actor_name else Actor("cli", Role.ADMIN)
        options = {"from_version": from_version, "cases": cases, "mapping": _mapping(pairs)}
        if dry_run:
            outcomes = eng.preview_migration(key, to_version, actor, **options)
        else:
            outcomes = eng.migrate(key, to_version, actor, **options)
    except EngineError as exc:
        _refuse(exc, as_json)
    counts: Counter[str] = Counter()
    listed = []
    for impact in outcomes:
        counts[impact.outcome] += 1
        if as_json:
            listed.append(impact.to_dict())
        else:
            click.echo(_line(impact))
            sys.stdout.flush()
    summary = {k: counts.get(k, 0) for k in ("migrated", "same", "diverges", "cannot")}
    if as_json:
        document = {"process": key, "to": to_version, "dry_run": dry_run, "counts": summary}
        click.echo(json.dumps({**document, "cases": listed}, ensure_ascii=False))
    else:
        click.echo(", ".join(f"{n} {k}" for k, n in summary.items()))
    eng.close()


def _refuse(exc: EngineError, as_json: bool) -> None:
    errors = getattr(exc, "errors", {}) or {}
    if as_json:
        body = {"code": exc.code, "message": str(exc), "errors": errors}
        click.echo(json.dumps(body, ensure_ascii=False))
    else:
        click.echo(f"error: {exc}", err=True)
        for field, messages in sorted(errors.items()):
            for message in messages:
                click.echo(f"  {field}: {message}", err=True)
    sys.exit(2)
