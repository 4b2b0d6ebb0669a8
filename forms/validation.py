"""Server-side validation of a submission: one marshmallow schema per form and locale.

Per-field rules come from the field-type table; the form-level rules live here:
unknown fields are refused, hidden fields (``visible_if``) are not required and
not kept, and a field that is visible and required must be given.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from functools import partial
from typing import Any

from marshmallow import RAISE, Schema, ValidationError

from forms.errors import FORM_ERRORS_KEY, ValidationFailed
from forms.fieldtypes import TYPES
from forms.messages import message
from forms.model import Declaration

_SCHEMA_CACHE_SIZE = 512
_schemas: OrderedDict[tuple[int, str, str], tuple[Declaration, Schema]] = OrderedDict()
_schemas_lock = threading.Lock()


def marshmallow_schema(form: Declaration, locale: str, current: Mapping[str, Any]) -> Schema:
    """Return a marshmallow schema checking each declared field's type and constraints.

    ``current`` is the case data before the submission (a kept document reference
    must match it). Unknown keys raise; conditional rules are applied by `validate`.
    Schemas are built once per form, locale and kept documents, then reused:
    building one costs more than validating with it.
    """
    kept = json.dumps(
        [current.get(f.id) for f in form.fields if f.type == "file"], sort_keys=True, default=str
    )
    key = (id(form), locale, kept)
    with _schemas_lock:
        cached = _schemas.get(key)
        if cached is not None and cached[0] is form:
            _schemas.move_to_end(key)
            return cached[1]
    schema = _build_schema(form, locale, current)
    with _schemas_lock:
        _schemas[key] = (form, schema)
        while len(_schemas) > _SCHEMA_CACHE_SIZE:
            _schemas.popitem(last=False)
    return schema


def _build_schema(form: Declaration, locale: str, current: Mapping[str, Any]) -> Schema:
    declared = {
        field.id: TYPES[field.type].marshmallow_field(
            field, partial(message, locale, label=field.label_for(locale)), current.get(field.id)
        )
        for field in form.fields
    }
    schema_class = Schema.from_dict(declared, name=f"Form_{form.key or 'anonymous'}")
    return schema_class(unknown=RAISE)


def validate(
    form: Declaration, data: Mapping[str, Any], *, current: Mapping[str, Any], locale: str
) -> dict[str, Any]:
    """Validate ``data`` against ``form``; see `Form.validate`."""
    if not isinstance(data, Mapping):
        raise ValidationFailed({FORM_ERRORS_KEY: [message(locale, "not_object")]})
    declared_ids = {field.id for field in form.fields}
    errors: dict[str, list[str]] = {
        str(key): [message(locale, "unknown_field", field=key)]
        for key in data
        if key not in declared_ids
    }
    submitted = {key: value for key, value in data.items() if key in declared_ids}
    try:
        cleaned: dict[str, Any] = marshmallow_schema(form, locale, current).load(submitted)
    except ValidationError as exc:
        errors.update(_flatten(exc.messages))
        cleaned = dict(exc.valid_data or {})

    # Conditions read the case as it will be: current data, overlaid by this submission.
    view = {**current, **submitted, **cleaned}
    for field in form.fields:
        condition = field.condition
        if condition is None:
            continue
        if not condition.evaluate(view):
            cleaned.pop(field.id, None)  # a hidden field's value is not kept
        elif field.required and submitted.get(field.id) is None and field.id not in errors:
            errors[field.id] = [message(locale, "required", label=field.label_for(locale))]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _flatten(messages: Any) -> dict[str, list[str]]:
    if not isinstance(messages, Mapping):
        return {FORM_ERRORS_KEY: [str(m) for m in _as_list(messages)]}
    return {str(key): [str(m) for m in _as_list(value)] for key, value in messages.items()}


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]
