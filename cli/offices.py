"""`ltsa office`: the LTSA offices one installation serves; `ltsa user update --office`."""

from __future__ import annotations

import json

import click

from cli.main import _engine, handles_errors, user

__all__ = ["office"]


@click.group()
def office() -> None:
    """LTSA offices (officers and heads of office belong to one)."""


@office.command("add")
@click.argument("code")
@click.option("--name", required=True, help="the office's name, e.g. 'LTSA Kabupaten Indramayu'")
@handles_errors
def office_add(code: str, name: str) -> None:
    """Add an office."""
    added = _engine().offices.add(code, name)
    click.echo(f"office {added.code} ({added.name})")


@office.command("list")
@click.option("--json", "as_json", is_flag=True)
@handles_errors
def office_list(as_json: bool) -> None:
    """List the offices."""
    offices = _engine().offices.list()
    if as_json:
        click.echo(json.dumps([{"code": o.code, "name": o.name} for o in offices]))
        return
    for each in offices:
        click.echo(f"{each.code}  {each.name}")


@user.command("update")
@click.argument("name")
@click.option(
    "--office", required=True, help="office code; '' makes an admin, designer or auditor national"
)
@click.option(
    "--release-claims",
    is_flag=True,
    help="give the tasks the user has claimed in the office they leave back to their desk",
)
@handles_errors
def user_update(name: str, office: str, release_claims: bool) -> None:
    """Move a user to another office (refused while they hold claimed tasks there)."""
    moved = _engine().users.update(name, office=office, release_claims=release_claims)
    where = f"office {moved.office}" if moved.office else "national"
    click.echo(f"user {moved.name} ({moved.role}, {where})")
