"""The form model: `Field` and `Declaration`, immutable values built from a BPMN declaration.

The bottom of the package: it knows nothing of what is built on it. The field types
(`fieldtypes`) sit above it, the generators (validation, JSON Schema, HTML, reading
declarations) above those, and `Form` (`form.py`), their entry point, on top.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from forms.conditions import Condition, parse_condition
from forms.messages import normalize_locale

DEFAULT_ACCEPT = ("application/pdf", "image/jpeg", "image/png")
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Field:
    """One declared form field (a camunda:formField), with its rules parsed.

    ``constraints`` and ``properties`` keep the declaration as written; the typed
    attributes (``required``, ``min_length``, ``format`` ...) are what the code uses.
    """

    id: str
    type: str
    label: str
    label_en: str | None = None
    default: Any = None
    required: bool = False
    readonly: bool = False
    min_length: int | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    format: str | None = None
    pattern: str | None = None
    help: str | None = None
    help_en: str | None = None
    placeholder: str | None = None
    placeholder_en: str | None = None
    visible_if: str | None = None
    #: who may see the value outside the task's own form (desks, roles, task ids); () = anyone
    visibility: tuple[str, ...] = ()
    accept: tuple[str, ...] = DEFAULT_ACCEPT
    max_bytes: int = DEFAULT_MAX_BYTES
    options: tuple[tuple[str, str], ...] = ()
    constraints: Mapping[str, str | None] = field(default_factory=lambda: MappingProxyType({}))
    properties: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def label_for(self, locale: str) -> str:
        """Return the label in ``locale`` (English falls back to the Indonesian label)."""
        if normalize_locale(locale) == "en" and self.label_en:
            return self.label_en
        return self.label

    def help_for(self, locale: str) -> str | None:
        """Return the help text in ``locale``, if any."""
        if normalize_locale(locale) == "en" and self.help_en:
            return self.help_en
        return self.help

    def placeholder_for(self, locale: str) -> str | None:
        """Return the placeholder in ``locale``, if any."""
        if normalize_locale(locale) == "en" and self.placeholder_en:
            return self.placeholder_en
        return self.placeholder

    @cached_property
    def condition(self) -> Condition | None:
        """The parsed ``visible_if`` condition (checked when the form was built)."""
        return parse_condition(self.visible_if) if self.visible_if else None

    @property
    def always_required(self) -> bool:
        """True when the field is required whatever the other fields say."""
        return self.required and self.visible_if is None


@dataclass(frozen=True)
class Declaration:
    """A user task's form as declared: its key and fields, in order (`Form` adds the jobs)."""

    key: str | None
    fields: tuple[Field, ...]

    def field(self, field_id: str) -> Field:
        """Return the field ``field_id``; raise KeyError if the form does not declare it."""
        for candidate in self.fields:
            if candidate.id == field_id:
                return candidate
        raise KeyError(field_id)

    @property
    def has_files(self) -> bool:
        """True when a field takes an upload (the HTML form needs multipart encoding)."""
        return any(f.type == "file" for f in self.fields)
