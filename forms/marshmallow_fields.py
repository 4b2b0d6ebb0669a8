"""Marshmallow fields for declared form fields: strict JSON types, messages naming the label.

`fieldtypes.py` picks one of these per type; requiredness and null follow the declaration.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from marshmallow import ValidationError
from marshmallow import fields as mm

from forms.files import clean_upload, is_reference
from forms.formats import FORMATS
from forms.messages import Say
from forms.model import Field

Validator = Callable[[Any], None]
DATE_TEXT = "[0-9]{4}-[0-9]{2}-[0-9]{2}"


def rule(ok: Callable[[Any], bool], text: str) -> Validator:
    """Return a validator raising ``text`` when ``ok(value)`` is false."""

    def check(value: Any) -> None:
        if not ok(value):
            raise ValidationError(text)

    return check


def first_failure(checks: list[Validator]) -> Validator:
    """Return one validator running ``checks`` in order, stopping at the first failure."""

    # One message per field: "required" says it all for "", not also "16 digits".
    def check(value: Any) -> None:
        for single in checks:
            single(value)

    return check


class Declared(mm.Field[Any]):
    """Base marshmallow field: requiredness and 'null' follow the declaration."""

    def __init__(self, field: Field, say: Say, validators: list[Validator]) -> None:
        self.declared = field
        self.say = say
        message = say("required")
        super().__init__(
            required=field.always_required,
            allow_none=not field.always_required,
            validate=validators,
            error_messages={"required": message, "null": message},
        )


class Refused(Declared):
    """A readonly field: any submitted value, even null, is refused."""

    def __init__(self, field: Field, say: Say) -> None:
        super().__init__(field, say, [])
        self.allow_none = False
        self.error_messages["null"] = say("readonly")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        raise ValidationError(self.say("readonly"))


class Text(Declared):
    """A JSON string; format normalisation (phone separators) after all checks."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str):
            raise ValidationError(self.say("not_string"))
        return value

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kw: Any) -> Any:
        """Check the value as sent, then normalise it by its format."""
        out = super().deserialize(value, attr, data, **kw)
        fmt = FORMATS.get(self.declared.format or "")
        return fmt.normalize(out) if fmt is not None and isinstance(out, str) else out


class Long(Declared):
    """A JSON integer (``12.0`` counts, ``true`` does not)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():  # JSON's 12.0 is an integer
            return int(value)
        raise ValidationError(self.say("not_integer"))


class Boolean(Declared):
    """JSON ``true`` or ``false`` only."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool):
            return value
        raise ValidationError(self.say("not_boolean"))


def iso_date(value: str) -> bool:
    """Return True for a real calendar date written ``YYYY-MM-DD``."""
    if re.fullmatch(DATE_TEXT, value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


class Date(Declared):
    """An ISO date string or a ``datetime.date``; cleaned to ``YYYY-MM-DD``."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, str) and iso_date(value):
            return value
        raise ValidationError(self.say("not_date"))


class Choice(Declared):
    """One of the enum's option ids."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        ids = [option_id for option_id, _ in self.declared.options]
        if isinstance(value, str) and value in ids:
            return value
        raise ValidationError(self.say("not_option", options=", ".join(ids)))


class File(Declared):
    """A new upload, or the reference of the document the case already holds."""

    def __init__(self, field: Field, say: Say, current: Any) -> None:
        super().__init__(field, say, [])
        self.current = current

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, Mapping) and is_reference(value):
            current = self.current
            if (
                isinstance(current, Mapping)
                and is_reference(current)
                and all(value[key] == current[key] for key in value)
            ):
                return dict(current)
            raise ValidationError(self.say("file_reference"))
        return clean_upload(self.declared, value, self.say)
