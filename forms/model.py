"""The form model: `Field` and `Form`, immutable values built from a BPMN declaration.

`Form` is the entry point for everything a form does (validate, JSON Schema,
serialisation); the work itself lives in the modules named after each job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from forms import schema, validation
from forms.conditions import Condition, parse_condition
from forms.files import DEFAULT_ACCEPT, DEFAULT_MAX_BYTES
from forms.messages import normalize_locale


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
class Form:
    """A user task's form: its key and declared fields, in order."""

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

    def validate(
        self,
        data: Mapping[str, Any],
        *,
        current: Mapping[str, Any] | None = None,
        locale: str = "id",
    ) -> dict[str, Any]:
        """Validate a submission and return the cleaned, JSON-native values.

        Args:
            data: The submitted values by field id (JSON types; see `from_html_form`
                for browser submissions).
            current: The case data before this submission: visibility conditions read
                it, and an unchanged document reference must match it.
            locale: Language of the error messages (``id`` or ``en``).

        Returns:
            The cleaned values of the submitted, visible fields; uploads as `UploadedFile`.

        Raises:
            ValidationFailed: With messages by field id.
        """
        return validation.validate(self, data, current=current or {}, locale=locale)

    def json_schema(self, locale: str = "id") -> dict[str, Any]:
        """Return a JSON Schema (draft 2020-12) that accepts what `validate` accepts."""
        return schema.form_json_schema(self, locale)

    def to_dict(self) -> dict[str, Any]:
        """Return the declaration as JSON-able data; `from_dict` reads it back."""
        from forms.definition import form_to_dict  # definition builds Forms: import late

        return form_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Form:
        """Rebuild a form from `to_dict` output; raise FormDefinitionError if it is invalid."""
        from forms.definition import form_from_dict

        return form_from_dict(data)
