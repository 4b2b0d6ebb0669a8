"""String formats (property ``format``) and the regex rules shared with JSON Schema.

Each format is one regular expression written in the subset common to Python
and ECMA-262, so the server and any JSON Schema client judge the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType


def anchored(pattern: str) -> str:
    """Return ``pattern`` as a full-match regex usable both by ``re.search`` and JSON Schema.

    JSON Schema ``pattern`` is a search, and Python's ``$`` also matches before a
    final newline; a negative lookahead for any character means "end of input"
    in both dialects.
    """
    return f"^(?:{pattern})(?![\\s\\S])"


@cache
def countries() -> Mapping[str, Mapping[str, str]]:
    """ISO 3166-1 alpha-2 codes with their names by locale (``{"ID": {"id": ..., "en": ...}}``)."""
    text = resources.files("forms").joinpath("countries.json").read_text(encoding="utf-8")
    data: dict[str, dict[str, str]] = json.loads(text)
    return MappingProxyType(data)


@dataclass(frozen=True)
class Format:
    """A named string format: its regex (full match), message key and normalisation."""

    name: str
    pattern: str
    message_key: str
    normalize: Callable[[str], str] = str
    max_length: int | None = None

    def check(self, value: str) -> bool:
        """Return True when ``value`` has this format."""
        if self.max_length is not None and len(value) > self.max_length:
            return False
        return re.search(anchored(self.pattern), value) is not None


def _strip_separators(value: str) -> str:
    return value.replace(" ", "").replace("-", "")


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"

FORMATS: Mapping[str, Format] = MappingProxyType(
    {
        "nik": Format("nik", "[0-9]{16}", "format_nik"),
        # Indonesian national numbers (0812..., 021...) or international (+62..., +65...);
        # spaces and dashes between digits are allowed and removed from the stored value.
        "phone": Format(
            "phone",
            r"\+[1-9](?:[ -]?[0-9]){6,14}|0(?:[ -]?[0-9]){8,12}",
            "format_phone",
            normalize=_strip_separators,
        ),
        # The practical subset of RFC 5322 that browsers use (WHATWG), with a dot in the domain.
        "email": Format(
            "email",
            rf"[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL}(?:\.{_LABEL})+",
            "format_email",
            max_length=254,
        ),
        "country": Format("country", "|".join(sorted(countries())), "format_country"),
    }
)
