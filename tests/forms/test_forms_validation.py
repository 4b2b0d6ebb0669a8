"""Validation of submissions against forms declared in real BPMN."""

import datetime

import pytest
from forms_testkit import field

from forms import ValidationFailed


def errors_of(form, data, **kwargs):
    with pytest.raises(ValidationFailed) as info:
        form.validate(data, **kwargs)
    return info.value.errors


@pytest.fixture
def registration(make_form):
    return make_form(
        field(
            "nik",
            label="NIK",
            constraints=[("required", None)],
            properties=[("format", "nik"), ("label_en", "NIK")],
        )
        + field(
            "full_name",
            label="Nama lengkap",
            constraints=[("required", None), ("minlength", "3"), ("maxlength", "10")],
            properties=[("label_en", "Full name")],
        )
        + field("phone", label="Telepon", properties=[("format", "phone")])
        + field("email", label="Surel", properties=[("format", "email")])
        + field("destination_country", label="Negara tujuan", properties=[("format", "country")])
        + field("ak1_number", label="Nomor AK/1", properties=[("pattern", "AK1-[0-9]{4}")])
        + field("age", "long", label="Umur", constraints=[("min", "18"), ("max", "60")])
        + field("pap_completed", "boolean", label="PAP selesai")
        + field("birth_date", "date", label="Tanggal lahir")
        + field(
            "sex",
            "enum",
            label="Jenis kelamin",
            extra=(
                '<camunda:value id="L" name="Laki-laki"/><camunda:value id="P" name="Perempuan"/>'
            ),
        )
        + field("status", label="Status", constraints=[("readonly", None)])
    )


VALID = {"nik": "3201234567890001", "full_name": "Siti Aminah"[:10]}


def test_valid_submission_is_cleaned_to_json_native_values(registration):
    cleaned = registration.validate(
        {
            **VALID,
            "phone": "+62 812-3456-7890",
            "email": "siti@example.co.id",
            "destination_country": "SG",
            "ak1_number": "AK1-0001",
            "age": 25.0,
            "pap_completed": True,
            "birth_date": datetime.date(1999, 12, 31),
            "sex": "P",
        }
    )
    assert cleaned == {
        **VALID,
        "phone": "+6281234567890",
        "email": "siti@example.co.id",
        "destination_country": "SG",
        "ak1_number": "AK1-0001",
        "age": 25,
        "pap_completed": True,
        "birth_date": "1999-12-31",
        "sex": "P",
    }
    assert type(cleaned["age"]) is int


@pytest.mark.parametrize(
    ("data", "field_id", "message_id", "message_en"),
    [
        ({"nik": "123"}, "nik", "NIK harus 16 digit angka", "NIK must be 16 digits"),
        ({"nik": "320123456789000a"}, "nik", "NIK harus 16 digit angka", "NIK must be 16 digits"),
        ({"nik": "3201234567890001\n"}, "nik", "NIK harus 16 digit angka", "NIK must be 16 digits"),
        ({"nik": 3201234567890001}, "nik", "NIK harus berupa teks", "NIK must be text"),
        ({"nik": None}, "nik", "NIK wajib diisi", "NIK is required"),
        ({"nik": ""}, "nik", "NIK wajib diisi", "NIK is required"),
        (
            {"full_name": "Al"},
            "full_name",
            "Nama lengkap minimal 3 karakter",
            "Full name must be at least 3 characters",
        ),
        (
            {"full_name": "A" * 11},
            "full_name",
            "Nama lengkap maksimal 10 karakter",
            "Full name must be at most 10 characters",
        ),
        (
            {"full_name": "     "},
            "full_name",
            "Nama lengkap tidak boleh hanya spasi",
            "Full name must not be only spaces",
        ),
        (
            {"phone": "12345"},
            "phone",
            "Telepon harus nomor telepon yang valid (mis. 081234567890 atau +6281234567890)",
            "Telepon must be a valid phone number (e.g. 081234567890 or +6281234567890)",
        ),
        (
            {"email": "siti@localhost"},
            "email",
            "Surel harus alamat email yang valid",
            "Surel must be a valid email address",
        ),
        (
            {"destination_country": "sg"},
            "destination_country",
            "Negara tujuan harus kode negara ISO 3166-1 dua huruf kapital (mis. ID, SG)",
            "Negara tujuan must be a two-letter upper-case ISO 3166-1 country code (e.g. ID, SG)",
        ),
        (
            {"destination_country": "XX"},
            "destination_country",
            "Negara tujuan harus kode negara ISO 3166-1 dua huruf kapital (mis. ID, SG)",
            "Negara tujuan must be a two-letter upper-case ISO 3166-1 country code (e.g. ID, SG)",
        ),
        (
            {"ak1_number": "xAK1-0001"},
            "ak1_number",
            "Nomor AK/1 tidak sesuai format yang diminta",
            "Nomor AK/1 does not have the required format",
        ),
        ({"age": 17}, "age", "Umur minimal 18", "Umur must be at least 18"),
        ({"age": 61}, "age", "Umur maksimal 60", "Umur must be at most 60"),
        ({"age": "25"}, "age", "Umur harus berupa bilangan bulat", "Umur must be a whole number"),
        ({"age": True}, "age", "Umur harus berupa bilangan bulat", "Umur must be a whole number"),
        ({"age": 25.5}, "age", "Umur harus berupa bilangan bulat", "Umur must be a whole number"),
        (
            {"pap_completed": "true"},
            "pap_completed",
            "PAP selesai harus ya atau tidak",
            "PAP selesai must be yes or no",
        ),
        (
            {"pap_completed": 1},
            "pap_completed",
            "PAP selesai harus ya atau tidak",
            "PAP selesai must be yes or no",
        ),
        (
            {"birth_date": "2024-02-30"},
            "birth_date",
            "Tanggal lahir harus berupa tanggal (TTTT-BB-HH)",
            "Tanggal lahir must be a date (YYYY-MM-DD)",
        ),
        (
            {"birth_date": "20240201"},
            "birth_date",
            "Tanggal lahir harus berupa tanggal (TTTT-BB-HH)",
            "Tanggal lahir must be a date (YYYY-MM-DD)",
        ),
        (
            {"birth_date": datetime.datetime(2000, 1, 1)},
            "birth_date",
            "Tanggal lahir harus berupa tanggal (TTTT-BB-HH)",
            "Tanggal lahir must be a date (YYYY-MM-DD)",
        ),
        (
            {"sex": "X"},
            "sex",
            "Jenis kelamin: pilihan tidak valid (pilih salah satu: L, P)",
            "Jenis kelamin: invalid choice (choose one of: L, P)",
        ),
        (
            {"sex": "Laki-laki"},
            "sex",
            "Jenis kelamin: pilihan tidak valid (pilih salah satu: L, P)",
            "Jenis kelamin: invalid choice (choose one of: L, P)",
        ),
        ({"status": "approved"}, "status", "Status tidak boleh diubah", "Status cannot be changed"),
        ({"status": None}, "status", "Status tidak boleh diubah", "Status cannot be changed"),
        (
            {"rejection_reason": "x"},
            "rejection_reason",
            "Isian tidak dikenal: rejection_reason",
            "Unknown field: rejection_reason",
        ),
    ],
)
def test_refused_values_name_the_field_in_both_languages(
    registration, data, field_id, message_id, message_en
):
    submission = {**VALID, **data}
    assert errors_of(registration, submission)[field_id] == [message_id]
    assert errors_of(registration, submission, locale="en")[field_id] == [message_en]
    assert errors_of(registration, submission, locale="en_US")[field_id] == [message_en]


def test_missing_required_fields_are_reported_together(registration):
    errors = errors_of(registration, {})
    assert errors == {"nik": ["NIK wajib diisi"], "full_name": ["Nama lengkap wajib diisi"]}


def test_optional_fields_may_be_null_or_absent(registration):
    cleaned = registration.validate({**VALID, "age": None, "sex": None})
    assert cleaned == {**VALID, "age": None, "sex": None}


@pytest.mark.parametrize("phone", ["081234567890", "0812-3456-7890", "021 5551234", "+6581234567"])
def test_indonesian_and_international_phone_numbers_are_accepted(registration, phone):
    assert registration.validate({**VALID, "phone": phone})["phone"] == phone.replace(
        " ", ""
    ).replace("-", "")


def test_data_that_is_not_an_object_is_refused(registration):
    with pytest.raises(ValidationFailed) as info:
        registration.validate(["nik"])  # type: ignore[arg-type]
    assert info.value.errors == {"_form": ["Data formulir harus berupa objek"]}


def test_readonly_value_is_refused_even_when_equal_to_current(registration):
    errors = errors_of(registration, {**VALID, "status": "active"}, current={"status": "active"})
    assert errors == {"status": ["Status tidak boleh diubah"]}


@pytest.fixture
def consent(make_form):
    return make_form(
        field(
            "marital_status",
            "enum",
            label="Status perkawinan",
            extra=(
                '<camunda:value id="belum_kawin" name="Belum kawin"/>'
                '<camunda:value id="kawin" name="Kawin"/>'
                '<camunda:value id="cerai_hidup" name="Cerai hidup"/>'
            ),
        )
        + field(
            "spouse_name",
            label="Nama pasangan",
            constraints=[("required", None)],
            properties=[("visible_if", "marital_status == 'kawin'")],
        )
        + field(
            "parents_note",
            label="Catatan orang tua",
            constraints=[("required", None)],
            properties=[("visible_if", "marital_status in ['belum_kawin', 'cerai_hidup']")],
        )
    )


def test_visible_required_field_must_be_given(consent):
    errors = errors_of(consent, {"marital_status": "kawin"})
    assert errors == {"spouse_name": ["Nama pasangan wajib diisi"]}


def test_hidden_required_field_is_not_required_and_not_kept(consent):
    cleaned = consent.validate(
        {"marital_status": "belum_kawin", "parents_note": "ok", "spouse_name": "left over"}
    )
    assert cleaned == {"marital_status": "belum_kawin", "parents_note": "ok"}


def test_condition_reads_current_case_data_for_fields_not_submitted(consent):
    errors = errors_of(consent, {}, current={"marital_status": "kawin"})
    assert errors == {"spouse_name": ["Nama pasangan wajib diisi"]}


def test_default_values_are_typed(make_form):
    form = make_form(
        field("n", "long", default="5")
        + field("b", "boolean", default="true")
        + field("d", "date", default="2024-01-31")
        + field("e", "enum", default="a", extra='<camunda:value id="a" name="A"/>')
    )
    assert [f.default for f in form.fields] == [5, True, "2024-01-31", "a"]


def test_form_round_trips_through_its_dict(registration, consent):
    for form in (registration, consent):
        assert type(form).from_dict(form.to_dict()) == form


def test_form_description_and_schema_are_json(registration, consent):
    import json

    for form in (registration, consent):
        for locale in ("id", "en"):
            assert json.loads(json.dumps(form.json_schema(locale))) == form.json_schema(locale)
        assert json.loads(json.dumps(form.to_dict())) == form.to_dict()
