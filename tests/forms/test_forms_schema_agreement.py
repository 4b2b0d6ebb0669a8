"""Property: for every type and constraint combination, Form.validate and the form's JSON
Schema (checked by jsonschema's Draft202012Validator with our formats) agree.

Uploads are the one place JSON Schema cannot follow the server (magic bytes, exact size,
whether a reference is the case's own document), so file values are drawn from uploads
of accepted content and references to the current document.
"""

import base64
import string

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from forms import FORMATS, Form, UploadedFile, ValidationFailed

PDF = b"%PDF-1.4\n%%EOF\n"
KEPT = UploadedFile.from_bytes("kept.pdf", PDF).reference()
OPTIONS = ["belum_kawin", "kawin", "cerai_hidup"]
PATTERNS = ["[A-Z]{2}[0-9]*", "a|b", ".*x", "[0-9]{3}-[0-9]{2}"]


def format_checker() -> FormatChecker:
    checker = FormatChecker()  # every format jsonschema knows (email, date, ...)
    for name, fmt in FORMATS.items():
        checker.checks(name)(lambda value, fmt=fmt: not isinstance(value, str) or fmt.check(value))
    return checker


CHECKER = format_checker()


def agree(form: Form, data: dict, current: dict | None = None) -> None:
    schema = form.json_schema()
    Draft202012Validator.check_schema(schema)
    errors = list(Draft202012Validator(schema, format_checker=CHECKER).iter_errors(data))
    try:
        form.validate(data, current=current)
        server_ok = True
    except ValidationFailed:
        server_ok = False
    event("accepted" if server_ok else "refused")
    assert server_ok == (not errors), (form.to_dict(), data, [e.message for e in errors])


@st.composite
def declarations(draw, field_id: str, types=("string", "long", "boolean", "date", "enum")):
    field_type = draw(st.sampled_from(types))
    constraints: dict = {}
    properties: dict = {}
    flag = draw(st.sampled_from(["none", "required", "readonly"]))
    if flag != "none":
        constraints[flag] = None
    if field_type == "string":
        low = draw(st.none() | st.integers(0, 4))
        high = draw(st.none() | st.integers(low or 0, 20))
        if low is not None:
            constraints["minlength"] = str(low)
        if high is not None:
            constraints["maxlength"] = str(high)
        fmt = draw(st.none() | st.sampled_from(sorted(FORMATS)))
        if fmt:
            properties["format"] = fmt
        pattern = draw(st.none() | st.sampled_from(PATTERNS))
        if pattern:
            properties["pattern"] = pattern
    if field_type == "long":
        low = draw(st.none() | st.integers(-100, 100))
        high = draw(st.none() | st.integers(low if low is not None else -100, 200))
        if low is not None:
            constraints["min"] = str(low)
        if high is not None:
            constraints["max"] = str(high)
    options = [[o, o.title()] for o in OPTIONS] if field_type == "enum" else []
    return {
        "id": field_id,
        "type": field_type,
        "label": field_id,
        "constraints": constraints,
        "properties": properties,
        "options": options,
    }


def form_of(*fields: dict) -> Form:
    return Form.from_dict({"version": 1, "key": "prop", "fields": list(fields)})


digits = st.text(alphabet=string.digits, min_size=14, max_size=17)
VALUES = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.text(alphabet="AZaz09-x \n", max_size=8),
    st.integers(-300, 300),
    st.integers(),
    st.booleans(),
    st.floats(),
    st.sampled_from(OPTIONS + ["ID", "SG", "sg", "ZZ", "ab", "AB12", "a", "x", "123-45"]),
    digits,
    st.sampled_from(
        [
            "0812-3456-7890",
            "+62 812 3456 7890",
            "+1",
            "08123",
            "siti@example.co.id",
            "a@b",
            "a@b.c",
            "@x.com",
        ]
    ),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2024-02-30", "2024-2-3", "20240203", "2024-01-01\n", "0000-01-01"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(declaration=declarations("f"), present=st.booleans(), value=VALUES)
def test_single_field_validation_and_schema_agree(declaration, present, value):
    agree(form_of(declaration), {"f": value} if present else {})


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=declarations("a"),
    second=declarations("b"),
    values=st.dictionaries(st.sampled_from(["a", "b", "zz"]), VALUES, max_size=3),
)
def test_two_field_forms_agree_including_unknown_keys(first, second, values):
    agree(form_of(first, second), values)


CONDITIONS = st.sampled_from(
    [
        "ctl == 'kawin'",
        "ctl != 'kawin'",
        "ctl in ['belum_kawin', 'cerai_hidup']",
        "ctl not in ['kawin']",
        "ctl == 'kawin' or ctl == 'cerai_hidup'",
        "(ctl == 'kawin' or ctl == 'x') and ctl != 'belum_kawin'",
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    controller=declarations("ctl", types=("enum",)),
    dependent=declarations("dep"),
    condition=CONDITIONS,
    values=st.fixed_dictionaries(
        {}, optional={"ctl": st.none() | st.sampled_from(OPTIONS + ["other"]), "dep": VALUES}
    ),
)
def test_visible_if_agrees(controller, dependent, condition, values):
    dependent["properties"]["visible_if"] = condition
    agree(form_of(controller, dependent), values)


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


FILE_VALUES = st.one_of(
    st.none(),
    st.binary(max_size=64).map(lambda tail: {"name": "a.pdf", "content_base64": b64(PDF + tail)}),
    st.binary(max_size=8).map(
        lambda tail: {"name": "a.pdf", "content_base64": b64(PDF + tail), "media_type": "x/y"}
    ),
    st.just({"name": "a.pdf", "content_base64": b64(PDF), "media_type": 5}),
    st.just({"name": "", "content_base64": b64(PDF)}),
    st.just({"name": "a.pdf", "content_base64": b64(PDF)[:-1]}),
    st.just({"name": "a.pdf", "content_base64": ""}),
    st.just({"name": "a.pdf", "content_base64": "%%%%"}),
    st.just({"content_base64": b64(PDF)}),
    st.just({"name": "a.pdf", "content_base64": b64(PDF), "extra": 1}),
    st.just(dict(KEPT)),
    st.just({**KEPT, "size": float(KEPT["size"])}),
    st.just({**KEPT, "sha256": "XYZ"}),
    st.just({**KEPT, "size": -1}),
    st.text(max_size=5),
    st.integers(),
)


@settings(max_examples=200)
@given(
    flag=st.sampled_from([{}, {"required": None}, {"readonly": None}]),
    present=st.booleans(),
    value=FILE_VALUES,
)
def test_file_field_structure_agrees(flag, present, value):
    form = form_of(
        {
            "id": "doc",
            "type": "file",
            "label": "Dokumen",
            "constraints": flag,
            "properties": {"accept": "application/pdf"},
            "options": [],
        }
    )
    agree(form, {"doc": value} if present else {}, current={"doc": KEPT})
