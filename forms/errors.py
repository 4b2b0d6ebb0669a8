"""The two errors of the forms package: a bad submission and a bad declaration.

`ValidationFailed` carries field errors for the person filling the form;
`FormDefinitionError` carries a stable code and a hint for the process designer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

FORM_ERRORS_KEY = "_form"
"""Error key for problems that belong to no single field (e.g. data is not an object)."""


class ValidationFailed(ValueError):
    """A submission broke the form's rules; ``errors`` maps field id to messages."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.errors: dict[str, list[str]] = {key: list(msgs) for key, msgs in errors.items()}
        summary = "; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in self.errors.items())
        super().__init__(summary or "validation failed")


# code -> hint: how the process designer fixes the declaration.
DEFINITION_HINTS: dict[str, str] = {
    "LTSA-F001": "give every camunda:formField an id made of letters, digits and '_'",
    "LTSA-F002": "field ids must be unique within a form",
    "LTSA-F003": "use one of the types: string, long, boolean, date, enum, file",
    "LTSA-F004": "use one of the constraints: required, readonly, minlength, maxlength, min, max",
    "LTSA-F005": "this constraint does not apply to the field's type; remove it",
    "LTSA-F006": "give the constraint a valid config (an integer for lengths and bounds; "
    "none for required/readonly)",
    "LTSA-F007": "use one of the properties: format, pattern, help, help_en, placeholder, "
    "placeholder_en, visible_if, visibility, accept, max_bytes, label_en",
    "LTSA-F008": "this property does not apply to the field's type; remove it",
    "LTSA-F009": "give the property a valid value",
    "LTSA-F010": "fix the regular expression in the 'pattern' property",
    "LTSA-F011": "write visible_if as field == 'value', field != 'value' or "
    "field in ['a', 'b'], joined with and/or",
    "LTSA-F012": "the defaultValue must be a valid value of the field's type",
    "LTSA-F013": "an enum field needs at least one camunda:value with a unique id",
    "LTSA-F014": "a constraint or property appears twice; keep one",
    "LTSA-F015": "the bounds contradict each other (min above max); fix them",
    "LTSA-F016": "a readonly field cannot be required: nobody may submit it",
    "LTSA-F017": "the form description is not in the format Form.to_dict() writes",
}


class FormDefinitionError(ValueError):
    """A form declaration (BPMN camunda:formData) cannot be used.

    Attributes:
        field_id: The offending field, or None for form-level problems.
        code: A stable diagnostic code, ``LTSA-F0xx``.
        message: What is wrong, naming the field.
        hint: How to fix it.
    """

    def __init__(self, field_id: str | None, code: str, message: str) -> None:
        self.field_id = field_id
        self.code = code
        self.message = message
        self.hint = DEFINITION_HINTS.get(code, "")
        where = f"field {field_id!r}: " if field_id else ""
        super().__init__(f"{code} {where}{message} — {self.hint}")

    def __repr__(self) -> str:
        return f"FormDefinitionError({self.field_id!r}, {self.code!r}, {self.message!r})"
