"""The HTML form: semantic fields, labels, required marks, errors, locale."""

import pytest
from forms_testkit import field
from lxml import html as lxml_html
from markupsafe import Markup

from forms import ValidationFailed, render_html


@pytest.fixture
def form(make_form):
    return make_form(
        field(
            "nik",
            label="NIK",
            constraints=[("required", None)],
            properties=[
                ("format", "nik"),
                ("help", "16 digit pada e-KTP"),
                ("help_en", "16 digits on the e-KTP"),
                ("label_en", "ID number"),
            ],
        )
        + field(
            "full_name",
            label="Nama lengkap",
            constraints=[("readonly", None)],
            properties=[("label_en", "Full name")],
        )
        + field(
            "marital_status",
            "enum",
            label="Status perkawinan",
            extra=(
                '<camunda:value id="belum_kawin" name="Belum kawin"/>'
                '<camunda:value id="kawin" name="Kawin"/>'
            ),
        )
        + field("pap_completed", "boolean", label="PAP selesai")
        + field("departure_date", "date", label="Tanggal berangkat")
        + field("age", "long", label="Umur", constraints=[("min", "18")])
        + field("destination_country", label="Negara tujuan", properties=[("format", "country")])
        + field(
            "marriage_book_copy",
            "file",
            label="Buku nikah",
            constraints=[("required", None)],
            properties=[
                ("visible_if", "marital_status == 'kawin'"),
                ("accept", "application/pdf,image/jpeg"),
            ],
        )
    )


def parse(markup):
    assert isinstance(markup, Markup)
    return lxml_html.fromstring(str(markup))


def test_every_field_has_a_label_for_its_input(form):
    doc = parse(render_html(form, values={}, errors=None))
    for f in form.fields:
        label = doc.xpath(f"//label[@for='field-{f.id}']")
        assert label, f.id
        assert f.label in label[0].text_content()
    assert doc.xpath("//select[@id='field-marital_status']/option/@value") == [
        "",
        "belum_kawin",
        "kawin",
    ]
    assert doc.xpath("//input[@id='field-pap_completed']/@type") == ["checkbox"]
    assert doc.xpath("//input[@id='field-departure_date']/@type") == ["date"]
    assert doc.xpath("//input[@id='field-age']/@type") == ["number"]
    assert doc.xpath("//input[@id='field-age']/@min") == ["18"]
    assert "ID" in doc.xpath("//select[@id='field-destination_country']/option/@value")
    assert doc.xpath("//input[@id='field-marriage_book_copy']/@accept") == [
        "application/pdf,image/jpeg"
    ]
    assert doc.xpath("//form/@enctype") == ["multipart/form-data"]


def test_required_fields_are_marked(form):
    doc = parse(render_html(form, values={}, errors=None))
    assert doc.xpath("//label[@for='field-nik']/abbr[@class='required']")
    assert doc.xpath("//input[@id='field-nik']")[0].get("required") is not None
    assert not doc.xpath("//label[@for='field-age']/abbr")
    # A conditionally visible field is marked, but the browser is not told to insist on it.
    assert doc.xpath("//label[@for='field-marriage_book_copy']/abbr")
    assert not doc.xpath("//input[@id='field-marriage_book_copy']/@required")
    group = doc.xpath("//div[@id='field-marriage_book_copy-group']")[0]
    assert group.get("data-visible-if") == "marital_status == 'kawin'"
    assert '"field": "marital_status"' in group.get("data-visible-if-json")


def test_errors_appear_next_to_fields_and_are_described(form):
    with pytest.raises(ValidationFailed) as info:
        form.validate({"nik": "123", "sneaky": 1})
    doc = parse(render_html(form, values={"nik": "123"}, errors=info.value.errors))
    nik = doc.xpath("//input[@id='field-nik']")[0]
    assert nik.get("aria-invalid") == "true"
    assert "field-nik-error" in nik.get("aria-describedby").split()
    assert "field-nik-help" in nik.get("aria-describedby").split()
    assert doc.xpath("//ul[@id='field-nik-error']/li/text()") == ["NIK harus 16 digit angka"]
    summary = doc.xpath("//div[@role='alert']//li")
    assert [li.text_content() for li in summary] == [
        "Isian tidak dikenal: sneaky",
        "NIK harus 16 digit angka",
    ] or [li.text_content() for li in summary] == [
        "NIK harus 16 digit angka",
        "Isian tidak dikenal: sneaky",
    ]


def test_readonly_field_shows_current_value_disabled(form):
    doc = parse(render_html(form, values={"full_name": "Siti Aminah"}, errors=None))
    name = doc.xpath("//input[@id='field-full_name']")[0]
    assert name.get("value") == "Siti Aminah"
    assert name.get("disabled") is not None


def test_values_are_escaped(form):
    markup = render_html(form, values={"nik": '"><script>alert(1)</script>'}, errors=None)
    assert "<script>" not in str(markup)
    assert "&lt;script&gt;" in str(markup)


def test_locale_switches_labels_help_and_texts(form):
    indonesian = render_html(form, values={}, errors=None)
    english = render_html(form, values={}, errors=None, locale="en")
    assert "NIK" in indonesian and "16 digit pada e-KTP" in indonesian and "Kirim" in indonesian
    assert "ID number" in english and "16 digits on the e-KTP" in english
    assert "Submit" in english and "Kirim" not in english
    # Without an English label the Indonesian one is shown.
    assert "Status perkawinan" in english


def test_csrf_token_action_and_submit_label(form):
    doc = parse(
        render_html(
            form, values={}, errors=None, csrf_token="abc", action="/tasks/7", submit_label="Simpan"
        )
    )
    assert doc.xpath("//input[@type='hidden'][@name='csrf_token']/@value") == ["abc"]
    assert doc.xpath("//form/@action") == ["/tasks/7"]
    assert doc.xpath("//button[@type='submit']/text()") == ["Simpan"]


def test_current_values_and_defaults_are_shown(make_form):
    form = make_form(
        field(
            "status",
            "enum",
            default="b",
            extra=('<camunda:value id="a" name="A"/><camunda:value id="b" name="B"/>'),
        )
        + field("done", "boolean", default="true")
        + field("n", "long")
    )
    doc = parse(render_html(form, values={"n": 7}, errors=None))
    assert doc.xpath("//select[@id='field-status']/option[@selected]/@value") == ["b"]
    assert doc.xpath("//input[@id='field-done']/@checked")
    assert doc.xpath("//input[@id='field-n']/@value") == ["7"]
    assert not doc.xpath("//form/@enctype")
