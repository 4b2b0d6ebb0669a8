"""Imports among engine/, forms/ and web/ modules go one way: no cycle, however hidden.

The graph counts every import a module makes, at the top or inside a function (a late
import hides a cycle from Python, not from a reader); only imports under
`if TYPE_CHECKING:`, which never run, are left out. A package's `__init__` is a node
like any other: importing `engine.cases` is an edge to `engine.cases` only.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("engine", "forms", "web")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those under `if TYPE_CHECKING:`."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The project modules one import statement loads (itself left out)."""
    if isinstance(node, ast.Import):
        names = {alias.name for alias in node.names}
    else:
        base = node.module or ""
        if node.level:
            package = module if path.name == "__init__.py" else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}" if base else package
        # `from forms import schema` loads forms.schema; `from forms import Form`, forms.
        names = {
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
            for alias in node.names
        }
    return {name for name in names if name in MODULES and name != module}


def import_graph() -> dict[str, set[str]]:
    """Module name -> the project modules it imports."""
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[module] = set()
        for node in _imports(tree):
            graph[module] |= _targets(module, path, node)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_graph_sees_the_packages_and_their_imports():
    graph = import_graph()
    assert {"engine", "engine.cases", "forms.model", "web"} <= set(graph)
    assert "forms.model" in graph["forms.fieldtypes"]
    assert "engine" in graph["web"] or any(
        "engine" in targets for name, targets in graph.items() if name.startswith("web.")
    )


def test_no_import_cycle_among_engine_forms_and_web_modules():
    assert cycles(import_graph()) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f():\n    from forms.definition import form_to_dict\n", {"forms.definition"}),
        ("from forms import schema, validation\n", {"forms.schema", "forms.validation"}),
        ("from forms import Form, schema\n", {"forms", "forms.schema"}),
        ("import forms.schema\n", {"forms.schema"}),
        ("if TYPE_CHECKING:\n    from forms.form import Form\n", set()),
        (
            "if typing.TYPE_CHECKING:\n    import forms.form\nelse:\n    import forms.html\n",
            {"forms.html"},
        ),
        ("from .definition import RawField\n", {"forms.definition"}),
    ],
)
def test_imports_are_counted_wherever_they_stand(source, expected):
    path = ROOT / "forms" / "model.py"
    found: set[str] = set()
    for node in _imports(ast.parse(source)):
        found |= _targets("forms.model", path, node)
    assert found == expected


def test_a_cycle_is_reported():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
