"""The field-type table: each type name maps to one class that knows everything about it.

A `FieldType` yields the marshmallow field that validates a submitted value,
the JSON Schema fragment that accepts the same values, the HTML widget, and
the conversion of browser strings. Add a type by adding a class to `TYPES`.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar

from marshmallow import fields as mm

from forms.files import (
    BASE64_PATTERN,
    MAX_NAME_LENGTH,
    SHA256_PATTERN,
    UploadedFile,
)
from forms.formats import FORMATS, anchored
from forms.marshmallow_fields import (
    DATE_TEXT,
    Boolean,
    Choice,
    Date,
    Declared,
    File,
    Long,
    Refused,
    Text,
    Validator,
    first_failure,
    iso_date,
    rule,
)
from forms.messages import Say
from forms.model import Field

COMMON_CONSTRAINTS = frozenset({"required", "readonly"})
COMMON_PROPERTIES = frozenset({"help", "help_en", "label_en", "visible_if", "visibility"})
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")


class FieldType(ABC):
    """Everything one field type means: validation, JSON Schema, HTML, defaults."""

    name: ClassVar[str]
    constraints: ClassVar[frozenset[str]] = COMMON_CONSTRAINTS
    properties: ClassVar[frozenset[str]] = COMMON_PROPERTIES
    marshmallow_class: ClassVar[type[Declared]]

    def parse_default(self, field: Field, text: str) -> Any:
        """Return the typed default for the defaultValue ``text``; raise ValueError if bad."""
        return text

    def validators(self, field: Field, say: Say) -> list[Validator]:
        """Return the checks that run on the converted value (constraints, formats)."""
        return []

    def marshmallow_field(self, field: Field, say: Say, current: Any) -> mm.Field[Any]:
        """Return the marshmallow field that validates a submitted value."""
        if field.readonly:
            return Refused(field, say)
        return self.marshmallow_class(field, say, [first_failure(self.validators(field, say))])

    @abstractmethod
    def json_schema(self, field: Field) -> dict[str, Any]:
        """Return the JSON Schema of a non-null value (title, null etc. are added by the caller)."""

    def widget(self, field: Field) -> str:
        """Return the name of the template macro that renders the field."""
        return self.name

    def from_html(self, field: Field, text: str) -> Any:
        """Convert a browser's string to the JSON value (leave it as is if it cannot be)."""
        return text if text != "" else None

    def display(self, value: Any) -> str:
        """Return ``value`` as the text an HTML input shows."""
        return "" if value is None else str(value)


class StringType(FieldType):
    """Free text, optionally with a length range, a format and a pattern."""

    name = "string"
    constraints = COMMON_CONSTRAINTS | {"minlength", "maxlength"}
    properties = COMMON_PROPERTIES | {"format", "pattern", "placeholder", "placeholder_en"}
    marshmallow_class = Text

    def validators(self, field: Field, say: Say) -> list[Validator]:
        """Return length, blank, format and pattern checks."""
        checks: list[Validator] = []
        min_length = max(field.min_length or 0, 1 if field.required else 0)
        if min_length:
            key = "required" if min_length == 1 and field.required else "min_length"
            checks.append(rule(lambda v: len(v) >= min_length, say(key, min=min_length)))
        if field.max_length is not None:
            limit = field.max_length
            checks.append(rule(lambda v: len(v) <= limit, say("max_length", max=limit)))
        if field.required:
            checks.append(rule(lambda v: re.search(r"\S", v) is not None, say("blank")))
        if field.format is not None:
            fmt = FORMATS[field.format]
            checks.append(rule(fmt.check, say(fmt.message_key)))
        if field.pattern is not None:
            full = anchored(field.pattern)
            checks.append(rule(lambda v: re.search(full, v) is not None, say("pattern")))
        return checks

    def json_schema(self, field: Field) -> dict[str, Any]:
        """Return ``type: string`` with lengths, format and patterns."""
        fragment: dict[str, Any] = {"type": "string"}
        patterns: list[str] = []
        min_length = max(field.min_length or 0, 1 if field.required else 0)
        if min_length:
            fragment["minLength"] = min_length
        if field.max_length is not None:
            fragment["maxLength"] = field.max_length
        if field.format is not None:
            fmt = FORMATS[field.format]
            fragment["format"] = fmt.name
            patterns.append(anchored(fmt.pattern))
            if fmt.max_length is not None:
                fragment["maxLength"] = min(fmt.max_length, field.max_length or fmt.max_length)
        if field.pattern is not None:
            patterns.append(anchored(field.pattern))
        if field.required:
            patterns.append(r"\S")
        if patterns:
            fragment["pattern"] = patterns[0]
        if patterns[1:]:
            fragment["allOf"] = [{"pattern": p} for p in patterns[1:]]
        return fragment

    def widget(self, field: Field) -> str:
        """Countries get a select; other strings a text input."""
        return "country" if field.format == "country" else "text"


LONG_MIN = -(2**63)
LONG_MAX = 2**63 - 1


class LongType(FieldType):
    """A whole number, optionally bounded by min and max (inclusive)."""

    name = "long"
    constraints = COMMON_CONSTRAINTS | {"min", "max"}
    properties = COMMON_PROPERTIES | {"placeholder", "placeholder_en"}
    marshmallow_class = Long

    def parse_default(self, field: Field, text: str) -> Any:
        """Parse an integer default."""
        if _INTEGER_TEXT.fullmatch(text.strip()) is None:
            raise ValueError(f"{text!r} is not an integer")
        return int(text)

    def validators(self, field: Field, say: Say) -> list[Validator]:
        """Return the bounds: the declared ones, and always a 64-bit range (as Camunda)."""
        low = LONG_MIN if field.minimum is None else max(field.minimum, LONG_MIN)
        high = LONG_MAX if field.maximum is None else min(field.maximum, LONG_MAX)
        return [
            rule(lambda v: v >= low, say("min", min=low)),
            rule(lambda v: v <= high, say("max", max=high)),
        ]

    def json_schema(self, field: Field) -> dict[str, Any]:
        """Return ``type: integer`` with bounds."""
        low = LONG_MIN if field.minimum is None else max(field.minimum, LONG_MIN)
        high = LONG_MAX if field.maximum is None else min(field.maximum, LONG_MAX)
        return {"type": "integer", "minimum": low, "maximum": high}

    def from_html(self, field: Field, text: str) -> Any:
        """Convert digits to an int; leave anything else for validation to refuse."""
        stripped = text.strip()
        if stripped == "":
            return None
        if len(stripped) > 20 or not _INTEGER_TEXT.fullmatch(stripped):
            return text
        return int(stripped)


class BooleanType(FieldType):
    """Yes or no; rendered as a checkbox (absent from a browser submission means no)."""

    name = "boolean"
    marshmallow_class = Boolean

    def parse_default(self, field: Field, text: str) -> Any:
        """Parse ``true`` or ``false``."""
        if text.strip().lower() not in ("true", "false"):
            raise ValueError(f"{text!r} is not true or false")
        return text.strip().lower() == "true"

    def json_schema(self, field: Field) -> dict[str, Any]:
        """Return ``type: boolean``."""
        return {"type": "boolean"}

    def from_html(self, field: Field, text: str) -> Any:
        """Map checkbox values to booleans; leave anything else for validation to refuse."""
        lowered = text.strip().lower()
        if lowered in ("on", "true", "1", "yes", "ya"):
            return True
        if lowered in ("", "off", "false", "0", "no", "tidak"):
            return False
        return text

    def display(self, value: Any) -> str:
        """Return ``true``/``false``."""
        return "true" if value is True else "false"


class DateType(FieldType):
    """A calendar date, stored as ``YYYY-MM-DD``."""

    name = "date"
    marshmallow_class = Date

    def parse_default(self, field: Field, text: str) -> Any:
        """Parse an ISO date."""
        if not iso_date(text.strip()):
            raise ValueError(f"{text!r} is not a date YYYY-MM-DD")
        return text.strip()

    def json_schema(self, field: Field) -> dict[str, Any]:
        """Return a string with ``format: date`` and the ISO pattern."""
        return {"type": "string", "format": "date", "pattern": anchored(DATE_TEXT)}

    def display(self, value: Any) -> str:
        """Return the ISO text of a date."""
        return value.isoformat() if isinstance(value, date) else super().display(value)


class EnumType(FieldType):
    """One of the declared options (camunda:value id/name); the id is stored."""

    name = "enum"
    marshmallow_class = Choice

    def parse_default(self, field: Field, text: str) -> Any:
        """The default must be an option id."""
        if text not in {option_id for option_id, _ in field.options}:
            raise ValueError(f"{text!r} is not one of the option ids")
        return text

    def json_schema(self, field: Field) -> dict[str, Any]:
        """Return the option ids as ``enum``, their labels as ``x-enumNames``."""
        return {
            "type": "string",
            "enum": [option_id for option_id, _ in field.options],
            "x-enumNames": [label for _, label in field.options],
        }


class FileType(FieldType):
    """A document upload, checked by content; stored by the engine as a reference."""

    name = "file"
    properties = COMMON_PROPERTIES | {"accept", "max_bytes"}

    def parse_default(self, field: Field, text: str) -> Any:
        """Files have no default."""
        raise ValueError("a file field cannot have a default value")

    def marshmallow_field(self, field: Field, say: Say, current: Any) -> mm.Field[Any]:
        """Return the upload field, which compares kept references with ``current``."""
        if field.readonly:
            return Refused(field, say)
        return File(field, say, current)

    def json_schema(self, field: Field) -> dict[str, Any]:
        """Return either a new upload or the reference of the document kept from before."""
        upload = {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": MAX_NAME_LENGTH},
                "content_base64": {
                    "type": "string",
                    "contentEncoding": "base64",
                    "pattern": anchored(BASE64_PATTERN),
                    "minLength": 4,
                    "maxLength": 4 * -(-field.max_bytes // 3),
                },
                "media_type": {"type": "string"},
            },
            "required": ["name", "content_base64"],
            "additionalProperties": False,
        }
        reference = {
            "type": "object",
            "properties": {
                "sha256": {"type": "string", "pattern": anchored(SHA256_PATTERN)},
                "name": {"type": "string"},
                "media_type": {"type": "string"},
                "size": {"type": "integer", "minimum": 0},
            },
            "required": ["sha256", "name", "media_type", "size"],
            "additionalProperties": False,
        }
        return {
            "anyOf": [upload, reference],
            "x-accept": list(field.accept),
            "x-maxBytes": field.max_bytes,
        }

    def from_html(self, field: Field, text: str) -> Any:
        """A text value in a file input is refused by validation as it is."""
        return text

    def display(self, value: Any) -> str:
        """Return the name of a stored or uploaded document."""
        if isinstance(value, UploadedFile):
            return value.name
        if isinstance(value, Mapping):
            return str(value.get("name", ""))
        return ""


TYPES: Mapping[str, FieldType] = {
    field_type.name: field_type
    for field_type in (
        StringType(),
        LongType(),
        BooleanType(),
        DateType(),
        EnumType(),
        FileType(),
    )
}
"""The table of field types by the name used in camunda:formField type="..."."""
