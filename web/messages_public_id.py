"""Indonesian texts of the public pages and printouts (merged into `MESSAGES_ID`)."""

from __future__ import annotations

__all__ = ["PUBLIC_MESSAGES_ID"]

PUBLIC_MESSAGES_ID: dict[str, str] = {
    "A consent letter counts only when acknowledged by:": (
        "Surat izin hanya sah bila diketahui oleh:"
    ),
    "Age limits": "Batas usia",
    "Back": "Kembali",
    "Birth date": "Tanggal lahir",
    "Check your case": "Cek berkas Anda",
    "Check": "Cek",
    "Closed on": "Ditutup pada",
    "Complaint received": "Pengaduan diterima",
    "Complaint tracking code": "Kode lacak pengaduan",
    "Complaint": "Pengaduan",
    "Complaints and information": "Pengaduan dan informasi",
    "Condition": "Syarat",
    "Consent from": "Surat izin dari",
    "Consent letter by marital status": "Surat izin menurut status perkawinan",
    "Costs": "Biaya",
    "Countries closed to domestic work": "Negara tertutup untuk sektor domestik",
    "Desk": "Loket",
    "Documents still missing": "Dokumen yang masih kurang",
    "File a complaint or ask for information": "Ajukan pengaduan atau minta informasi",
    "Filed on": "Diajukan pada",
    "Keep this tracking code to read the status and the resolution of your complaint:": (
        "Simpan kode lacak ini untuk membaca status dan penyelesaian pengaduan Anda:"
    ),
    "Marital status": "Status perkawinan",
    "Marriage book copy": "Fotokopi buku nikah",
    "Public information": "Informasi publik",
    "Read the status": "Lihat status",
    "Report anyone who asks you for one.": "Laporkan siapa pun yang memintanya.",
    "Resolution": "Penyelesaian",
    "Status": "Status",
    "Step": "Tahap",
    "The case has ended.": "Berkas telah selesai.",
    "The steps, desk by desk": "Tahapan, loket demi loket",
    "The worker pays no placement cost (UU 18/2017 art. 30).": (
        "Pekerja tidak dibebani biaya penempatan (UU 18/2017 pasal 30)."
    ),
    "Tracking code (on your receipt)": "Kode lacak (pada tanda terima)",
    "Validity of documents at final verification": "Masa berlaku dokumen pada verifikasi akhir",
    "What the desks of the one-stop service (LTSA) check, read from the process they run.": (
        "Yang diperiksa loket-loket LTSA, dibaca dari proses yang mereka jalankan."
    ),
    "Working abroad legally: requirements and procedure": (
        "Bekerja ke luar negeri secara resmi: syarat dan tata cara"
    ),
    "Working abroad: requirements and procedure": "Bekerja ke luar negeri: syarat dan tata cara",
    "You need no account. Your identity is kept confidential (Perpres 76/2013); "
    "you may leave your name empty.": (
        "Tidak perlu akun. Identitas pelapor dirahasiakan (Perpres 76/2013); nama boleh "
        "dikosongkan."
    ),
    "Your case": "Berkas Anda",
    "any other": "lainnya",
    "required": "wajib",
    "without a court divorce certificate": "tanpa akta cerai pengadilan",
    "Too many requests from your address. Please wait a minute and try again.": (
        "Terlalu banyak permintaan dari alamat Anda. Tunggu sebentar lalu coba lagi."
    ),
    "No case matches this tracking code and birth date.": (
        "Tidak ada berkas dengan kode lacak dan tanggal lahir ini."
    ),
    "Send complaint": "Kirim pengaduan",
    "No complaint matches this tracking code.": "Tidak ada pengaduan dengan kode lacak ini.",
    "Complaints naming this worker": "Pengaduan yang menyebut pekerja ini",
    "Tracking code": "Kode lacak",
    "Print": "Cetak",
    "Receipt of documents": "Tanda terima berkas",
    "Receipt (80 mm)": "Tanda terima (80 mm)",
    "Missing documents": "Daftar kekurangan dokumen",
    "AK.1 card": "Kartu AK.1",
    "Departure summary": "Ringkasan keberangkatan",
    "kepala": "kepala kantor",
    "One-stop service for the placement and protection of migrant workers (LTSA)": (
        "Layanan Terpadu Satu Atap Penempatan dan Pelindungan PMI (LTSA)"
    ),
    "Printed": "Dicetak",
    "Case": "Berkas",
    "Check your case at /publik with this code and your birth date.": (
        "Cek berkas Anda di /publik dengan kode ini dan tanggal lahir Anda."
    ),
    "Name": "Nama",
    "Document": "Dokumen",
    "Received": "Diterima",
    "No documents received yet.": "Belum ada dokumen yang diterima.",
    "Your file is returned to you until these documents are complete. There is no deadline; "
    "bring them to the manpower office (Disnaker) desk.": (
        "Berkas dikembalikan sampai dokumen berikut lengkap. Tidak ada batas waktu; bawa ke "
        "loket Disnaker."
    ),
    "Document still missing": "Dokumen yang masih kurang",
    "Where to get it": "Tempat mengurus",
    "No documents are missing.": "Tidak ada dokumen yang kurang.",
    "job seeker registration card": "kartu tanda bukti pendaftaran pencari kerja",
    "Number": "Nomor",
    "Place and date of birth": "Tempat dan tanggal lahir",
    "Sex": "Jenis kelamin",
    "Address": "Alamat",
    "Issued": "Diterbitkan",
    "Valid until": "Berlaku sampai",
    "Nothing recorded yet.": "Belum ada data.",
    "Printouts": "Cetak",
}
