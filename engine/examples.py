"""Valid example values for form fields a scenario step does not give.

Derived from the field's declaration only (type, options, format, pattern,
length and bounds), so a scenario names just the fields its story is about.
A file field gets a small valid PDF; a NIK agrees with the birth date and
sex in the same data (R14), so filling it never rejects a case by accident.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import forms

__all__ = ["PDF", "example_value", "upload"]


def _pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table (what a scanner would send)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PDF = _pdf()
_FORMAT_EXAMPLES = {
    "phone": "081234567890",
    "email": "contoh@example.id",
    "country": "MY",
}
# Tried in order against a pattern: common shapes of document numbers and codes.
_PATTERN_CANDIDATES = (
    "C1234567",
    "AB1234567",
    "1234567890123456",
    "A1",
    "ABC",
    "abc",
    "123",
    "1",
    "A",
    "AB-123",
    "ABC-2026-0001",
    "contoh",
)


def upload(name: str) -> dict[str, str]:
    """A file field's value: an upload of a small valid PDF under `name`."""
    return {"name": name, "content_base64": base64.b64encode(PDF).decode()}


def example_value(field: forms.Field, data: Mapping[str, Any], today: date) -> Any:
    """A value `field` accepts; `data` is the case and the step's data so far.

    Raises:
        ValueError: no example can be derived (an unusual pattern): give the field.
    """
    if field.type == "enum":
        return field.options[0][0] if field.options else None
    if field.type == "boolean":
        return True
    if field.type == "date":
        return today.isoformat()
    if field.type == "long":
        low = field.minimum if field.minimum is not None else 1
        return low if field.maximum is None else min(low, field.maximum)
    if field.type == "file":
        return upload(f"{field.id}.pdf")
    return _example_text(field, data)


def _example_text(field: forms.Field, data: Mapping[str, Any]) -> str:
    if field.format == "nik":
        candidates: tuple[str, ...] = (_nik(data),)
    elif field.format in _FORMAT_EXAMPLES:
        candidates = (_FORMAT_EXAMPLES[field.format],)
    elif field.pattern is not None:
        candidates = _PATTERN_CANDIDATES
    else:
        candidates = (f"Contoh {field.label}".strip()[: field.max_length or 60],)
    for candidate in candidates:
        text = _fit_length(candidate, field)
        if field.pattern is None or re.search(rf"^(?:{field.pattern})(?![\s\S])", text):
            return text
    raise ValueError(
        f"no example value for field {field.id!r} (pattern {field.pattern}): give it in the step"
    )


def _fit_length(text: str, field: forms.Field) -> str:
    if field.min_length is not None and len(text) < field.min_length:
        text = text + "x" * (field.min_length - len(text))
    if field.max_length is not None:
        text = text[: field.max_length]
    return text


def _nik(data: Mapping[str, Any]) -> str:
    """A NIK whose digits 7-12 are the birth date DDMMYY (day + 40 for women)."""
    birth = str(data.get("birth_date") or "1995-06-15")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", birth) is None:
        birth = "1995-06-15"
    year, month, day = birth.split("-")
    day_number = int(day) + (40 if data.get("sex") == "P" else 0)
    return f"321201{day_number:02d}{month}{year[2:]}0001"
