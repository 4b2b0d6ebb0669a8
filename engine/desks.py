"""The LTSA desks: BPMN lane ids map to these codes."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["DESK_LABELS", "Desk"]


class Desk(StrEnum):
    """A desk of the one-stop service; the value is the BPMN lane id."""

    DISNAKER = "disnaker"
    DUKCAPIL = "dukcapil"
    DINKES = "dinkes"
    IMIGRASI = "imigrasi"
    POLRI = "polri"
    BPJS = "bpjs"
    BANK = "bank"
    P3MI = "p3mi"
    BP2MI = "bp2mi"
    PENGADUAN = "pengaduan"
    KEPALA = "kepala"  # the head of the office: escalations and service complaints


DESK_LABELS: dict[Desk, dict[str, str]] = {
    Desk.DISNAKER: {"id": "Dinas Ketenagakerjaan", "en": "Manpower office"},
    Desk.DUKCAPIL: {"id": "Dukcapil", "en": "Civil registry"},
    Desk.DINKES: {"id": "Dinas Kesehatan", "en": "Health office"},
    Desk.IMIGRASI: {"id": "Imigrasi", "en": "Immigration"},
    Desk.POLRI: {"id": "Polri (SKCK)", "en": "Police (SKCK)"},
    Desk.BPJS: {"id": "BPJS Ketenagakerjaan", "en": "Social-security insurance"},
    Desk.BANK: {"id": "Bank", "en": "Government bank"},
    Desk.P3MI: {"id": "P3MI", "en": "Placement company"},
    Desk.BP2MI: {"id": "BP2MI", "en": "Placement agency"},
    Desk.PENGADUAN: {"id": "Pengaduan dan Informasi", "en": "Complaints and information"},
    Desk.KEPALA: {"id": "Kepala kantor LTSA", "en": "Head of the LTSA office"},
}
