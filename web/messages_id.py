"""Indonesian texts of the pages, by their English original (see `web.i18n`).

A test checks that every text the templates and views translate is here.

Over 400 lines: one flat table, an entry per text the interface shows.
"""

from __future__ import annotations

__all__ = ["DYNAMIC", "MESSAGES_ID"]

#: Texts translated from values (roles, statuses, event kinds, HTTP errors).
DYNAMIC = (
    "admin", "designer", "officer", "auditor", "kepala",
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
    "kepala": "kepala kantor",
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
    "This account is locked after 5 wrong passwords. Try again at %(time)s.": (
        "Akun ini terkunci setelah 5 kali kata sandi salah. Coba lagi pukul %(time)s."
    ),
    "Too many wrong passwords from this address. Try again at %(time)s.": (
        "Terlalu banyak kata sandi salah dari alamat ini. Coba lagi pukul %(time)s."
    ),
    "Wrong user name or password (5 failures lock the account for 15 minutes).": (
        "Nama pengguna atau kata sandi salah (5 kali gagal mengunci akun selama 15 menit)."
    ),
    # dashboard
    "national": "nasional",
    "national (officers and heads of office: the default office)": (
        "nasional (petugas dan kepala kantor: kantor bawaan)"
    ),
    # moving a user to another office (admin)
    "Release claimed tasks": "Lepaskan tugas yang diklaim",
    "task %(id)s of case %(case)s (%(title)s)": "tugas %(id)s pada kasus %(case)s (%(title)s)",
    "%(name)s holds claimed tasks: %(tasks)s. Give them back, or tick “Release claimed tasks”.": (
        "%(name)s masih memegang tugas yang diklaim: %(tasks)s. "
        "Kembalikan dulu ke loketnya, atau centang “Lepaskan tugas yang diklaim”."
    ),
    "Dashboard": "Dasbor",
    "Office": "Kantor",
    "All offices (compare)": "Semua kantor (bandingkan)",
    "From": "Dari",
    "To": "Sampai",
    "Offices compared": "Perbandingan kantor",
    "Waiting now": "Menunggu sekarang",
    "Longest wait now": "Tunggu terlama sekarang",
    "Tasks done in the period": "Tugas selesai dalam periode",
    "Median wait": "Median waktu tunggu",
    "SLA breaches": "Pelanggaran SLA",
    "Completed": "Selesai",
    "Rejected": "Ditolak",
    "Withdrawn": "Mundur",
    "Queue at each desk now": "Antrean di setiap loket sekarang",
    "Oldest applicant waiting": "Pemohon yang menunggu paling lama",
    "Waiting since": "Menunggu sejak",
    "90% within": "90% dalam",
    "No tasks yet.": "Belum ada tugas.",
    "Deadlines that passed in the period: the embassy verification (14 days) and complaint "
    "reminders and escalations.": (
        "Tenggat yang terlewati dalam periode: verifikasi perwakilan RI (14 hari) "
        "serta pengingat dan eskalasi pengaduan."
    ),
    "Deadline": "Tenggat",
    "Breaches": "Pelanggaran",
    "None in this period.": "Tidak ada dalam periode ini.",
    "Cases per week": "Kasus per minggu",
    "Cases per week (the same numbers are in the table)": (
        "Kasus per minggu (angka yang sama ada di tabel)"
    ),
    "Week of": "Minggu mulai",
    "No cases in this period.": "Tidak ada kasus dalam periode ini.",
    "Where cases wait longest": "Di mana kasus menunggu paling lama",
    "short wait": "tunggu singkat",
    "long wait": "tunggu lama",
    "median per task in the period": "median per tugas dalam periode",
    "Process diagram coloured by waiting time": "Diagram proses diwarnai menurut waktu tunggu",
    "Zoom": "Perbesaran",
    "Zoom in": "Perbesar",
    "Zoom out": "Perkecil",
    "Path and waiting": "Jalur dan yang menunggu",
    "Whole diagram": "Seluruh diagram",
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
    # designer: decision tables, scenario tests, coverage
    "Decision tables": "Tabel keputusan",
    "Table": "Tabel",
    "Test scenarios": "Uji skenario",
    "Deploy without tests": "Pasang tanpa uji",
    "Deploy even if scenarios fail; the version records who skipped the tests": (
        "Pasang walau skenario gagal; versi mencatat siapa yang melewati uji"
    ),
    "All scenarios passed": "Semua skenario lulus",
    "Scenarios failed": "Skenario gagal",
    "Scenarios failed: nothing was deployed": "Skenario gagal: tidak ada yang dipasang",
    "Deployed without tests (recorded on the version)": (
        "Terpasang tanpa uji (dicatat pada versi)"
    ),
    "Working…": "Sedang diproses…",
    "Scenario results": "Hasil uji skenario",
    "No scenario file was found for these processes.": (
        "Tidak ada berkas skenario untuk proses ini."
    ),
    "%(passed)s of %(total)s scenarios passed.": "%(passed)s dari %(total)s skenario lulus.",
    "Scenario": "Skenario",
    "Result": "Hasil",
    "Filled with examples": "Diisi dengan contoh",
    "passed": "lulus",
    "failed": "gagal",
    "%(count)s fields": "%(count)s isian",
    "Coverage": "Cakupan",
    "Flow nodes reached: %(percent)s%%": "Elemen alur tercapai: %(percent)s%%",
    "Sequence flows taken: %(percent)s%%": "Alur urutan dilalui: %(percent)s%%",
    "Not reached by any scenario (%(count)s)": "Tidak tercapai oleh skenario mana pun (%(count)s)",
    "sequence flow": "alur urutan",
    "Coverage of %(key)s on its diagram": "Cakupan %(key)s pada diagramnya",
    "reached": "tercapai",
    "not reached": "tidak tercapai",
    "Tested: nothing was stored.": "Diuji: tidak ada yang disimpan.",
    (
        "A scenario failed; nothing was deployed. To deploy anyway, choose the files again "
        'and press "Deploy without tests" (the version records the skip).'
    ): (
        "Ada skenario yang gagal; tidak ada yang dipasang. Untuk tetap memasang, pilih berkas "
        'lagi dan tekan "Pasang tanpa uji" (versi mencatat bahwa uji dilewati).'
    ),
    "A scenario failed; nothing was deployed.": "Ada skenario yang gagal; tidak ada yang dipasang.",
    "This draft is kept for a day for you alone: no need to choose the files again.": (
        "Draf ini disimpan sehari hanya untuk Anda: berkas tidak perlu dipilih lagi."
    ),
    "Test scenarios again": "Uji skenario lagi",
    "Show coverage on the diagram": "Tampilkan cakupan pada diagram",
    "deployed without tests by %(who)s, %(when)s": "dipasang tanpa uji oleh %(who)s, %(when)s",
    "Processes no scenario reaches: %(keys)s": "Proses yang tidak dicapai skenario: %(keys)s",
    "Scenario files (.yaml) may be added; without them the stored scenarios run.": (
        "Berkas skenario (.yaml) boleh disertakan; tanpa itu skenario yang tersimpan dijalankan."
    ),
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
    # migration of running cases (web/migrations.py)
    "Impact on running cases": "Dampak pada kasus berjalan",
    "Active cases on other versions": "Kasus aktif pada versi lain",
    "Compare with version": "Bandingkan dengan versi",
    "Done: %(n)s case(s) migrated.": "Selesai: %(n)s kasus dipindahkan.",
    "Each case is replayed on the new version: same = it would have run identically so far "
    "and may move; diverges = the first event where it would not, and why; cannot = it waits "
    "at an element the new version lacks.": (
        "Setiap kasus diputar ulang pada versi baru: sama = sejauh ini akan berjalan persis sama "
        "dan boleh dipindahkan; berbeda = peristiwa pertama yang akan berbeda, beserta alasannya; "
        "tidak bisa = kasus menunggu di elemen yang tidak ada di versi baru."
    ),
    "Mapping": "Pemetaan",
    'Migrate every "same" case': 'Pindahkan semua kasus "sama"',
    "Migration": "Pemindahan",
    "Move": "Pindahkan",
    "Outcome": "Hasil",
    "Preview": "Pratinjau",
    "Reason": "Alasan",
    "The request failed.": "Permintaan gagal.",
    "Waits at": "Menunggu di",
    "added": "ditambahkan",
    "all": "semua",
    "cannot": "tidak bisa",
    "changed": "diubah",
    "diverges": "berbeda",
    "migrated": "dipindahkan",
    "removed": "dihapus",
    "same": "sama",
    "v%(old)s and v%(new)s side by side": "v%(old)s dan v%(new)s berdampingan",
    "Moved from version %(a)s to version %(b)s": "Dipindahkan dari versi %(a)s ke versi %(b)s",
    "proof": "bukti",
    "mapping": "pemetaan",
    # the auditor across cases and the access record (issue 19)
    "Access record": "Catatan akses",
    "Address": "Alamat",
    "Audit across cases": "Audit lintas kasus",
    "Cases found": "Kasus ditemukan",
    "Check it offline with": "Periksa tanpa basis data dengan",
    "Document": "Dokumen",
    "Event kind": "Jenis peristiwa",
    "Job": "Pekerjaan",
    "Migrated": "Dimigrasikan",
    "No reads recorded.": "Belum ada akses yang tercatat.",
    "Not intact": "Tidak utuh",
    "Officer": "Petugas",
    "Progress": "Kemajuan",
    "Random sample of": "Sampel acak sebanyak",
    "Rule in the rejection reason": "Aturan dalam alasan penolakan",
    "Sample of %(n)s from %(m)s cases, seed %(seed)s": (
        "Sampel %(n)s dari %(m)s kasus, seed %(seed)s"
    ),
    "Seed": "Seed",
    "Signed report": "Laporan bertanda tangan",
    "Specific personal data is shown only to those the process declares.": (
        "Data pribadi spesifik hanya ditampilkan kepada yang ditetapkan oleh proses."
    ),
    "User": "Pengguna",
    "Verification": "Verifikasi",
    "Verify every case": "Verifikasi semua kasus",
    "Verify these cases": "Verifikasi kasus-kasus ini",
    "What": "Apa",
    "When": "Kapan",
    "no": "tidak",
    "yes": "ya",
    "running": "berjalan",
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

# The public pages and printouts keep their texts in their own module.
from web.messages_public_id import PUBLIC_MESSAGES_ID  # noqa: E402

for _text, _translated in PUBLIC_MESSAGES_ID.items():
    MESSAGES_ID.setdefault(_text, _translated)
