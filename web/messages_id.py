"""Indonesian texts of the pages, by their English original (see `web.i18n`).

A test checks that every text the templates and views translate is here.
"""

from __future__ import annotations

__all__ = ["DYNAMIC", "MESSAGES_ID"]

#: Texts translated from values (roles, statuses, event kinds, HTTP errors).
DYNAMIC = (
    "admin", "designer", "officer", "auditor",
    "active", "completed", "rejected", "withdrawn", "ready", "cancelled",
    "new", "unchanged",
    "case_started", "task_completed", "message_received", "timer_fired",
    "case_withdrawn", "data_corrected", "case_migrated",
    "Bad request", "Not signed in", "Not allowed", "Not found", "Conflict", "Upload too large",
    "Invalid data", "Too many requests", "Something went wrong", "Error",
)  # fmt: skip

MESSAGES_ID: dict[str, str] = {
    # roles, statuses, events
    "admin": "admin",
    "designer": "perancang proses",
    "officer": "petugas",
    "auditor": "auditor",
    "active": "aktif",
    "completed": "selesai",
    "rejected": "ditolak",
    "withdrawn": "dicabut",
    "ready": "menunggu",
    "cancelled": "dibatalkan",
    "new": "baru",
    "unchanged": "tidak berubah",
    "case_started": "Kasus dimulai",
    "task_completed": "Tugas diselesaikan",
    "message_received": "Pesan diterima",
    "timer_fired": "Tenggat waktu tercapai",
    "case_withdrawn": "Kasus dicabut",
    "data_corrected": "Data dikoreksi",
    "case_migrated": "Kasus dipindahkan ke versi lain",
    # errors
    "Bad request": "Permintaan tidak valid",
    "Not signed in": "Belum masuk",
    "Not allowed": "Tidak diizinkan",
    "Not found": "Tidak ditemukan",
    "Conflict": "Konflik",
    "Upload too large": "Berkas terlalu besar",
    "Invalid data": "Data tidak valid",
    "Too many requests": "Terlalu banyak permintaan",
    "Something went wrong": "Terjadi kesalahan",
    "Error": "Kesalahan",
    "Back to the start page": "Kembali ke halaman awal",
    # sign-in and layout
    "Main": "Menu utama",
    "Sign in": "Masuk",
    "Sign out": "Keluar",
    "User name": "Nama pengguna",
    "Password": "Kata sandi",
    "One-stop service for Indonesian migrant workers": (
        "Layanan Terpadu Satu Atap Pekerja Migran Indonesia"
    ),
    "Too many sign-in attempts. Wait a few minutes and try again.": (
        "Terlalu banyak percobaan masuk. Tunggu beberapa menit lalu coba lagi."
    ),
    "Wrong user name or password (5 failures lock the account for 15 minutes).": (
        "Nama pengguna atau kata sandi salah (5 kali gagal mengunci akun selama 15 menit)."
    ),
    # inbox and tasks
    "Inbox": "Kotak tugas",
    "Cases": "Kasus",
    "Processes": "Proses",
    "Users": "Pengguna",
    "Desk": "Loket",
    "Desks": "Loket",
    "All my desks": "Semua loket saya",
    "Filter": "Saring",
    "Case": "Kasus",
    "Applicant": "Pemohon",
    "Step": "Langkah",
    "Waiting": "Menunggu",
    "Open": "Buka",
    "No tasks are waiting at your desks.": "Tidak ada tugas yang menunggu di loket Anda.",
    "Pages": "Halaman",
    "Page %(n)s": "Halaman %(n)s",
    "Previous": "Sebelumnya",
    "Next": "Berikutnya",
    "Process": "Proses",
    "Back to the inbox": "Kembali ke kotak tugas",
    "Complete task": "Selesaikan tugas",
    "This task is %(state)s.": "Tugas ini %(state)s.",
    "Done by %(who)s on %(when)s.": "Diselesaikan oleh %(who)s pada %(when)s.",
    "This step has no form. Confirm that it is done.": (
        "Langkah ini tidak memiliki formulir. Konfirmasi bahwa langkah ini sudah dikerjakan."
    ),
    "Task completed: %(title)s (case %(case)s).": "Tugas selesai: %(title)s (kasus %(case)s).",
    "This task was already done by someone else (%(who)s); nothing was saved.": (
        "Tugas ini sudah diselesaikan oleh orang lain (%(who)s); tidak ada yang disimpan."
    ),
    "This task is already closed; nothing was saved.": (
        "Tugas ini sudah ditutup; tidak ada yang disimpan."
    ),
    "The case was changed by someone else meanwhile. Reload and try again.": (
        "Kasus ini baru saja diubah oleh orang lain. Muat ulang lalu coba lagi."
    ),
    "This case is no longer active; nothing was saved.": (
        "Kasus ini sudah tidak aktif; tidak ada yang disimpan."
    ),
    # cases
    "NIK or name": "NIK atau nama",
    "Status": "Status",
    "Any": "Semua",
    "Search": "Cari",
    "Updated": "Diperbarui",
    "No cases found.": "Tidak ada kasus yang ditemukan.",
    "Start a case": "Mulai kasus",
    "Start": "Mulai",
    "Case %(id)s started.": "Kasus %(id)s dimulai.",
    "Started": "Dimulai",
    "Waiting at": "Menunggu di",
    "Diagram": "Diagram",
    "done": "selesai",
    "waiting now": "sedang menunggu",
    "The diagram could not be shown.": "Diagram tidak dapat ditampilkan.",
    "Process diagram": "Diagram proses",
    "Timeline": "Riwayat",
    "Fields": "Isian",
    "Documents": "Dokumen",
    "Field": "Isian",
    "File": "Berkas",
    "Type": "Jenis",
    "Size": "Ukuran",
    "replaced": "diganti",
    "No documents yet.": "Belum ada dokumen.",
    # designer
    "Refused: nothing was deployed": "Ditolak: tidak ada yang dipasang",
    "Line": "Baris",
    "Element": "Elemen",
    "Code": "Kode",
    "Problem": "Masalah",
    "Hint": "Saran",
    "Valid: %(keys)s. Nothing was stored.": "Valid: %(keys)s. Tidak ada yang disimpan.",
    "Deployed": "Terpasang",
    "Upload BPMN and DMN files": "Unggah berkas BPMN dan DMN",
    "Files": "Berkas",
    "Validate only": "Periksa saja",
    "Deploy": "Pasang",
    "Open the modeler with a new diagram": "Buka pemodel dengan diagram baru",
    "Version": "Versi",
    "By": "Oleh",
    "Active cases": "Kasus aktif",
    "edit": "ubah",
    "No process is deployed yet.": "Belum ada proses yang dipasang.",
    "Modeler": "Pemodel",
    "File name": "Nama berkas",
    "Download": "Unduh",
    "Valid": "Valid",
    "Refused": "Ditolak",
    # admin
    "Name": "Nama",
    "Role": "Peran",
    "Active": "Aktif",
    "New password": "Kata sandi baru",
    "Save": "Simpan",
    "Add a user": "Tambah pengguna",
    "Add": "Tambah",
    "User %(name)s created.": "Pengguna %(name)s dibuat.",
    "User %(name)s updated.": "Pengguna %(name)s diperbarui.",
    "You cannot deactivate yourself.": "Anda tidak dapat menonaktifkan akun sendiri.",
    # claims
    "Held by": "Dipegang oleh",
    "you": "Anda",
    "Claim": "Ambil",
    "Give back": "Kembalikan",
    "claimed by %(who)s": "dipegang oleh %(who)s",
    "%(who)s holds this task already.": "Tugas ini sudah dipegang oleh %(who)s.",
    "You took: %(title)s (case %(case)s).": "Anda mengambil: %(title)s (kasus %(case)s).",
    "Given back: %(title)s.": "Dikembalikan: %(title)s.",
    # audit
    "Audit": "Audit",
    "Audit: step through, verify, what-if": "Audit: telusuri langkah, verifikasi, bagaimana-jika",
    "Status now": "Status sekarang",
    "Events": "Peristiwa",
    "Event": "Peristiwa",
    "After event %(k)s of %(n)s": "Setelah peristiwa %(k)s dari %(n)s",
    "Show": "Tampilkan",
    "path taken": "jalur yang dilalui",
    "waiting after this event": "menunggu setelah peristiwa ini",
    "State after this event": "Keadaan setelah peristiwa ini",
    "Ready tasks": "Tugas yang menunggu",
    "Changed by this event": "Yang diubah oleh peristiwa ini",
    "Before": "Sebelum",
    "After": "Sesudah",
    "Value": "Nilai",
    "No data changed.": "Tidak ada data yang berubah.",
    "(absent)": "(tidak ada)",
    "Case data": "Data kasus",
    "Verify the history": "Verifikasi riwayat",
    "Recomputes the hash chain, checks the signed checkpoint and replays every event from the "
    "stored process version.": (
        "Menghitung ulang rantai hash, memeriksa titik periksa yang ditandatangani, dan memutar "
        "ulang setiap peristiwa dari versi proses yang tersimpan."
    ),
    "Verify": "Verifikasi",
    "Intact: %(n)s events, chain and replay agree with the record.": (
        "Utuh: %(n)s peristiwa; rantai hash dan pemutaran ulang sesuai dengan catatan."
    ),
    "Not intact from event %(k)s.": "Tidak utuh sejak peristiwa %(k)s.",
    "Not intact.": "Tidak utuh.",
    "Show that event": "Tampilkan peristiwa itu",
    "What if?": "Bagaimana jika?",
    "Replay the same inputs on version": "Putar ulang masukan yang sama pada versi",
    "Compare": "Bandingkan",
    "Version %(v)s would first differ at event %(k)s.": (
        "Versi %(v)s akan mulai berbeda pada peristiwa %(k)s."
    ),
    "Version %(v)s would have behaved the same for every event.": (
        "Versi %(v)s akan berperilaku sama untuk setiap peristiwa."
    ),
    "No other version of this process is deployed.": "Belum ada versi lain dari proses ini.",
    "Export": "Ekspor",
    "Download the signed history (JSON)": "Unduh riwayat bertanda tangan (JSON)",
    "Another machine checks it without the database: ltsa audit verify --file FILE.": (
        "Komputer lain memeriksanya tanpa basis data: ltsa audit verify --file BERKAS."
    ),
    "Journal": "Jurnal",
    # API
    "HTTP API": "API HTTP",
    "The OpenAPI document:": "Dokumen OpenAPI:",
    'Send "Authorization: Bearer TOKEN" (see "ltsa token NAME") or use this session.': (
        'Kirim "Authorization: Bearer TOKEN" (lihat "ltsa token NAMA") atau gunakan sesi ini.'
    ),
    # the auditor across cases and the access record (issue 19)
    "Access record": "Catatan akses",
    "Address": "Alamat",
    "Audit across cases": "Audit lintas kasus",
    "Cases found": "Kasus ditemukan",
    "Check it offline with": "Periksa tanpa basis data dengan",
    "Document": "Dokumen",
    "Event kind": "Jenis peristiwa",
    "From": "Dari",
    "Job": "Pekerjaan",
    "Migrated": "Dimigrasikan",
    "No reads recorded.": "Belum ada akses yang tercatat.",
    "Not intact": "Tidak utuh",
    "Officer": "Petugas",
    "Progress": "Kemajuan",
    "Random sample of": "Sampel acak sebanyak",
    "Reason": "Alasan",
    "Rule in the rejection reason": "Aturan dalam alasan penolakan",
    "Sample of %(n)s from %(m)s cases, seed %(seed)s": (
        "Sampel %(n)s dari %(m)s kasus, seed %(seed)s"
    ),
    "Seed": "Seed",
    "Signed report": "Laporan bertanda tangan",
    "Specific personal data is shown only to those the process declares.": (
        "Data pribadi spesifik hanya ditampilkan kepada yang ditetapkan oleh proses."
    ),
    "To": "Sampai",
    "User": "Pengguna",
    "Verification": "Verifikasi",
    "Verify every case": "Verifikasi semua kasus",
    "Verify these cases": "Verifikasi kasus-kasus ini",
    "What": "Apa",
    "When": "Kapan",
    "no": "tidak",
    "yes": "ya",
    "running": "berjalan",
    "failed": "gagal",
    "kepala": "kepala kantor",
    "case_page": "halaman kasus",
    "task_form": "formulir tugas",
    "api_case": "API: kasus",
    "api_task": "API: tugas",
    "api_history": "API: riwayat",
    "document": "unduh dokumen",
    "export": "ekspor",
    "replay": "audit/putar ulang",
    "subject_export": "ekspor untuk subjek data",
    "subject_self": "dilihat oleh subjek data",
}
