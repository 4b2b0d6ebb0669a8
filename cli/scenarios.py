"""`ltsa test`: run the designer's scenario files and print results and coverage.

Exit codes: 0 every scenario passed, 1 one failed (named with its step and
expectation), 2 a process or scenario file is invalid (file and line named).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from engine import (
    DeploymentFailed,
    ProcessCoverage,
    ScenarioFileError,
    ScenarioReport,
    SourceFile,
    run_scenarios,
)

__all__ = ["scenario_files", "test"]

DEFAULT_PATH = Path("processes")
SUFFIXES = (".yaml", ".yml")


def _tests_dirs(paths: Sequence[Path]) -> list[Path]:
    dirs = [(p if p.is_dir() else p.parent) / "tests" for p in paths]
    return list(dict.fromkeys(dirs))


def scenario_files(paths: Sequence[Path]) -> list[SourceFile]:
    """The scenario files beside the given BPMN paths (`PATH/tests/*.yaml`), in name order."""
    found: list[SourceFile] = []
    for directory in _tests_dirs(paths):
        if directory.is_dir():
            for path in sorted(directory.iterdir()):
                if path.suffix.lower() in SUFFIXES and path.is_file():
                    found.append(SourceFile(str(path), path.read_bytes()))
    return found


def _is_scenario_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in SUFFIXES


def _split(paths: Sequence[Path]) -> tuple[list[Path], list[SourceFile]]:
    """Process paths and the scenarios to run: those beside them, or the ones named.

    A scenario file (`processes/tests/kelayakan.yaml`) or a directory of them
    (`processes/tests`) runs alone, against the processes one level up.
    """
    processes: list[Path] = []
    named: list[Path] = []
    for path in paths:
        if _is_scenario_file(path):
            named.append(path)
            processes.append(path.parent.parent if path.parent.name == "tests" else path.parent)
        elif path.is_dir() and path.name == "tests" and any(map(_is_scenario_file, path.iterdir())):
            named.extend(sorted(p for p in path.iterdir() if _is_scenario_file(p)))
            processes.append(path.parent)
        else:
            processes.append(path)
    processes = list(dict.fromkeys(processes))
    if named:
        files = [SourceFile(str(p), p.read_bytes()) for p in dict.fromkeys(named)]
        return processes, files
    return processes, scenario_files(processes)


def _print_coverage(coverage: ProcessCoverage) -> None:
    reached_nodes, reached_flows = len(coverage.flow_nodes_reached), len(coverage.flows_reached)
    nodes = reached_nodes + len(coverage.flow_nodes_missed)
    flows = reached_flows + len(coverage.flows_missed)
    click.echo(
        f"  {coverage.process_key}: flow nodes {coverage.node_percent:.1f}% "
        f"({reached_nodes}/{nodes}), sequence flows {coverage.flow_percent:.1f}% "
        f"({reached_flows}/{flows})"
    )
    if coverage.flow_nodes_missed:
        click.echo("    not reached: " + ", ".join(coverage.flow_nodes_missed))
    if coverage.flows_missed:
        click.echo("    flows not taken: " + ", ".join(coverage.flows_missed))


def _print_report(report: ScenarioReport, verbose: bool) -> None:
    for result in report.scenarios:
        mark = "PASS" if result.passed else "FAIL"
        click.echo(f"{mark}  {result.name}  ({result.file}:{result.line})")
        if result.failure:
            click.echo(f"      {result.failure}")
        if verbose:
            for filled in result.filled:
                click.echo(f"      filled {filled}")
    click.echo("coverage:")
    for coverage in report.coverage:
        _print_coverage(coverage)
    failed = len(report.failures)
    click.echo(
        f"{len(report.scenarios)} scenario(s): {len(report.scenarios) - failed} passed, "
        f"{failed} failed"
    )


def _invalid(exc: ScenarioFileError | DeploymentFailed, as_json: bool) -> None:
    if as_json:
        errors = (
            [exc.to_dict()]
            if isinstance(exc, ScenarioFileError)
            else [e.to_dict() for e in exc.errors]
        )
        click.echo(json.dumps({"code": exc.code, "message": str(exc), "errors": errors}))
    else:
        click.echo(f"error: {exc}", err=True)
    sys.exit(2)


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--coverage",
    "coverage_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="also write the coverage as JSON to FILE",
)
@click.option("--json", "as_json", is_flag=True)
@click.option("-v", "--verbose", is_flag=True, help="also list the fields filled with examples")
def test(paths: tuple[Path, ...], coverage_file: Path | None, as_json: bool, verbose: bool) -> None:
    """Run the scenario files PATH/tests/*.yaml against the files in PATH (default processes/).

    The files on disk are tested, not the deployed versions, in a throw-away
    in-memory database with its own clock. PATH may also name one scenario
    file (processes/tests/kelayakan.yaml) to run it alone.
    """
    given, scenarios = _split(list(paths) or [DEFAULT_PATH])
    try:
        report = run_scenarios(given, scenarios)
    except (ScenarioFileError, DeploymentFailed) as exc:
        _invalid(exc, as_json)
        return
    if coverage_file is not None:
        document = [c.to_json() for c in report.coverage]
        coverage_file.write_text(json.dumps(document, indent=1), encoding="utf-8")
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        if not report.scenarios:
            click.echo("no scenario files found in " + ", ".join(map(str, _tests_dirs(given))))
        _print_report(report, verbose)
    sys.exit(0 if report.passed else 1)
