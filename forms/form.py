"""`Form`: a user task's form, the entry point for everything a form does.

The top of the package: each job (validation, JSON Schema, serialisation) lives in the
module named after it and works on the `Declaration` below; `Form` only delegates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from forms import definition, schema, validation
from forms.model import Declaration

__all__ = ["Form", "form_from_spiff"]


@dataclass(frozen=True)
class Form(Declaration):
    """A user task's form: its key and declared fields, in order."""

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
        return definition.form_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Form:
        """Rebuild a form from `to_dict` output; raise FormDefinitionError if it is invalid."""
        declaration = definition.form_from_dict(data)
        return cls(key=declaration.key, fields=declaration.fields)


def form_from_spiff(spiff_form: Any) -> Form:
    """Build a `Form` from a SpiffWorkflow camunda form; raise the first FormDefinitionError."""
    declaration = definition.declaration_from_spiff(spiff_form)
    return Form(key=declaration.key, fields=declaration.fields)
