"""Definition problems in camunda:formData are found, named by field id, with a code and hint."""

import pytest
from forms_testkit import field

from forms import FormDefinitionError, check_spiff_form, form_from_spiff


@pytest.mark.parametrize(
    ("xml", "code"),
    [
        (field("x", "text"), "LTSA-F003"),
        (field("x", "double"), "LTSA-F003"),
        (field("x", constraints=[("unique", None)]), "LTSA-F004"),
        (field("x", "boolean", constraints=[("maxlength", "3")]), "LTSA-F005"),
        (field("x", "string", constraints=[("min", "3")]), "LTSA-F005"),
        (field("x", "long", constraints=[("min", "abc")]), "LTSA-F006"),
        (field("x", "long", constraints=[("max", None)]), "LTSA-F006"),
        (field("x", constraints=[("maxlength", "-1")]), "LTSA-F006"),
        (field("x", constraints=[("required", "false")]), "LTSA-F006"),
        (field("x", properties=[("colour", "red")]), "LTSA-F007"),
        (field("x", "long", properties=[("format", "nik")]), "LTSA-F008"),
        (field("x", properties=[("accept", "application/pdf")]), "LTSA-F008"),
        (field("x", properties=[("format", "npwp")]), "LTSA-F009"),
        (field("x", "file", properties=[("accept", "application/x-unknown")]), "LTSA-F009"),
        (field("x", "file", properties=[("max_bytes", "0")]), "LTSA-F009"),
        (field("x", "file", properties=[("max_bytes", "5MB")]), "LTSA-F009"),
        (field("x", properties=[("pattern", "[0-9")]), "LTSA-F010"),
        (field("x", properties=[("pattern", "(?P&lt;year&gt;[0-9]{4})")]), "LTSA-F010"),
        (field("x", properties=[("pattern", "[0-9]+\\Z")]), "LTSA-F010"),
        (field("x", properties=[("pattern", "(?i)ak1")]), "LTSA-F010"),
        (field("x", properties=[("visible_if", "a = 'b'")]), "LTSA-F011"),
        (field("x", properties=[("visible_if", "__import__('os')")]), "LTSA-F011"),
        (field("x", properties=[("visible_if", "a == b")]), "LTSA-F011"),
        (field("x", "long", default="lima"), "LTSA-F012"),
        (field("x", "boolean", default="yes"), "LTSA-F012"),
        (field("x", "date", default="31-01-2024"), "LTSA-F012"),
        (field("x", "enum", default="c", extra='<camunda:value id="a" name="A"/>'), "LTSA-F012"),
        (field("x", "enum"), "LTSA-F013"),
        (field("x", constraints=[("maxlength", "3"), ("maxlength", "4")]), "LTSA-F014"),
        (field("x", constraints=[("minlength", "5"), ("maxlength", "4")]), "LTSA-F015"),
        (field("x", "long", constraints=[("min", "5"), ("max", "4")]), "LTSA-F015"),
        (field("x", constraints=[("required", None), ("readonly", None)]), "LTSA-F016"),
        (field("x-y"), "LTSA-F001"),
        (field("x") + field("x"), "LTSA-F002"),
    ],
)
def test_definition_problem_names_field_and_code(make_spiff_form, xml, code):
    spiff_form = make_spiff_form(xml)
    with pytest.raises(FormDefinitionError) as info:
        form_from_spiff(spiff_form)
    error = info.value
    assert (error.field_id, error.code) == ("x-y" if code == "LTSA-F001" else "x", code)
    assert error.hint
    assert code in str(error) and "x" in str(error)


def test_check_spiff_form_reports_every_problem(make_spiff_form):
    spiff_form = make_spiff_form(
        field("a", "text")
        + field("b", "long", constraints=[("min", "abc")])
        + field("c", properties=[("pattern", "(")])
        + field("ok")
    )
    problems = check_spiff_form(spiff_form)
    assert [(p.field_id, p.code) for p in problems] == [
        ("a", "LTSA-F003"),
        ("b", "LTSA-F006"),
        ("c", "LTSA-F010"),
    ]


def test_valid_form_has_no_problems(make_spiff_form):
    spiff_form = make_spiff_form(
        field("nik", constraints=[("required", "true")], properties=[("format", "nik")])
        + field(
            "doc",
            "file",
            properties=[("accept", "application/pdf, image/*"), ("max_bytes", "1048576")],
        )
    )
    assert check_spiff_form(spiff_form) == []
    form = form_from_spiff(spiff_form)
    assert form.key == "test_form"
    assert form.field("doc").accept == ("application/pdf", "image/*")
    assert form.field("doc").max_bytes == 1048576


def test_bad_form_description_is_a_definition_problem():
    from forms import Form

    with pytest.raises(FormDefinitionError) as info:
        Form.from_dict({"version": 99, "fields": []})
    assert info.value.code == "LTSA-F017"
