"""The message catalogue: every text a user sees, in Indonesian and English.

Messages name the field by its label in the chosen locale. Add a locale by
adding one more inner dict with the same keys (a test checks they match).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Say = Callable[..., str]
"""A message function bound to a field's label and locale: ``say("max", max=3)``."""

DEFAULT_LOCALE = "id"

MESSAGES: dict[str, dict[str, str]] = {
    "id": {
        "required": "{label} wajib diisi",
        "readonly": "{label} tidak boleh diubah",
        "unknown_field": "Isian tidak dikenal: {field}",
        "not_object": "Data formulir harus berupa objek",
        "not_string": "{label} harus berupa teks",
        "not_integer": "{label} harus berupa bilangan bulat",
        "not_boolean": "{label} harus ya atau tidak",
        "not_date": "{label} harus berupa tanggal (TTTT-BB-HH)",
        "not_option": "{label}: pilihan tidak valid (pilih salah satu: {options})",
        "blank": "{label} tidak boleh hanya spasi",
        "min_length": "{label} minimal {min} karakter",
        "max_length": "{label} maksimal {max} karakter",
        "min": "{label} minimal {min}",
        "max": "{label} maksimal {max}",
        "pattern": "{label} tidak sesuai format yang diminta",
        "format_nik": "{label} harus 16 digit angka",
        "format_phone": "{label} harus nomor telepon yang valid "
        "(mis. 081234567890 atau +6281234567890)",
        "format_email": "{label} harus alamat email yang valid",
        "format_country": "{label} harus kode negara ISO 3166-1 dua huruf kapital (mis. ID, SG)",
        "file_invalid": "{label}: unggahan tidak valid ({detail})",
        "file_base64": "{label}: isi berkas bukan base64 yang valid",
        "file_empty": "{label}: berkas kosong",
        "file_too_large": "{label}: berkas terlalu besar (maksimal {max} byte)",
        "file_type": "{label}: jenis berkas tidak diterima (diterima: {accept})",
        "file_reference": "{label}: rujukan dokumen tidak cocok dengan dokumen tersimpan",
        # Texts of the HTML form.
        "ui_submit": "Kirim",
        "ui_required": "wajib",
        "ui_choose": "-- pilih --",
        "ui_current_file": "Dokumen saat ini",
        "ui_no_file": "Belum ada dokumen",
        "ui_errors_title": "Periksa kembali isian berikut",
        "ui_yes": "Ya",
        "ui_no": "Tidak",
    },
    "en": {
        "required": "{label} is required",
        "readonly": "{label} cannot be changed",
        "unknown_field": "Unknown field: {field}",
        "not_object": "Form data must be an object",
        "not_string": "{label} must be text",
        "not_integer": "{label} must be a whole number",
        "not_boolean": "{label} must be yes or no",
        "not_date": "{label} must be a date (YYYY-MM-DD)",
        "not_option": "{label}: invalid choice (choose one of: {options})",
        "blank": "{label} must not be only spaces",
        "min_length": "{label} must be at least {min} characters",
        "max_length": "{label} must be at most {max} characters",
        "min": "{label} must be at least {min}",
        "max": "{label} must be at most {max}",
        "pattern": "{label} does not have the required format",
        "format_nik": "{label} must be 16 digits",
        "format_phone": "{label} must be a valid phone number "
        "(e.g. 081234567890 or +6281234567890)",
        "format_email": "{label} must be a valid email address",
        "format_country": "{label} must be a two-letter upper-case ISO 3166-1 country code "
        "(e.g. ID, SG)",
        "file_invalid": "{label}: invalid upload ({detail})",
        "file_base64": "{label}: the file content is not valid base64",
        "file_empty": "{label}: the file is empty",
        "file_too_large": "{label}: the file is too large (at most {max} bytes)",
        "file_type": "{label}: file type not accepted (accepted: {accept})",
        "file_reference": "{label}: the document reference does not match the stored document",
        "ui_submit": "Submit",
        "ui_required": "required",
        "ui_choose": "-- choose --",
        "ui_current_file": "Current document",
        "ui_no_file": "No document yet",
        "ui_errors_title": "Please check the following",
        "ui_yes": "Yes",
        "ui_no": "No",
    },
}


def normalize_locale(locale: str | None) -> str:
    """Map a locale such as ``en-US`` or ``id_ID`` to a catalogue key; default Indonesian."""
    if not locale:
        return DEFAULT_LOCALE
    base = locale.replace("_", "-").split("-")[0].lower()
    return base if base in MESSAGES else DEFAULT_LOCALE


def message(locale: str, key: str, **params: Any) -> str:
    """Return the catalogue text ``key`` in ``locale``, filled with ``params``."""
    return MESSAGES[normalize_locale(locale)][key].format(**params)
