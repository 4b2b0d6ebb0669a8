"""Browser submissions (strings, checkboxes, files) become validate() input."""

import pytest
from forms_testkit import field

from forms import ValidationFailed, from_html_form


class MultiDict(dict):
    """The part of werkzeug's MultiDict that from_html_form uses: iteration and get."""


@pytest.fixture
def form(make_form):
    return make_form(
        field("full_name", label="Nama", constraints=[("required", None)])
        + field("age", "long", label="Umur")
        + field("pap_completed", "boolean", label="PAP selesai")
        + field("competence_passed", "boolean", label="Lulus uji kompetensi")
        + field("birth_date", "date", label="Tanggal lahir")
        + field("sex", "enum", label="Jenis kelamin", extra='<camunda:value id="L" name="L"/>')
        + field("status", label="Status", constraints=[("readonly", None)])
        + field("verified", "boolean", label="Terverifikasi", constraints=[("readonly", None)])
    )


def test_browser_strings_become_json_values(form):
    data = from_html_form(
        form,
        MultiDict(
            full_name="Siti",
            age=" 25 ",
            pap_completed="on",
            birth_date="2000-01-31",
            sex="",
            csrf_token="t0k3n",
        ),
        MultiDict(),
    )
    assert data == {
        "full_name": "Siti",
        "age": 25,
        "pap_completed": True,
        "competence_passed": False,
        "birth_date": "2000-01-31",
        "sex": None,
    }
    assert form.validate(data)["competence_passed"] is False


def test_unchecked_checkbox_means_false_but_readonly_checkbox_is_left_out(form):
    data = from_html_form(form, MultiDict(full_name="Siti"), MultiDict())
    assert data["pap_completed"] is False
    assert "verified" not in data and "status" not in data


def test_not_a_number_is_left_for_validation_to_refuse(form):
    data = from_html_form(form, MultiDict(full_name="Siti", age="dua puluh"), MultiDict())
    with pytest.raises(ValidationFailed) as info:
        form.validate(data)
    assert info.value.errors == {"age": ["Umur harus berupa bilangan bulat"]}


def test_tampered_readonly_and_unknown_inputs_are_refused(form):
    data = from_html_form(
        form, MultiDict(full_name="Siti", status="approved", is_admin="1"), MultiDict()
    )
    with pytest.raises(ValidationFailed) as info:
        form.validate(data)
    assert info.value.errors == {
        "is_admin": ["Isian tidak dikenal: is_admin"],
        "status": ["Status tidak boleh diubah"],
    }
