"""The sample applicants of the demo, the benchmarks and the tests: one place for their data.

A happy-path applicant is a 30-year-old woman from Indramayu, single, both parents alive,
going to Taiwan in the formal sector; `registration()` gives her registration form, with
any field overridden, and a NIK consistent with her birth date and sex.
"""

from __future__ import annotations

import base64
from typing import Any

__all__ = ["APPLICANTS", "PDF", "documents", "nik_for", "pdf", "registration"]

# A minimal real PDF, as an applicant's scanned letter would be.
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

# The demo's people: each gets the happy-path registration with these fields.
APPLICANTS: tuple[dict[str, str], ...] = (
    {"full_name": "Siti Aminah", "birth_date": "1995-06-15", "sex": "P"},
    {"full_name": "Budi Santoso", "birth_date": "1992-01-20", "sex": "L"},
    {"full_name": "Dewi Lestari", "birth_date": "1998-09-03", "sex": "P"},
    {"full_name": "Agus Wijaya", "birth_date": "1990-12-11", "sex": "L"},
)


def pdf(name: str = "dokumen.pdf") -> dict[str, str]:
    """Return an upload (name and base64 content) of a minimal real PDF."""
    return {"name": name, "content_base64": base64.b64encode(PDF).decode()}


def nik_for(birth_date: str, sex: str, region: str = "321201", serial: str = "0001") -> str:
    """Return a NIK consistent with birth date and sex (R14: DD + 40 for women)."""
    year, month, day = birth_date.split("-")
    day_of_birth = int(day) + (40 if sex == "P" else 0)
    return f"{region}{day_of_birth:02d}{month}{year[2:]}{serial}"


def registration(**overrides: Any) -> dict[str, Any]:
    """Return the registration form of the happy-path applicant, with `overrides` applied.

    The NIK, unless given, is derived from the (possibly overridden) birth date and sex.
    """
    data: dict[str, Any] = {
        "full_name": "Siti Aminah",
        "birth_place": "Indramayu",
        "birth_date": "1995-06-15",
        "sex": "P",
        "address_village": "Juntinyuat",
        "address_district": "Indramayu",
        "address_province": "Jawa Barat",
        "phone": "081234567890",
        "marital_status": "belum_kawin",
        "parents_alive": "both",
        "destination_country": "TW",
        "sector": "formal",
    }
    data.update(overrides)
    data.setdefault("nik", nik_for(data["birth_date"], data["sex"]))
    return data


def documents(marital_status: str = "belum_kawin", parents_alive: str = "both") -> dict[str, Any]:
    """Return the document check's uploads an applicant of that status brings."""
    docs: dict[str, Any] = {
        "marital_status_letter": pdf("status.pdf"),
        "consent_acknowledged_by": "kepala_desa",
    }
    if marital_status == "kawin":
        docs |= {"marriage_book_copy": pdf("nikah.pdf"), "spouse_consent": pdf("izin.pdf")}
    elif parents_alive == "none":
        docs |= {"guardian_consent": pdf("wali.pdf")}
    else:
        docs |= {"parent_consent": pdf("ortu.pdf")}
    if marital_status == "cerai_hidup":
        docs |= {"divorce_certificate": pdf("akta_cerai.pdf")}
    return docs
