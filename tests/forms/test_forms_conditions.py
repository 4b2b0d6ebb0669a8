"""The visible_if language: parsed without eval, evaluated like its JSON Schema."""

import pytest
from jsonschema import Draft202012Validator

from forms.conditions import ConditionSyntaxError, parse_condition

ALLOWED = [
    ("a == 'x'", {"a": "x"}, True),
    ("a == 'x'", {"a": "y"}, False),
    ("a == 'x'", {}, False),
    ("a != 'x'", {}, True),
    ('a != "x"', {"a": "x"}, False),
    ("a in ['x', 'y']", {"a": "y"}, True),
    ("a not in ['x', 'y']", {"a": "y"}, False),
    ("a == 'x' and b == true", {"a": "x", "b": True}, True),
    ("a == 'x' and b == true", {"a": "x", "b": 1}, False),
    ("a == 1", {"a": 1.0}, True),
    ("a == 'x' or b == 'y' and c == 'z'", {"b": "y"}, False),
    ("(a == 'x' or b == 'y') and c == 'z'", {"b": "y", "c": "z"}, True),
    (
        "marital_status in ['belum_kawin','cerai_hidup','cerai_mati']",
        {"marital_status": "kawin"},
        False,
    ),
]

FORBIDDEN = [
    "",
    "a",
    "a = 'x'",
    "a == x",
    "a == 'x' and",
    "__import__('os').system('id') == 1",
    "a.b == 'x'",
    "a == 'x')",
    "a in 'x'",
    "a in []",
    "and == 'x'",
    "a == 'x' b == 'y'",
]


@pytest.mark.parametrize(("text", "data", "expected"), ALLOWED)
def test_condition_evaluates_like_its_json_schema(text, data, expected):
    condition = parse_condition(text)
    assert condition.evaluate(data) is expected
    assert Draft202012Validator(condition.json_schema()).is_valid(data) is expected


@pytest.mark.parametrize("text", FORBIDDEN)
def test_malformed_condition_is_refused(text):
    with pytest.raises(ConditionSyntaxError):
        parse_condition(text)
