"""Uploaded documents: the `UploadedFile` value, decoding, and checks by content.

The media type is always detected from the bytes (magic numbers, via
``filetype``), never taken from the file name or the client's claim.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import filetype
from marshmallow import ValidationError

from forms.messages import Say
from forms.model import Field

UNKNOWN_MEDIA_TYPE = "application/octet-stream"

BASE64_PATTERN = r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"
SHA256_PATTERN = r"[0-9a-f]{64}"
UPLOAD_KEYS = frozenset({"name", "content_base64", "media_type"})
REFERENCE_KEYS = frozenset({"sha256", "name", "media_type", "size"})
MAX_NAME_LENGTH = 255

_UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def known_media_types() -> frozenset[str]:
    """Return the media types that content detection can recognise."""
    return frozenset(kind.mime for kind in filetype.TYPES)


def detect_media_type(content: bytes) -> str:
    """Return the media type of ``content`` judged by its magic bytes."""
    kind = filetype.guess(content)
    return kind.mime if kind is not None else UNKNOWN_MEDIA_TYPE


def clean_file_name(name: str) -> str:
    """Keep the last path component (old browsers send a whole Windows path), minus controls."""
    base = re.split(r"[\\/]", name)[-1]
    return _UNSAFE_NAME_CHARS.sub("", base).strip()[:MAX_NAME_LENGTH] or "dokumen"


@dataclass(frozen=True)
class UploadedFile:
    """A document as uploaded, with the media type detected from its content."""

    name: str
    content: bytes = field(repr=False)
    media_type: str
    size: int

    @classmethod
    def from_bytes(cls, name: str, content: bytes) -> UploadedFile:
        """Build an upload from raw bytes, detecting its media type and size."""
        return cls(clean_file_name(name), content, detect_media_type(content), len(content))

    @cached_property
    def sha256(self) -> str:
        """Hex SHA-256 of the content: the key under which the engine stores it."""
        return hashlib.sha256(self.content).hexdigest()

    def reference(self) -> dict[str, Any]:
        """Return the JSON reference the engine keeps in case data instead of the bytes."""
        return {
            "sha256": self.sha256,
            "name": self.name,
            "media_type": self.media_type,
            "size": self.size,
        }


def media_type_accepted(media_type: str, accept: tuple[str, ...]) -> bool:
    """Return True when ``media_type`` matches an entry of ``accept`` (``image/*`` allowed)."""
    for entry in accept:
        if entry == media_type:
            return True
        if entry.endswith("/*") and media_type.startswith(entry[:-1]):
            return True
    return False


def max_base64_length(max_bytes: int) -> int:
    """Return the length of the base64 text of a ``max_bytes`` file (an upper bound)."""
    return 4 * -(-max_bytes // 3)


def decode_base64(text: str) -> bytes:
    """Decode canonical base64 (no whitespace, padded); raise ValueError otherwise."""
    if re.fullmatch(BASE64_PATTERN, text) is None:
        raise ValueError("not base64")
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ValueError("not base64") from exc


def is_reference(value: Mapping[str, Any]) -> bool:
    """Return True when ``value`` has the shape of a stored-document reference."""
    return (
        set(value) == REFERENCE_KEYS
        and isinstance(value["sha256"], str)
        and re.fullmatch(SHA256_PATTERN, value["sha256"]) is not None
        and isinstance(value["name"], str)
        and isinstance(value["media_type"], str)
        and _is_whole_number(value["size"])
        and value["size"] >= 0
    )


def _is_whole_number(value: Any) -> bool:
    # JSON Schema's "integer" includes 5.0; bool is not a number in JSON.
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def clean_upload(field: Field, value: Any, say: Say) -> UploadedFile:
    """Check a new upload (an `UploadedFile` or ``{"name", "content_base64", "media_type"?}``).

    Returns a fresh `UploadedFile` whose media type and size come from the content.
    Raises ValidationError with the field's messages.
    """
    if isinstance(value, UploadedFile):
        name, content = value.name, value.content
    elif isinstance(value, Mapping):
        name, content = _decode_upload(field, value, say)
    else:
        raise ValidationError(say("file_invalid", detail="name, content_base64"))
    if not content:
        raise ValidationError(say("file_empty"))
    if len(content) > field.max_bytes:
        raise ValidationError(say("file_too_large", max=field.max_bytes))
    upload = UploadedFile.from_bytes(name, content)
    if not media_type_accepted(upload.media_type, field.accept):
        raise ValidationError(say("file_type", accept=", ".join(field.accept)))
    return upload


def _decode_upload(field: Field, value: Mapping[str, Any], say: Say) -> tuple[str, bytes]:
    extra = sorted(str(key) for key in set(value) - UPLOAD_KEYS)
    if extra or "name" not in value or "content_base64" not in value:
        raise ValidationError(say("file_invalid", detail="name, content_base64"))
    name, text = value["name"], value["content_base64"]
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME_LENGTH:
        raise ValidationError(say("file_invalid", detail="name"))
    if "media_type" in value and not isinstance(value["media_type"], str):
        raise ValidationError(say("file_invalid", detail="media_type"))
    if not isinstance(text, str):
        raise ValidationError(say("file_base64"))
    if len(text) > max_base64_length(field.max_bytes):  # refuse before decoding
        raise ValidationError(say("file_too_large", max=field.max_bytes))
    try:
        content = decode_base64(text)
    except ValueError as exc:
        raise ValidationError(say("file_base64")) from exc
    return name, content
