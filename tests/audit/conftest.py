"""Fixtures for the audit tests: the LTSA driver on the path, engines that share a database."""

from __future__ import annotations

import sys
from pathlib import Path

# The LTSA driver lives with the process scenarios; the checkout goes first
# because the venv's editable install predates the packages' __init__.py.
_TESTS = Path(__file__).resolve().parents[1]
for _path in (str(_TESTS.parent), str(_TESTS / "processes")):
    if _path not in sys.path:
        sys.path.insert(0, _path)
for _name in ("engine", "forms"):
    if _name in sys.modules and getattr(sys.modules[_name], "__file__", None) is None:
        del sys.modules[_name]
