"""Fixtures for the audit tests: the LTSA driver on the path, engines that share a database."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# The LTSA driver lives with the process scenarios; the checkout goes first
# because the venv's editable install predates the packages' __init__.py.
_TESTS = Path(__file__).resolve().parents[1]
for _path in (str(_TESTS.parent), str(_TESTS / "processes")):
    if _path not in sys.path:
        sys.path.insert(0, _path)
for _name in ("engine", "forms"):
    if _name in sys.modules and getattr(sys.modules[_name], "__file__", None) is None:
        del sys.modules[_name]

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def load_golden() -> Callable[[str], dict[str, Any]]:
    """Read a golden export, ``golden/NAME``, as JSON."""

    def load(name: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
        return document

    return load
