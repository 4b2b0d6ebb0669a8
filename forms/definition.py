"""Reading form declarations: camunda forms and `Form.to_dict` data become `Declaration`s.

Every declaration passes through `build_form`, which collects all problems
(unknown type, constraint or property, bad config, bad regex or condition)
as `FormDefinitionError`s so that deployment can report them together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from forms.conditions import ConditionSyntaxError, parse_condition
from forms.errors import FormDefinitionError
from forms.fieldtypes import TYPES, FieldType
from forms.files import known_media_types
from forms.formats import FORMATS
from forms.model import Declaration, Field

FORMAT_VERSION = 1
FIELD_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ALL_CONSTRAINTS = frozenset().union(*(t.constraints for t in TYPES.values()))
ALL_PROPERTIES = frozenset().union(*(t.properties for t in TYPES.values()))
_FLAG_CONFIGS = (None, "", "true")
_INTEGER = re.compile(r"-?[0-9]+")
# Syntax Python accepts but JavaScript (JSON Schema clients, browsers) does not: named
# groups (?P<..>), (?P=..), comments (?#..), \A, \Z, inline flags (?i). An even run of
# backslashes before the construct keeps it unescaped.
_PYTHON_ONLY_REGEX = re.compile(r"(?<!\\)(?:\\\\)*(?:\(\?P[<=]|\(\?#|\(\?[aiLmsux]+\)|\\[AZ])")

Problem = Callable[[str, str], None]


@dataclass(frozen=True)
class RawField:
    """A field declaration as written, before any checking."""

    id: str
    type: str
    label: str | None = None
    default_value: str | None = None
    constraints: Sequence[tuple[str, str | None]] = ()
    properties: Sequence[tuple[str, str | None]] = ()
    options: Sequence[tuple[str, str | None]] = ()


def build_form(
    key: str | None, raws: Sequence[RawField]
) -> tuple[Declaration, list[FormDefinitionError]]:
    """Build a form from raw declarations; return it with every problem found.

    Fields with problems are left out of the returned form.
    """
    problems: list[FormDefinitionError] = []
    fields: list[Field] = []
    seen: set[str] = set()
    for raw in raws:
        if raw.id in seen:
            problems.append(FormDefinitionError(raw.id, "LTSA-F002", "the id is used twice"))
            continue
        seen.add(raw.id)
        built, field_problems = build_field(raw)
        problems.extend(field_problems)
        if built is not None and not field_problems:
            fields.append(built)
    return Declaration(key=key or None, fields=tuple(fields)), problems


def build_field(raw: RawField) -> tuple[Field | None, list[FormDefinitionError]]:
    """Check one declaration and return the `Field` (None if unusable) and its problems."""
    problems: list[FormDefinitionError] = []

    def problem(code: str, text: str) -> None:
        problems.append(FormDefinitionError(raw.id or None, code, text))

    if not isinstance(raw.id, str) or FIELD_ID.fullmatch(raw.id) is None:
        problem("LTSA-F001", f"the id {raw.id!r} is not a valid field id")
    field_type = TYPES.get(raw.type)
    if field_type is None:
        problem("LTSA-F003", f"unknown type {raw.type!r}")
        return None, problems
    attributes: dict[str, Any] = {}
    attributes.update(_read_constraints(raw, field_type, problem))
    attributes.update(_read_properties(raw, field_type, problem))
    options = _read_options(raw, problem) if field_type.name == "enum" else ()
    _check_consistency(attributes, problem)
    built = Field(
        id=raw.id,
        type=field_type.name,
        label=raw.label or raw.id,
        options=options,
        constraints=MappingProxyType(dict(raw.constraints)),
        properties=MappingProxyType({k: v or "" for k, v in raw.properties}),
        **attributes,
    )
    if raw.default_value is not None and raw.default_value != "":
        try:
            default = field_type.parse_default(built, raw.default_value)
        except ValueError as exc:
            problem("LTSA-F012", f"bad defaultValue: {exc}")
        else:
            built = replace(built, default=default)
    return built, problems


def _read_constraints(raw: RawField, field_type: FieldType, problem: Problem) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    names = {
        "minlength": "min_length",
        "maxlength": "max_length",
        "min": "minimum",
        "max": "maximum",
    }
    for name, config in _applicable("constraint", raw.constraints, field_type, problem):
        if name in ("required", "readonly"):
            if config not in _FLAG_CONFIGS:
                problem("LTSA-F006", f"constraint {name!r} takes no config, got {config!r}")
            attributes[name] = True
        elif config is None or _INTEGER.fullmatch(config.strip()) is None:
            problem("LTSA-F006", f"constraint {name!r} needs an integer config, got {config!r}")
        elif name in ("minlength", "maxlength") and int(config) < 0:
            problem("LTSA-F006", f"constraint {name!r} cannot be negative, got {config!r}")
        else:
            attributes[names[name]] = int(config)
    return attributes


def _read_properties(raw: RawField, field_type: FieldType, problem: Problem) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    for prop_id, value in _applicable("property", raw.properties, field_type, problem):
        if value is None or value.strip() == "":
            problem("LTSA-F009", f"property {prop_id!r} has no value")
        else:
            _read_property(prop_id, value, attributes, problem)
    return attributes


def _applicable(
    kind: str, entries: Sequence[tuple[str, str | None]], field_type: FieldType, problem: Problem
) -> Iterator[tuple[str, str | None]]:
    """The constraints or properties that are known, apply to the type and come once.

    Each of the others is a problem (unknown, not for this type, given twice).
    """
    known, applies, unknown_code, not_for_type_code = {
        "constraint": (ALL_CONSTRAINTS, field_type.constraints, "LTSA-F004", "LTSA-F005"),
        "property": (ALL_PROPERTIES, field_type.properties, "LTSA-F007", "LTSA-F008"),
    }[kind]
    seen: set[str] = set()
    for name, value in entries:
        if name not in known:
            problem(unknown_code, f"unknown {kind} {name!r}")
        elif name not in applies:
            problem(
                not_for_type_code, f"{kind} {name!r} does not apply to type {field_type.name!r}"
            )
        elif name in seen:
            problem("LTSA-F014", f"{kind} {name!r} is given twice")
        else:
            yield name, value
        seen.add(name)


def _read_property(prop_id: str, value: str, attributes: dict[str, Any], problem: Problem) -> None:
    if prop_id == "format":
        if value not in FORMATS:
            problem("LTSA-F009", f"unknown format {value!r} (use {', '.join(FORMATS)})")
            return
    elif prop_id == "pattern":
        try:
            re.compile(value)
        except re.error as exc:
            problem("LTSA-F010", f"invalid pattern {value!r}: {exc}")
            return
        if _PYTHON_ONLY_REGEX.search(value):
            problem("LTSA-F010", f"pattern {value!r} uses Python-only syntax")
            return
    elif prop_id == "visible_if":
        try:
            parse_condition(value)
        except ConditionSyntaxError as exc:
            problem("LTSA-F011", f"invalid visible_if {value!r}: {exc}")
            return
    elif prop_id == "accept":
        accept = tuple(part.strip() for part in value.split(",") if part.strip())
        unknown = [media for media in accept if not _detectable(media)]
        if unknown or not accept:
            problem("LTSA-F009", f"accept lists media types that cannot be detected: {unknown}")
            return
        attributes["accept"] = accept
        return
    elif prop_id == "visibility":
        audience = tuple(part.strip() for part in value.split(",") if part.strip())
        bad = [token for token in audience if _AUDIENCE_TOKEN.fullmatch(token) is None]
        if bad or not audience:
            problem(
                "LTSA-F009", f"visibility lists names that are not desk, role or task ids: {bad}"
            )
            return
        attributes["visibility"] = audience
        return
    elif prop_id == "max_bytes":
        if _INTEGER.fullmatch(value.strip()) is None or int(value) <= 0:
            problem("LTSA-F009", f"max_bytes must be a positive integer, got {value!r}")
            return
        attributes["max_bytes"] = int(value)
        return
    attributes[prop_id] = value


_AUDIENCE_TOKEN = re.compile(r"[a-z][a-z0-9_]{0,62}")


def _detectable(media_type: str) -> bool:
    known = known_media_types()
    if media_type.endswith("/*"):
        return any(m.startswith(media_type[:-1]) for m in known)
    return media_type in known


def _read_options(raw: RawField, problem: Problem) -> tuple[tuple[str, str], ...]:
    options: list[tuple[str, str]] = []
    for option_id, name in raw.options:
        if not option_id or option_id in {existing for existing, _ in options}:
            problem("LTSA-F013", f"option id {option_id!r} is empty or repeated")
            continue
        options.append((option_id, name or option_id))
    if not options:
        problem("LTSA-F013", "an enum field needs at least one option")
    return tuple(options)


def _check_consistency(attributes: Mapping[str, Any], problem: Problem) -> None:
    for low, high in (("min_length", "max_length"), ("minimum", "maximum")):
        if low in attributes and high in attributes and attributes[low] > attributes[high]:
            problem("LTSA-F015", f"{low} {attributes[low]} is above {high} {attributes[high]}")
    if attributes.get("required") and attributes.get("readonly"):
        problem("LTSA-F016", "the field is both required and readonly")


def raw_fields_from_spiff(spiff_form: Any) -> list[RawField]:
    """Read SpiffWorkflow's camunda ``Form`` (fields, properties, validation, options)."""
    return [
        RawField(
            id=spiff_field.id,
            type=spiff_field.type,
            label=spiff_field.label,
            default_value=spiff_field.default_value,
            constraints=[(v.name, v.config) for v in spiff_field.validation],
            properties=[(p.id, p.value) for p in spiff_field.properties],
            options=[(o.id, o.name) for o in getattr(spiff_field, "options", [])],
        )
        for spiff_field in spiff_form.fields
    ]


def declaration_from_spiff(spiff_form: Any) -> Declaration:
    """Read a SpiffWorkflow camunda form; raise the first FormDefinitionError."""
    form, problems = build_form(spiff_form.key, raw_fields_from_spiff(spiff_form))
    if problems:
        raise problems[0]
    return form


def check_spiff_form(spiff_form: Any) -> list[FormDefinitionError]:
    """Return every problem of a SpiffWorkflow camunda form (empty when it is usable)."""
    return build_form(spiff_form.key, raw_fields_from_spiff(spiff_form))[1]


def _default_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def form_to_dict(form: Declaration) -> dict[str, Any]:
    """Return the declaration of ``form`` as JSON-able data (see `form_from_dict`)."""
    return {
        "version": FORMAT_VERSION,
        "key": form.key,
        "fields": [
            {
                "id": f.id,
                "type": f.type,
                "label": f.label,
                "default_value": _default_text(f.default),
                "constraints": dict(f.constraints),
                "properties": dict(f.properties),
                "options": [list(option) for option in f.options],
            }
            for f in form.fields
        ],
    }


def form_from_dict(data: Mapping[str, Any]) -> Declaration:
    """Rebuild a form from `form_to_dict` output; raise FormDefinitionError if it is invalid."""
    try:
        if data["version"] != FORMAT_VERSION:
            raise ValueError(f"unsupported version {data['version']!r}")
        raws = [
            RawField(
                id=item["id"],
                type=item["type"],
                label=item.get("label"),
                default_value=item.get("default_value"),
                constraints=list(item.get("constraints", {}).items()),
                properties=list(item.get("properties", {}).items()),
                options=[(option_id, name) for option_id, name in item.get("options", [])],
            )
            for item in data["fields"]
        ]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise FormDefinitionError(None, "LTSA-F017", f"bad form description: {exc}") from exc
    form, problems = build_form(data.get("key"), raws)
    if problems:
        raise problems[0]
    return form
