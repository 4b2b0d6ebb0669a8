"""Document uploads: checked by content, capped in size, kept documents by reference."""

import base64
import io

import pytest
from forms_testkit import field

from forms import UploadedFile, ValidationFailed, from_html_form

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def upload(content, name="dokumen.pdf", **extra):
    return {"name": name, "content_base64": base64.b64encode(content).decode(), **extra}


@pytest.fixture
def docs(make_form):
    return make_form(
        field(
            "spouse_consent",
            "file",
            label="Izin suami/istri",
            constraints=[("required", None)],
            properties=[
                ("accept", "application/pdf"),
                ("max_bytes", "1024"),
                ("label_en", "Spouse consent"),
            ],
        )
        + field("photo", "file", label="Foto", properties=[("accept", "image/jpeg,image/png")])
    )


def refused(form, data, locale="id", **kwargs):
    with pytest.raises(ValidationFailed) as info:
        form.validate(data, locale=locale, **kwargs)
    return info.value.errors


def test_pdf_upload_is_accepted_with_detected_type_and_hash(docs):
    cleaned = docs.validate({"spouse_consent": upload(PDF, media_type="image/png")})
    document = cleaned["spouse_consent"]
    assert isinstance(document, UploadedFile)
    assert (document.name, document.media_type, document.size) == (
        "dokumen.pdf",
        "application/pdf",
        len(PDF),
    )
    assert document.content == PDF
    assert len(document.sha256) == 64
    assert document.reference()["sha256"] == document.sha256


def test_png_bytes_named_pdf_and_declared_pdf_are_refused(docs):
    errors = refused(
        docs, {"spouse_consent": upload(PNG, "izin.pdf", media_type="application/pdf")}
    )
    assert errors == {
        "spouse_consent": [
            "Izin suami/istri: jenis berkas tidak diterima (diterima: application/pdf)"
        ]
    }
    errors = refused(docs, {"spouse_consent": upload(PNG, "izin.pdf")}, locale="en")
    assert errors == {
        "spouse_consent": ["Spouse consent: file type not accepted (accepted: application/pdf)"]
    }


def test_oversize_upload_is_refused(docs):
    big = PDF + b"0" * 1024
    errors = refused(docs, {"spouse_consent": upload(big)})
    assert errors == {
        "spouse_consent": ["Izin suami/istri: berkas terlalu besar (maksimal 1024 byte)"]
    }
    errors = refused(docs, {"spouse_consent": UploadedFile.from_bytes("a.pdf", big)}, locale="en")
    assert errors == {
        "spouse_consent": ["Spouse consent: the file is too large (at most 1024 bytes)"]
    }


def test_default_cap_is_five_mebibytes(docs):
    assert docs.field("photo").max_bytes == 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            {"name": "a.pdf", "content_base64": "not base64!"},
            "Izin suami/istri: isi berkas bukan base64 yang valid",
        ),
        ({"name": "a.pdf", "content_base64": ""}, "Izin suami/istri: berkas kosong"),
        ({"name": "a.pdf"}, "Izin suami/istri: unggahan tidak valid (name, content_base64)"),
        (
            {**upload(PDF), "path": "/etc/passwd"},
            "Izin suami/istri: unggahan tidak valid (name, content_base64)",
        ),
        ({"name": "", "content_base64": "AAAA"}, "Izin suami/istri: unggahan tidak valid (name)"),
        ("dokumen.pdf", "Izin suami/istri: unggahan tidak valid (name, content_base64)"),
        (None, "Izin suami/istri wajib diisi"),
    ],
)
def test_malformed_uploads_are_refused(docs, value, message):
    assert refused(docs, {"spouse_consent": value}) == {"spouse_consent": [message]}


def test_same_document_uploaded_twice_has_the_same_sha256(docs):
    first = docs.validate({"spouse_consent": upload(PDF, "a.pdf")})["spouse_consent"]
    second = docs.validate({"spouse_consent": UploadedFile.from_bytes("b.pdf", PDF)})[
        "spouse_consent"
    ]
    assert first.sha256 == second.sha256
    assert first.name != second.name


def test_kept_document_reference_is_accepted_when_it_matches_the_case(docs):
    kept = UploadedFile.from_bytes("izin.pdf", PDF).reference()
    cleaned = docs.validate({"spouse_consent": dict(kept)}, current={"spouse_consent": kept})
    assert cleaned == {"spouse_consent": kept}


def test_forged_document_reference_is_refused(docs):
    kept = UploadedFile.from_bytes("izin.pdf", PDF).reference()
    forged = {**kept, "sha256": "0" * 64}
    message = "Izin suami/istri: rujukan dokumen tidak cocok dengan dokumen tersimpan"
    assert refused(docs, {"spouse_consent": forged}, current={"spouse_consent": kept}) == {
        "spouse_consent": [message]
    }
    assert refused(docs, {"spouse_consent": kept}) == {"spouse_consent": [message]}


def test_uploaded_file_name_loses_its_path():
    assert UploadedFile.from_bytes("C:\\Users\\siti\\izin.pdf", PDF).name == "izin.pdf"
    assert UploadedFile.from_bytes("../../etc/passwd", PDF).name == "passwd"


class FakeStorage:
    """What werkzeug's FileStorage offers: a filename and a stream."""

    def __init__(self, filename, content):
        self.filename = filename
        self.stream = io.BytesIO(content)


def test_browser_upload_becomes_uploaded_file(docs):
    data = from_html_form(
        docs, {}, {"spouse_consent": FakeStorage("izin.pdf", PDF), "photo": FakeStorage("", b"")}
    )
    assert set(data) == {"spouse_consent"}
    assert data["spouse_consent"].media_type == "application/pdf"
    assert docs.validate(data)["spouse_consent"].sha256 == data["spouse_consent"].sha256


def test_browser_upload_reads_at_most_one_byte_past_the_cap(docs):
    storage = FakeStorage("big.pdf", PDF + b"0" * 10_000)
    data = from_html_form(docs, {}, {"spouse_consent": storage})
    assert data["spouse_consent"].size == 1025
    assert "spouse_consent" in refused(docs, data)


def test_empty_file_input_keeps_the_current_document(docs):
    kept = UploadedFile.from_bytes("izin.pdf", PDF).reference()
    data = from_html_form(docs, {}, {}, current={"spouse_consent": kept})
    assert docs.validate(data, current={"spouse_consent": kept}) == {"spouse_consent": kept}
