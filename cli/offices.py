"""`ltsa office`: the LTSA offices one installation serves."""

from __future__ import annotations

import json

import click

from cli.main import _engine, handles_errors

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
