"""What case data may be: JSON-native values within limits.

Every input's data passes here before it reaches a workflow, so what the
journal hashes and the database stores is plain, bounded JSON.
"""

from __future__ import annotations

import json
import math
from typing import Any

from engine.errors import ValidationFailed

__all__ = ["MAX_DATA_BYTES", "MAX_DATA_DEPTH", "MAX_DATA_FIELDS", "check_data", "json_problem"]

MAX_DATA_BYTES = 1_000_000
MAX_DATA_DEPTH = 32
MAX_DATA_FIELDS = 500


def check_data(data: Any, what: str = "data") -> dict[str, Any]:
    """Refuse anything but a JSON object of JSON-native values, within limits.

    Limits: the number of fields, nesting depth, 64-bit integers, finite
    numbers, text that UTF-8 can encode (no lone surrogates), field names that
    are identifiers, and the encoded size.
    """
    if not isinstance(data, dict):
        raise ValidationFailed({what: ["must be a JSON object"]})
    if len(data) > MAX_DATA_FIELDS:
        raise ValidationFailed({what: [f"more than {MAX_DATA_FIELDS} fields"]})
    errors: dict[str, list[str]] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not key.isidentifier() or key.startswith("_"):
            errors[str(key)[:100]] = ["not a valid field name"]
            continue
        problem = json_problem(value, depth=1)
        if problem:
            errors[key] = [problem]
    if errors:
        raise ValidationFailed(errors)
    encoded = json.dumps(data, allow_nan=False, ensure_ascii=False)
    if len(encoded) > MAX_DATA_BYTES:
        raise ValidationFailed({what: [f"larger than {MAX_DATA_BYTES} bytes"]})
    return dict(json.loads(encoded))


def json_problem(value: Any, depth: int) -> str | None:
    """Why `value` cannot be case data, or None."""
    if depth > MAX_DATA_DEPTH:
        return f"nested deeper than {MAX_DATA_DEPTH} levels"
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if -(2**63) <= value < 2**63 else "integer out of the 64-bit range"
    if isinstance(value, float):
        return None if math.isfinite(value) else "not a finite number"
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "text with invalid characters (unpaired surrogates)"
        return None
    if isinstance(value, (list, tuple)):
        return next((p for v in value if (p := json_problem(v, depth + 1))), None)
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return "object keys must be text"
            problem = json_problem(key, depth + 1) or json_problem(item, depth + 1)
            if problem:
                return problem
        return None
    return f"not JSON data ({type(value).__name__})"
