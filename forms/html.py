"""The HTML side of a form: rendering with Jinja (templates/form.html) and reading browser posts.

Rendering prepares one `FieldView` per field so the template only lays out;
`from_html_form` turns browser strings and uploads into the JSON values that
`Form.validate` expects.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from forms.fieldtypes import TYPES
from forms.files import UploadedFile, is_reference
from forms.formats import countries
from forms.messages import MESSAGES, normalize_locale
from forms.model import Declaration, Field


@dataclass(frozen=True)
class Option:
    """One choice of a select."""

    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class FieldView:
    """Everything the template needs to draw one field, already in the chosen locale."""

    id: str
    dom_id: str
    type: str
    widget: str
    label: str
    help: str | None
    placeholder: str | None
    required: bool
    required_attr: bool
    readonly: bool
    value: str
    checked: bool
    options: tuple[Option, ...]
    errors: tuple[str, ...]
    input_type: str
    inputmode: str | None
    min_length: int | None
    max_length: int | None
    minimum: int | None
    maximum: int | None
    accept: str
    max_bytes: int
    visible_if: str | None
    visible_if_json: str | None


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("forms", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.do"],
    )


_INPUT_TYPES = {"email": "email", "phone": "tel"}
_INPUT_MODES = {"nik": "numeric", "phone": "tel"}


def _options(field: Field, value: Any, locale: str) -> tuple[Option, ...]:
    if field.type == "enum":
        pairs = list(field.options)
    elif field.format == "country":
        names = {code: f"{entry[locale]} ({code})" for code, entry in countries().items()}
        pairs = sorted(names.items(), key=lambda pair: pair[1])
    else:
        return ()
    return tuple(Option(key, label, key == value) for key, label in pairs)


def _field_view(field: Field, value: Any, errors: list[str], locale: str) -> FieldView:
    field_type = TYPES[field.type]
    condition = field.condition
    has_document = isinstance(value, UploadedFile) or (
        isinstance(value, Mapping) and is_reference(value)
    )
    return FieldView(
        id=field.id,
        dom_id=f"field-{field.id}",
        type=field.type,
        widget=field_type.widget(field),
        label=field.label_for(locale),
        help=field.help_for(locale),
        placeholder=field.placeholder_for(locale),
        required=field.required,
        # Browsers block a form on a hidden required input and cannot tick a "required"
        # checkbox off, so the attribute is left to unconditional text-like fields.
        required_attr=field.always_required
        and field.type != "boolean"
        and not (field.type == "file" and has_document),
        readonly=field.readonly,
        value=field_type.display(value),
        checked=value is True,
        options=_options(field, value, locale),
        errors=tuple(errors),
        input_type=_INPUT_TYPES.get(field.format or "", "text"),
        inputmode=_INPUT_MODES.get(field.format or ""),
        min_length=field.min_length,
        max_length=field.max_length,
        minimum=field.minimum,
        maximum=field.maximum,
        accept=",".join(field.accept),
        max_bytes=field.max_bytes,
        visible_if=field.visible_if,
        visible_if_json=json.dumps(condition.to_json()) if condition is not None else None,
    )


def render_html(
    form: Declaration,
    *,
    values: Mapping[str, Any],
    errors: Mapping[str, list[str]] | None,
    locale: str = "id",
    csrf_token: str | None = None,
    action: str = "",
    submit_label: str | None = None,
) -> Markup:
    """Render ``form`` as an HTML ``<form>`` in ``locale``.

    Args:
        form: The form to draw.
        values: Values to show by field id (case data, or the submission being corrected);
            readonly fields show them disabled. Fields without a value show their default.
        errors: Messages by field id, e.g. `ValidationFailed.errors`; shown next to each
            field and in a summary at the top (also for keys that are not fields).
        locale: ``id`` or ``en``, for labels, help and the form's own texts.
        csrf_token: If given, sent back in a hidden ``csrf_token`` input.
        action: The form's action URL.
        submit_label: Text of the submit button (default: Kirim / Submit).

    Returns:
        Safe markup, escaped throughout.
    """
    loc = normalize_locale(locale)
    errors = errors or {}
    views = [
        _field_view(f, values.get(f.id, f.default), errors.get(f.id, []), loc) for f in form.fields
    ]
    labels = {view.id: view.label for view in views}
    summary = [
        {"href": f"#field-{key}" if key in labels else None, "text": text}
        for key, texts in errors.items()
        for text in texts
    ]
    ui = MESSAGES[loc]
    html = (
        _environment()
        .get_template("form.html")
        .render(
            form=form,
            fields=views,
            summary=summary,
            ui=ui,
            multipart=form.has_files,
            csrf_token=csrf_token,
            action=action,
            submit_label=submit_label or ui["ui_submit"],
        )
    )
    return Markup(html)  # noqa: S704 - rendered by an autoescaping environment


def from_html_form(
    form: Declaration,
    formdata: Any,
    files: Any,
    *,
    current: Mapping[str, Any] | None = None,
    ignore: Collection[str] = ("csrf_token",),
) -> dict[str, Any]:
    """Convert a browser submission into the input of `Form.validate`.

    Args:
        form: The form that was shown.
        formdata: A multidict-like mapping of field name to string (``request.form``).
        files: A mapping of field name to FileStorage-like objects with ``filename``
            and ``read()`` or ``stream`` (``request.files``).
        current: Case data; a file input left empty keeps the current document.
        ignore: Names that belong to the page, not the form (e.g. the CSRF token).

    Returns:
        The data to validate: checkboxes absent mean False, empty inputs None, numbers
        int, uploads `UploadedFile`. Undeclared names are passed on so validation
        refuses them; readonly fields are passed on only if a browser sent them anyway.
    """
    data: dict[str, Any] = {}
    declared = {f.id: f for f in form.fields}
    for key in formdata:
        if key in ignore:
            continue
        text = formdata.get(key)
        field = declared.get(key)
        if field is None or field.readonly:
            data[key] = text
        elif field.type != "file":
            data[key] = TYPES[field.type].from_html(field, text if isinstance(text, str) else "")
    for field in form.fields:
        if field.readonly:
            continue
        if field.type == "boolean" and field.id not in data:
            data[field.id] = False  # an unchecked checkbox is not sent at all
        elif field.type == "file":
            upload = _read_upload(files.get(field.id) if files else None, field.max_bytes)
            if upload is not None:
                data[field.id] = upload
            elif current is not None and current.get(field.id) is not None:
                data[field.id] = current[field.id]
    return data


def _read_upload(storage: Any, max_bytes: int) -> UploadedFile | None:
    if storage is None or not getattr(storage, "filename", None):
        return None
    stream = getattr(storage, "stream", storage)
    # Read one byte past the cap: enough to know the file is too large, never more.
    content = stream.read(max_bytes + 1)
    return UploadedFile.from_bytes(str(storage.filename), bytes(content))
