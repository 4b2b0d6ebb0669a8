"""The JSON Schema (draft 2020-12) of a form: it accepts exactly what `Form.validate` accepts.

What JSON Schema cannot see is documented where it is left out: the content
of uploads (magic bytes, exact size) and conditions on fields that are not in
the submission (the server reads those from the case).
"""

from __future__ import annotations

from typing import Any

from forms.fieldtypes import TYPES
from forms.model import Declaration, Field

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def nullable(fragment: dict[str, Any]) -> dict[str, Any]:
    """Return ``fragment`` widened to also accept null."""
    widened = dict(fragment)
    if isinstance(widened.get("type"), str):
        widened["type"] = [widened["type"], "null"]
        if "enum" in widened:
            widened["enum"] = [*widened["enum"], None]
        return widened
    return {"anyOf": [fragment, {"type": "null"}]}


def field_json_schema(field: Field, locale: str) -> dict[str, Any]:
    """Return the schema of one field's value, with title, description and default."""
    fragment = TYPES[field.type].json_schema(field)
    if not field.always_required:
        fragment = nullable(fragment)
    annotations: dict[str, Any] = {"title": field.label_for(locale)}
    description = field.help_for(locale)
    if description:
        annotations["description"] = description
    if field.default is not None:
        annotations["default"] = field.default
    if field.readonly:
        annotations["readOnly"] = True
    if field.visible_if:
        annotations["x-visibleIf"] = field.visible_if
    return {**annotations, **fragment}


def form_json_schema(form: Declaration, locale: str) -> dict[str, Any]:
    """Return the JSON Schema of a submission of ``form``."""
    rules: list[dict[str, Any]] = []
    for field in form.fields:
        condition = field.condition
        if condition is not None and field.required:
            rules.append(
                {
                    "if": condition.json_schema(),
                    "then": {
                        "required": [field.id],
                        "properties": {field.id: {"not": {"type": "null"}}},
                    },
                }
            )
    readonly = [field.id for field in form.fields if field.readonly]
    if readonly:
        # The server refuses any value for a readonly field, so the schema does too.
        rules.append({"not": {"anyOf": [{"required": [field_id]} for field_id in readonly]}})
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "type": "object",
        "properties": {field.id: field_json_schema(field, locale) for field in form.fields},
        "required": [field.id for field in form.fields if field.always_required],
        "additionalProperties": False,
    }
    if form.key:
        schema["title"] = form.key
    if rules:
        schema["allOf"] = rules
    return schema
