"""Fixtures for forms tests: build forms from real BPMN parsed by SpiffWorkflow's camunda parser."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# The venv's editable install was made before the packages had __init__.py, so from
# outside the checkout `forms` resolves to a namespace package. Put the checkout first.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
if "forms" in sys.modules and getattr(sys.modules["forms"], "__file__", None) is None:
    del sys.modules["forms"]

from forms_testkit import form_from_xml, spiff_form_from_xml  # noqa: E402

from forms import Form  # noqa: E402


@pytest.fixture
def make_form() -> Callable[..., Form]:
    return form_from_xml


@pytest.fixture
def make_spiff_form() -> Callable[..., Any]:
    return spiff_form_from_xml
