"""Generate the LTSA BPMN/DMN files (with diagram interchange) in processes/.

The files in processes/ are the source of truth once generated: designers
edit them in Camunda Modeler. This script only produced the first version
and can regenerate it: `.venv/bin/python tests/processes/generate_processes.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parents[2] / "processes"

NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
)

ACCEPT = "application/pdf,image/jpeg,image/png"
MAX_BYTES = str(5 * 1024 * 1024)

LANE_NAMES = {
    "disnaker": "Dinas Ketenagakerjaan (Disnaker)",
    "dukcapil": "Dukcapil",
    "dinkes": "Dinas Kesehatan (Dinkes)",
    "imigrasi": "Kantor Imigrasi",
    "polri": "Polri (SKCK)",
    "bpjs": "BPJS Ketenagakerjaan",
    "bank": "Bank",
    "p3mi": "P3MI (Perusahaan Penempatan)",
    "bp2mi": "BP2MI",
}

SIZES = {
    "task": (100, 80),
    "gateway": (50, 50),
    "event": (36, 36),
}

COL_W = 150
LANE_HEADER = 30
ROW_H = 110
ROW0 = 60


# --------------------------------------------------------------------------- forms
def f(
    fid,
    label,
    ftype="string",
    *,
    required=False,
    readonly=False,
    values=None,
    props=None,
    **constraints,
):
    return dict(
        id=fid,
        label=label,
        type=ftype,
        required=required,
        readonly=readonly,
        values=values or [],
        props=props or {},
        constraints=constraints,
    )


def file_field(fid, label, *, required=False, visible_if=None, label_en=None, help_=None):
    props = {"accept": ACCEPT, "max_bytes": MAX_BYTES}
    if visible_if:
        props["visible_if"] = visible_if
    if label_en:
        props["label_en"] = label_en
    if help_:
        props["help"] = help_
    return f(fid, label, "file", required=required, props=props)


def form_xml(fields, indent="        "):
    out = [f"{indent}<camunda:formData>"]
    for fl in fields:
        out.append(
            f'{indent}  <camunda:formField id="{fl["id"]}" label={quoteattr(fl["label"])} '
            f'type="{fl["type"]}">'
        )
        props = fl["props"]
        if props:
            out.append(f"{indent}    <camunda:properties>")
            for k, v in props.items():
                out.append(f'{indent}      <camunda:property id="{k}" value={quoteattr(v)} />')
            out.append(f"{indent}    </camunda:properties>")
        cons = []
        if fl["required"]:
            cons.append('<camunda:constraint name="required" />')
        if fl["readonly"]:
            cons.append('<camunda:constraint name="readonly" />')
        for k, v in fl["constraints"].items():
            cons.append(f'<camunda:constraint name="{k}" config="{v}" />')
        if cons:
            out.append(f"{indent}    <camunda:validation>")
            for c in cons:
                out.append(f"{indent}      {c}")
            out.append(f"{indent}    </camunda:validation>")
        for vid, vname in fl["values"]:
            out.append(f'{indent}    <camunda:value id="{vid}" name={quoteattr(vname)} />')
        out.append(f"{indent}  </camunda:formField>")
    out.append(f"{indent}</camunda:formData>")
    return "\n".join(out)


# --------------------------------------------------------------------------- model
@dataclass
class Node:
    id: str
    kind: str  # BPMN element tag: userTask, exclusiveGateway, boundaryEvent, subProcess, ...
    name: str
    lane: str
    col: float
    row: float = 0
    form: list | None = None
    script: str | None = None
    decision: str | None = None
    called: str | None = None
    terminate: bool = False
    message: str | None = None
    timer: str | None = None
    attached_to: str | None = None
    cancel: bool = True
    default: str | None = None
    doc: str | None = None
    parent: str | None = None  # embedded subprocess id
    width_cols: int = 1
    height_rows: int = 1
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = 0


@dataclass
class Flow:
    id: str
    src: str
    tgt: str
    name: str | None = None
    cond: str | None = None
    waypoints: list | None = None
    route: str = "auto"  # auto, below, above


@dataclass
class Process:
    id: str
    name: str
    lanes: list
    lane_rows: dict
    nodes: list = field(default_factory=list)
    flows: list = field(default_factory=list)
    messages: dict = field(default_factory=dict)
    doc: str = ""

    def node(self, *a, **k):
        n = Node(*a, **k)
        self.nodes.append(n)
        return n

    def flow(self, src, tgt, name=None, cond=None, fid=None, **k):
        fid = fid or f"flow_{src}__{tgt}"
        fl = Flow(fid, src, tgt, name, cond, **k)
        self.flows.append(fl)
        return fl


def kind_size(kind):
    if kind in ("startEvent", "endEvent", "intermediateCatchEvent", "boundaryEvent"):
        return SIZES["event"]
    if kind.endswith("Gateway"):
        return SIZES["gateway"]
    return SIZES["task"]


def layout(p: Process, x0=160, y0=80):
    lane_top = {}
    y = y0
    for lane in p.lanes:
        lane_top[lane] = y
        y += ROW0 + ROW_H * (p.lane_rows.get(lane, 2) - 1) + 70
    total_h = y - y0
    by_id = {n.id: n for n in p.nodes}
    max_col = 0
    for n in p.nodes:
        if n.kind == "boundaryEvent":
            continue
        w, h = kind_size(n.kind)
        if n.kind == "subProcess":
            w = COL_W * n.width_cols - 30
            h = ROW_H * n.height_rows - 20
            n.w, n.h = w, h
            n.x = x0 + LANE_HEADER + 20 + n.col * COL_W
            n.y = lane_top[n.lane] + ROW0 - 50 + n.row * ROW_H
        else:
            cx = x0 + LANE_HEADER + 20 + n.col * COL_W + 50
            cy = lane_top[n.lane] + ROW0 + n.row * ROW_H
            n.w, n.h = w, h
            n.x, n.y = cx - w / 2, cy - h / 2
        max_col = max(max_col, n.col + n.width_cols)
    for n in p.nodes:
        if n.kind == "boundaryEvent":
            host = by_id[n.attached_to]
            n.w, n.h = SIZES["event"]
            n.x = host.x + host.w - 60
            n.y = host.y + host.h - 18
    total_w = LANE_HEADER + 20 + max_col * COL_W + 60
    return lane_top, total_h, total_w


def cx(n):
    return n.x + n.w / 2


def cy(n):
    return n.y + n.h / 2


def route(p, fl, by_id):
    if fl.waypoints:
        return fl.waypoints
    s, t = by_id[fl.src], by_id[fl.tgt]
    if s.kind == "boundaryEvent":
        return (
            [(cx(s), s.y + s.h), (cx(s), cy(t)), (t.x, cy(t))]
            if t.x > cx(s)
            else [(cx(s), s.y + s.h), (cx(s), t.y)]
        )
    if fl.route == "below" or (fl.route == "auto" and cx(t) < cx(s) - 5):
        ybot = max(s.y + s.h, t.y + t.h) + 15
        return [(cx(s), s.y + s.h), (cx(s), ybot), (cx(t), ybot), (cx(t), t.y + t.h)]
    if fl.route == "above":
        ytop = min(s.y, t.y) - 15
        return [(cx(s), s.y), (cx(s), ytop), (cx(t), ytop), (cx(t), t.y)]
    if abs(cy(s) - cy(t)) < 1:
        return [(s.x + s.w, cy(s)), (t.x, cy(t))]
    if abs(cx(s) - cx(t)) < 1:
        if cy(t) > cy(s):
            return [(cx(s), s.y + s.h), (cx(t), t.y)]
        return [(cx(s), s.y), (cx(t), t.y + t.h)]
    # leave the source vertically, enter the target from the left
    if cy(t) > cy(s):
        return [(cx(s), s.y + s.h), (cx(s), cy(t)), (t.x, cy(t))]
    return [(cx(s), s.y), (cx(s), cy(t)), (t.x, cy(t))]


def node_xml(p, n, flows_in, flows_out, ind):
    a = f'{ind}<bpmn:{n.kind} id="{n.id}" name={quoteattr(n.name)}'
    inner = []
    if n.kind == "userTask":
        a += f' camunda:formKey="{n.id}"'
    if n.kind == "businessRuleTask":
        a += f' camunda:decisionRef="{n.decision}"'
    if n.kind == "callActivity":
        a += f' calledElement="{n.called}"'
    if n.kind == "scriptTask":
        a += ' scriptFormat="python"'
    if n.kind == "boundaryEvent":
        a += f' attachedToRef="{n.attached_to}"'
        if not n.cancel:
            a += ' cancelActivity="false"'
    if n.kind == "subProcess":
        pass
    if n.default:
        a += f' default="{n.default}"'
    a += ">"
    if n.doc:
        inner.append(f"{ind}  <bpmn:documentation>{escape(n.doc)}</bpmn:documentation>")
    if n.form is not None:
        inner.append(f"{ind}  <bpmn:extensionElements>")
        inner.append(form_xml(n.form, ind + "    "))
        inner.append(f"{ind}  </bpmn:extensionElements>")
    for fl in flows_in:
        inner.append(f"{ind}  <bpmn:incoming>{fl.id}</bpmn:incoming>")
    for fl in flows_out:
        inner.append(f"{ind}  <bpmn:outgoing>{fl.id}</bpmn:outgoing>")
    if n.message:
        inner.append(
            f'{ind}  <bpmn:messageEventDefinition id="{n.id}_def" messageRef="msg_{n.message}" />'
        )
    if n.timer:
        inner.append(f'{ind}  <bpmn:timerEventDefinition id="{n.id}_def">')
        inner.append(
            f'{ind}    <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">'
            f"{escape(n.timer)}</bpmn:timeDuration>"
        )
        inner.append(f"{ind}  </bpmn:timerEventDefinition>")
    if n.terminate:
        inner.append(f'{ind}  <bpmn:terminateEventDefinition id="{n.id}_def" />')
    if n.script is not None:
        inner.append(f"{ind}  <bpmn:script>{escape(n.script)}</bpmn:script>")
    if n.kind == "subProcess":
        children = [c for c in p.nodes if c.parent == n.id]
        inner.extend(elements_xml(p, children, ind + "  "))
    return a + "\n" + "\n".join(inner) + f"\n{ind}</bpmn:{n.kind}>"


def elements_xml(p, nodes, ind):
    ids = {n.id for n in nodes}
    out = []
    for n in nodes:
        fin = [fl for fl in p.flows if fl.tgt == n.id]
        fout = [fl for fl in p.flows if fl.src == n.id]
        out.append(node_xml(p, n, fin, fout, ind))
    for fl in p.flows:
        if fl.src in ids:
            a = f'{ind}<bpmn:sequenceFlow id="{fl.id}" sourceRef="{fl.src}" targetRef="{fl.tgt}"'
            if fl.name:
                a += f" name={quoteattr(fl.name)}"
            if fl.cond:
                a += (
                    f'>\n{ind}  <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
                    f"{escape(fl.cond)}</bpmn:conditionExpression>\n{ind}</bpmn:sequenceFlow>"
                )
            else:
                a += " />"
            out.append(a)
    return out


def process_xml(p: Process):
    lane_top, total_h, total_w = layout(p)
    by_id = {n.id: n for n in p.nodes}
    x0, y0 = 160, 80
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<bpmn:definitions {NS} id="defs_{p.id}" '
        'targetNamespace="http://ltsa.go.id/bpmn" exporter="ltsa-generator" '
        'exporterVersion="1.0">',
    ]
    out.append(f'  <bpmn:collaboration id="collab_{p.id}">')
    out.append(
        f'    <bpmn:participant id="pool_{p.id}" name={quoteattr(p.name)} processRef="{p.id}" />'
    )
    out.append("  </bpmn:collaboration>")
    for mname in p.messages:
        out.append(f'  <bpmn:message id="msg_{mname}" name="{mname}" />')
    out.append(f'  <bpmn:process id="{p.id}" name={quoteattr(p.name)} isExecutable="true">')
    if p.doc:
        out.append(f"    <bpmn:documentation>{escape(p.doc)}</bpmn:documentation>")
    out.append(f'    <bpmn:laneSet id="laneset_{p.id}">')
    for lane in p.lanes:
        out.append(f'      <bpmn:lane id="{lane}" name={quoteattr(LANE_NAMES[lane])}>')
        for n in p.nodes:
            if n.lane == lane and n.parent is None:
                out.append(f"        <bpmn:flowNodeRef>{n.id}</bpmn:flowNodeRef>")
        out.append("      </bpmn:lane>")
    out.append("    </bpmn:laneSet>")
    top = [n for n in p.nodes if n.parent is None]
    out.extend(elements_xml(p, top, "    "))
    out.append("  </bpmn:process>")
    # ---- DI
    out.append(f'  <bpmndi:BPMNDiagram id="diagram_{p.id}">')
    out.append(f'    <bpmndi:BPMNPlane id="plane_{p.id}" bpmnElement="collab_{p.id}">')
    out.append(
        f'      <bpmndi:BPMNShape id="pool_{p.id}_di" bpmnElement="pool_{p.id}" '
        'isHorizontal="true">'
    )
    out.append(f'        <dc:Bounds x="{x0}" y="{y0}" width="{total_w}" height="{total_h}" />')
    out.append("      </bpmndi:BPMNShape>")
    for lane in p.lanes:
        h = ROW0 + ROW_H * (p.lane_rows.get(lane, 2) - 1) + 70
        out.append(
            f'      <bpmndi:BPMNShape id="{lane}_di" bpmnElement="{lane}" isHorizontal="true">'
        )
        out.append(
            f'        <dc:Bounds x="{x0 + LANE_HEADER}" y="{lane_top[lane]}" '
            f'width="{total_w - LANE_HEADER}" height="{h}" />'
        )
        out.append("      </bpmndi:BPMNShape>")
    for n in p.nodes:
        extra = ' isExpanded="true"' if n.kind == "subProcess" else ""
        if n.kind.endswith("Gateway"):
            extra = ' isMarkerVisible="true"' if n.kind == "exclusiveGateway" else ""
        out.append(f'      <bpmndi:BPMNShape id="{n.id}_di" bpmnElement="{n.id}"{extra}>')
        out.append(
            f'        <dc:Bounds x="{n.x:.0f}" y="{n.y:.0f}" width="{n.w:.0f}" '
            f'height="{n.h:.0f}" />'
        )
        if n.kind in (
            "startEvent",
            "endEvent",
            "intermediateCatchEvent",
            "boundaryEvent",
        ) or n.kind.endswith("Gateway"):
            out.append("        <bpmndi:BPMNLabel>")
            out.append(
                f'          <dc:Bounds x="{n.x - 30:.0f}" y="{n.y + n.h + 4:.0f}" '
                f'width="{n.w + 60:.0f}" height="27" />'
            )
            out.append("        </bpmndi:BPMNLabel>")
        out.append("      </bpmndi:BPMNShape>")
    for fl in p.flows:
        out.append(f'      <bpmndi:BPMNEdge id="{fl.id}_di" bpmnElement="{fl.id}">')
        for wx, wy in route(p, fl, by_id):
            out.append(f'        <di:waypoint x="{wx:.0f}" y="{wy:.0f}" />')
        out.append("      </bpmndi:BPMNEdge>")
    out.append("    </bpmndi:BPMNPlane>")
    out.append("  </bpmndi:BPMNDiagram>")
    out.append("</bpmn:definitions>")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- enums
MARITAL = [
    ("belum_kawin", "Belum kawin"),
    ("kawin", "Kawin"),
    ("cerai_hidup", "Cerai hidup"),
    ("cerai_mati", "Cerai mati"),
]
PARENTS = [
    ("both", "Keduanya masih hidup"),
    ("one", "Salah satu masih hidup"),
    ("none", "Keduanya sudah meninggal"),
]
SECTOR = [("formal", "Formal"), ("domestic", "Domestik (pekerja rumah tangga)")]
SEX = [("L", "Laki-laki"), ("P", "Perempuan")]
ACK = [
    ("kepala_desa", "Kepala desa (termasuk kuwu, wali nagari, perbekel, geuchik)"),
    ("lurah", "Lurah"),
    ("camat", "Camat"),
    ("rt_rw", "Ketua RT/RW"),
    ("notaris", "Notaris"),
    ("lainnya", "Lainnya"),
]
HEALTH = [("fit", "Sehat (fit)"), ("unfit", "Tidak sehat (unfit)")]
EKTP = [("sesuai", "Data e-KTP sesuai"), ("perlu_koreksi", "Perlu koreksi data kependudukan")]
FINANCING = [
    ("tabungan", "Tabungan sendiri"),
    ("kur", "Kredit KUR penempatan"),
    ("ditanggung_pemberi_kerja", "Ditanggung pemberi kerja"),
]


def ro(fid, label, ftype="string"):
    return f(fid, label, ftype, readonly=True)


IDENTITY_RO = [
    ro("nik", "NIK"),
    ro("full_name", "Nama lengkap"),
    ro("birth_place", "Tempat lahir"),
    ro("birth_date", "Tanggal lahir", "date"),
    ro("sex", "Jenis kelamin"),
]


def identity_fields():
    return [
        f(
            "nik",
            "NIK",
            required=True,
            minlength=16,
            maxlength=16,
            props={
                "format": "nik",
                "pattern": "^[0-9]{16}$",
                "label_en": "National identity number",
                "help": "16 digit sesuai e-KTP",
            },
        ),
        f(
            "full_name",
            "Nama lengkap",
            required=True,
            maxlength=100,
            props={"label_en": "Full name"},
        ),
        f("birth_place", "Tempat lahir", required=True, props={"label_en": "Place of birth"}),
        f(
            "birth_date",
            "Tanggal lahir",
            "date",
            required=True,
            props={"label_en": "Date of birth"},
        ),
        f("sex", "Jenis kelamin", "enum", required=True, values=SEX, props={"label_en": "Sex"}),
    ]


def health_fields():
    return [
        ro("health_unfit_count", "Jumlah hasil tidak sehat sebelumnya", "long"),
        f("health_facility", "Sarana kesehatan (sarkes)", props={"label_en": "Health facility"}),
        f(
            "health_exam_date",
            "Tanggal pemeriksaan",
            "date",
            required=True,
            props={"label_en": "Examination date"},
        ),
        f(
            "health_result",
            "Hasil pemeriksaan kesehatan dan psikologi",
            "enum",
            required=True,
            values=HEALTH,
            props={"label_en": "Health result"},
        ),
        file_field(
            "health_certificate",
            "Sertifikat kesehatan",
            visible_if="health_result == 'fit'",
            label_en="Health certificate",
        ),
    ]


def document_fields():
    return [
        file_field(
            "marital_status_letter",
            "Surat keterangan status perkawinan",
            label_en="Marital status certificate",
        ),
        file_field(
            "divorce_certificate",
            "Akta cerai dari pengadilan",
            visible_if="marital_status == 'cerai_hidup'",
            label_en="Divorce certificate",
            help_="R6: tanpa akta cerai, pemohon dianggap masih kawin",
        ),
        file_field(
            "marriage_book_copy",
            "Fotokopi buku nikah",
            label_en="Marriage book copy",
            help_="Wajib bagi pemohon berstatus kawin",
        ),
        file_field(
            "spouse_consent",
            "Surat izin suami/istri",
            label_en="Spouse consent",
            help_="Wajib bagi pemohon berstatus kawin",
        ),
        file_field(
            "parent_consent",
            "Surat izin orang tua",
            label_en="Parent consent",
            help_="Cukup dari salah satu orang tua yang masih hidup",
        ),
        file_field(
            "guardian_consent",
            "Surat izin wali",
            label_en="Guardian consent",
            visible_if="parents_alive == 'none'",
        ),
        f(
            "consent_acknowledged_by",
            "Surat izin diketahui oleh",
            "enum",
            values=ACK,
            props={
                "label_en": "Consent acknowledged by",
                "help": "R5: hanya kepala desa atau lurah yang sah",
            },
        ),
    ]


# --------------------------------------------------------------------------- main process
def placement() -> Process:
    p = Process(
        "ltsa_placement",
        "Penempatan PMI melalui LTSA",
        ["disnaker", "dukcapil", "dinkes", "imigrasi", "polri", "bpjs", "bank", "p3mi", "bp2mi"],
        {"p3mi": 2, "dukcapil": 2, "disnaker": 2, "dinkes": 2},
        messages={"job_order_verified": True},
        doc="Layanan Terpadu Satu Atap: pendaftaran CPMI sampai pemberangkatan (UU 18/2017).",
    )
    n, fl = p.node, p.flow
    # registration
    n("start", "startEvent", "Pencari kerja datang ke LTSA", "disnaker", 0)
    n(
        "registrasi",
        "userTask",
        "Pendaftaran CPMI",
        "disnaker",
        1,
        form=[
            *identity_fields(),
            f("address_village", "Desa/kelurahan", required=True),
            f("address_district", "Kabupaten/kota", required=True),
            f("address_province", "Provinsi", required=True),
            f("phone", "Nomor telepon", props={"format": "phone", "label_en": "Phone"}),
            f(
                "marital_status",
                "Status perkawinan",
                "enum",
                required=True,
                values=MARITAL,
                props={"label_en": "Marital status"},
            ),
            f(
                "parents_alive",
                "Orang tua yang masih hidup",
                "enum",
                required=True,
                values=PARENTS,
                props={"label_en": "Living parents"},
            ),
            f(
                "destination_country",
                "Negara tujuan",
                required=True,
                minlength=2,
                maxlength=2,
                props={
                    "format": "country",
                    "label_en": "Destination country",
                    "help": "Kode negara ISO 3166-1 alpha-2, mis. SG, MY, HK, TW",
                },
            ),
            f(
                "sector",
                "Sektor pekerjaan",
                "enum",
                required=True,
                values=SECTOR,
                props={"label_en": "Sector"},
            ),
        ],
    )
    n(
        "catat_pendaftaran",
        "scriptTask",
        "Catat tanggal pendaftaran",
        "disnaker",
        2,
        script="registration_date = str(today())",
    )
    n(
        "cek_kelayakan",
        "businessRuleTask",
        "Cek kelayakan (R1-R3, R14)",
        "disnaker",
        3,
        decision="eligibility",
    )
    n("gw_layak", "exclusiveGateway", "Memenuhi syarat?", "disnaker", 4)
    n("end_ditolak_kelayakan", "endEvent", "Ditolak", "disnaker", 4, row=1)
    n(
        "persyaratan",
        "callActivity",
        "Pemeriksaan persyaratan dokumen",
        "disnaker",
        5,
        called="pre_departure_requirements",
    )
    n(
        "cetak_ak1",
        "userTask",
        "Cetak kartu AK.1",
        "disnaker",
        6,
        form=[
            ro("nik", "NIK"),
            ro("full_name", "Nama lengkap"),
            f("ak1_number", "Nomor kartu AK.1", required=True),
            f("ak1_issued", "Tanggal terbit AK.1", "date", required=True),
        ],
    )
    fl("start", "registrasi")
    fl("registrasi", "catat_pendaftaran")
    fl("catat_pendaftaran", "cek_kelayakan")
    fl("cek_kelayakan", "gw_layak")
    fl("gw_layak", "end_ditolak_kelayakan", "Tidak", "not eligible")
    fl("gw_layak", "persyaratan", "Ya", "eligible")
    fl("persyaratan", "cetak_ak1")
    # parallel desk work
    n("gw_split", "parallelGateway", "Layanan paralel", "disnaker", 7)
    n("gw_join", "parallelGateway", "Semua layanan selesai", "disnaker", 13)
    fl("cetak_ak1", "gw_split")
    n(
        "verifikasi_ektp",
        "userTask",
        "Verifikasi e-KTP dan data kependudukan",
        "dukcapil",
        10,
        form=[
            *IDENTITY_RO,
            ro("address_village", "Desa/kelurahan"),
            f("ektp_result", "Hasil verifikasi", "enum", required=True, values=EKTP),
            f("ektp_note", "Catatan verifikasi"),
        ],
    )
    fl("gw_split", "verifikasi_ektp")
    fl("verifikasi_ektp", "gw_join")
    n(
        "init_kesehatan",
        "scriptTask",
        "Mulai hitungan pemeriksaan",
        "dinkes",
        8,
        script="health_unfit_count = 0",
    )
    n("gw_kes_merge", "exclusiveGateway", "", "dinkes", 9)
    n(
        "pemeriksaan_kesehatan",
        "userTask",
        "Pemeriksaan kesehatan dan psikologi",
        "dinkes",
        10,
        form=health_fields(),
    )
    n(
        "keputusan_kesehatan",
        "businessRuleTask",
        "Keputusan hasil kesehatan (R8)",
        "dinkes",
        11,
        decision="health_retake",
    )
    n("gw_kes", "exclusiveGateway", "Hasil?", "dinkes", 12, default="flow_gw_kes__gw_join")
    n(
        "end_ditolak_kesehatan",
        "endEvent",
        "Ditolak (kesehatan)",
        "dinkes",
        12,
        row=1,
        terminate=True,
    )
    fl("gw_split", "init_kesehatan")
    fl("init_kesehatan", "gw_kes_merge")
    fl("gw_kes_merge", "pemeriksaan_kesehatan")
    fl("pemeriksaan_kesehatan", "keputusan_kesehatan")
    fl("keputusan_kesehatan", "gw_kes")
    fl("gw_kes", "gw_kes_merge", "Periksa ulang", "health_action == 'retake'")
    fl("gw_kes", "end_ditolak_kesehatan", "Tidak sehat dua kali", "health_action == 'reject'")
    fl("gw_kes", "gw_join", "Sehat")
    n(
        "penerbitan_paspor",
        "userTask",
        "Permohonan dan penerbitan paspor",
        "imigrasi",
        10,
        form=[
            ro("nik", "NIK"),
            ro("full_name", "Nama lengkap"),
            f(
                "passport_number",
                "Nomor paspor",
                required=True,
                props={"pattern": "^[A-Z]{1,2}[0-9]{6,7}$", "label_en": "Passport number"},
            ),
            f(
                "passport_expiry",
                "Berlaku sampai",
                "date",
                required=True,
                props={"label_en": "Passport expiry"},
            ),
        ],
    )
    fl("gw_split", "penerbitan_paspor")
    fl("penerbitan_paspor", "gw_join")
    n(
        "penerbitan_skck",
        "userTask",
        "Penerbitan SKCK",
        "polri",
        10,
        form=[
            ro("nik", "NIK"),
            ro("full_name", "Nama lengkap"),
            f("skck_number", "Nomor SKCK", required=True),
            f("skck_issued", "Tanggal terbit SKCK", "date", required=True),
        ],
    )
    fl("gw_split", "penerbitan_skck")
    fl("penerbitan_skck", "gw_join")
    n(
        "kepesertaan_bpjs",
        "userTask",
        "Pendaftaran BPJS Ketenagakerjaan",
        "bpjs",
        10,
        form=[
            ro("nik", "NIK"),
            ro("full_name", "Nama lengkap"),
            f("bpjs_number", "Nomor kepesertaan BPJS", required=True),
        ],
    )
    n(
        "pembayaran_bpjs",
        "userTask",
        "Pembayaran iuran BPJS dan biaya paspor",
        "bank",
        11,
        form=[
            ro("bpjs_number", "Nomor kepesertaan BPJS"),
            f("bpjs_paid", "Iuran sudah dibayar", "boolean", required=True),
            f("payment_reference", "Nomor bukti pembayaran", required=True),
        ],
    )
    fl("gw_split", "kepesertaan_bpjs")
    fl("kepesertaan_bpjs", "pembayaran_bpjs")
    fl("pembayaran_bpjs", "gw_join")
    # identity correction after the parallel work (R14 re-checked)
    n(
        "gw_perlu_koreksi",
        "exclusiveGateway",
        "Perlu koreksi identitas?",
        "dukcapil",
        14,
        default="flow_gw_perlu_koreksi__gw_lanjut",
    )
    n("gw_koreksi_merge", "exclusiveGateway", "", "dukcapil", 15, row=1)
    n(
        "koreksi_identitas",
        "userTask",
        "Koreksi data identitas",
        "dukcapil",
        16,
        row=1,
        form=[
            ro("ektp_note", "Catatan verifikasi"),
            *identity_fields(),
            f("correction_note", "Dasar koreksi", required=True),
        ],
    )
    n(
        "verifikasi_ektp_ulang",
        "userTask",
        "Verifikasi ulang e-KTP",
        "dukcapil",
        17,
        row=1,
        form=[
            *IDENTITY_RO,
            ro("correction_note", "Dasar koreksi"),
            f("ektp_result", "Hasil verifikasi", "enum", required=True, values=EKTP),
            f("ektp_note", "Catatan verifikasi"),
        ],
    )
    n(
        "gw_ektp_ulang",
        "exclusiveGateway",
        "Data sesuai?",
        "dukcapil",
        18,
        row=1,
        default="flow_gw_ektp_ulang__cek_kelayakan_ulang",
    )
    n(
        "cek_kelayakan_ulang",
        "businessRuleTask",
        "Cek ulang kelayakan",
        "dukcapil",
        19,
        row=1,
        decision="eligibility",
    )
    n(
        "gw_layak_ulang",
        "exclusiveGateway",
        "Memenuhi syarat?",
        "dukcapil",
        20,
        row=1,
        default="flow_gw_layak_ulang__gw_lanjut",
    )
    n("end_ditolak_identitas", "endEvent", "Ditolak", "dukcapil", 21, row=1, terminate=True)
    n("gw_lanjut", "exclusiveGateway", "", "dukcapil", 21)
    fl("gw_join", "gw_perlu_koreksi")
    fl("gw_perlu_koreksi", "gw_koreksi_merge", "Ya", "ektp_result == 'perlu_koreksi'")
    fl("gw_perlu_koreksi", "gw_lanjut", "Tidak")
    fl("gw_koreksi_merge", "koreksi_identitas")
    fl("koreksi_identitas", "verifikasi_ektp_ulang")
    fl("verifikasi_ektp_ulang", "gw_ektp_ulang")
    fl("gw_ektp_ulang", "gw_koreksi_merge", "Perlu koreksi", "ektp_result == 'perlu_koreksi'")
    fl("gw_ektp_ulang", "cek_kelayakan_ulang", "Sesuai")
    fl("cek_kelayakan_ulang", "gw_layak_ulang")
    fl("gw_layak_ulang", "end_ditolak_identitas", "Tidak", "not eligible")
    fl("gw_layak_ulang", "gw_lanjut", "Ya")
    # interview, competence, matching (p3mi)
    n(
        "wawancara_pp",
        "userTask",
        "Wawancara dan Perjanjian Penempatan",
        "p3mi",
        22,
        form=[
            ro("full_name", "Nama lengkap"),
            ro("destination_country", "Negara tujuan"),
            f("p3mi_id", "P3MI", required=True, props={"label_en": "Placement company"}),
            f("interview_date", "Tanggal wawancara", "date", required=True),
            f(
                "placement_agreement_signed",
                "Perjanjian Penempatan ditandatangani",
                "boolean",
                required=True,
            ),
        ],
    )
    n("gw_komp_merge", "exclusiveGateway", "", "p3mi", 23)
    n(
        "uji_kompetensi",
        "userTask",
        "Uji kompetensi (LSP)",
        "p3mi",
        24,
        form=[
            ro("full_name", "Nama lengkap"),
            f("competence_test_date", "Tanggal uji kompetensi", "date", required=True),
            f("competence_passed", "Lulus uji kompetensi", "boolean", required=True),
            file_field(
                "competence_certificate", "Sertifikat kompetensi", label_en="Competence certificate"
            ),
        ],
    )
    n(
        "gw_komp",
        "exclusiveGateway",
        "Lulus?",
        "p3mi",
        25,
        default="flow_gw_komp__pencocokan_job_order",
    )
    n(
        "pelatihan",
        "userTask",
        "Pelatihan kerja (BLKLN)",
        "p3mi",
        25,
        row=1,
        form=[
            f("training_institution", "Lembaga pelatihan", required=True),
            f("training_completed", "Pelatihan selesai", "boolean", required=True),
        ],
    )
    n(
        "pencocokan_job_order",
        "userTask",
        "Pencocokan dengan job order",
        "p3mi",
        26,
        form=[
            ro("p3mi_id", "P3MI"),
            ro("destination_country", "Negara tujuan"),
            f("job_order_id", "Nomor job order", required=True),
            f("employer_name", "Nama pemberi kerja"),
            f("position", "Jabatan"),
        ],
    )
    n(
        "tunggu_verifikasi",
        "subProcess",
        "Menunggu verifikasi job order oleh KBRI/KJRI",
        "p3mi",
        27,
        width_cols=3,
    )
    n("start_tunggu", "startEvent", "", "p3mi", 27, parent="tunggu_verifikasi")
    n(
        "catch_job_order",
        "intermediateCatchEvent",
        "Job order terverifikasi",
        "p3mi",
        28,
        parent="tunggu_verifikasi",
        message="job_order_verified",
    )
    n("end_tunggu", "endEvent", "", "p3mi", 29, parent="tunggu_verifikasi")
    n(
        "sla_verifikasi",
        "boundaryEvent",
        "SLA 14 hari",
        "p3mi",
        29,
        attached_to="tunggu_verifikasi",
        cancel=False,
        timer='"P14D"',
    )
    n(
        "pengingat_sla",
        "userTask",
        "Tindak lanjut SLA verifikasi job order",
        "p3mi",
        30,
        row=1,
        form=[
            ro("job_order_id", "Nomor job order"),
            f("sla_follow_up", "Tindak lanjut ke KBRI/KJRI", required=True),
            f("sla_escalated", "Dieskalasi ke BP2MI", "boolean"),
        ],
    )
    n("end_pengingat", "endEvent", "Pengingat ditindaklanjuti", "p3mi", 31, row=1)
    fl("gw_lanjut", "wawancara_pp")
    fl("wawancara_pp", "gw_komp_merge")
    fl("gw_komp_merge", "uji_kompetensi")
    fl("uji_kompetensi", "gw_komp")
    fl("gw_komp", "pelatihan", "Tidak lulus", "not competence_passed")
    fl("gw_komp", "pencocokan_job_order", "Lulus")
    fl("pelatihan", "gw_komp_merge", route="below")
    fl("pencocokan_job_order", "tunggu_verifikasi")
    fl("start_tunggu", "catch_job_order")
    fl("catch_job_order", "end_tunggu")
    fl("sla_verifikasi", "pengingat_sla")
    fl("pengingat_sla", "end_pengingat")
    # savings, contract, visa, briefing
    n(
        "tabungan_kur",
        "userTask",
        "Tabungan atau kredit KUR biaya penempatan",
        "bank",
        30,
        form=[
            ro("full_name", "Nama lengkap"),
            f(
                "placement_financing",
                "Pembiayaan penempatan",
                "enum",
                required=True,
                values=FINANCING,
            ),
            f("bank_account_number", "Nomor rekening"),
        ],
    )
    n(
        "perjanjian_kerja",
        "userTask",
        "Penandatanganan Perjanjian Kerja",
        "p3mi",
        31,
        form=[
            ro("job_order_id", "Nomor job order"),
            f("work_contract_signed", "Perjanjian Kerja ditandatangani", "boolean", required=True),
        ],
    )
    n(
        "proses_visa",
        "userTask",
        "Pengurusan visa kerja",
        "p3mi",
        32,
        form=[
            ro("passport_number", "Nomor paspor"),
            f("visa_number", "Nomor visa kerja", required=True),
        ],
    )
    n(
        "opp",
        "userTask",
        "Orientasi Pra Pemberangkatan (OPP)",
        "bp2mi",
        33,
        form=[
            ro("full_name", "Nama lengkap"),
            f("opp_date", "Tanggal OPP", "date", required=True),
            f("pap_completed", "OPP selesai diikuti", "boolean", required=True),
        ],
    )
    fl("tunggu_verifikasi", "tabungan_kur")
    fl("tabungan_kur", "perjanjian_kerja")
    fl("perjanjian_kerja", "proses_visa")
    fl("proses_visa", "opp")
    # final verification (R9-R12) with send-backs
    n("gw_verif_merge", "exclusiveGateway", "", "disnaker", 34)
    n(
        "verifikasi_akhir",
        "userTask",
        "Verifikasi akhir dokumen",
        "disnaker",
        35,
        form=[
            ro("full_name", "Nama lengkap"),
            ro("health_exam_date", "Tanggal pemeriksaan kesehatan", "date"),
            ro("skck_issued", "Tanggal terbit SKCK", "date"),
            ro("passport_expiry", "Paspor berlaku sampai", "date"),
            ro("ak1_issued", "Tanggal terbit AK.1", "date"),
            ro("visa_number", "Nomor visa kerja"),
            f("documents_checked", "Dokumen asli telah diperiksa", "boolean", required=True),
            f("final_check_note", "Catatan verifikasi akhir"),
        ],
    )
    n(
        "cek_masa_berlaku",
        "businessRuleTask",
        "Cek masa berlaku dokumen (R9-R12)",
        "disnaker",
        36,
        decision="document_validity",
    )
    n(
        "gw_berlaku",
        "exclusiveGateway",
        "Semua dokumen berlaku?",
        "disnaker",
        37,
        default="flow_gw_berlaku__penerbitan_skpln",
    )
    n(
        "perpanjang_ak1",
        "userTask",
        "Perpanjangan kartu AK.1",
        "disnaker",
        38,
        row=1,
        form=[
            ro("validity_issue", "Alasan dikembalikan"),
            f("ak1_number", "Nomor kartu AK.1", required=True),
            f("ak1_issued", "Tanggal terbit AK.1", "date", required=True),
        ],
    )
    n("gw_kes2_merge", "exclusiveGateway", "", "dinkes", 38)
    n(
        "pemeriksaan_kesehatan_ulang",
        "userTask",
        "Pemeriksaan kesehatan baru",
        "dinkes",
        39,
        form=[ro("validity_issue", "Alasan dikembalikan"), *health_fields()],
    )
    n(
        "keputusan_kesehatan_ulang",
        "businessRuleTask",
        "Keputusan hasil kesehatan (R8)",
        "dinkes",
        40,
        decision="health_retake",
    )
    n("gw_kes2", "exclusiveGateway", "Hasil?", "dinkes", 41, default="flow_gw_kes2__gw_verif_merge")
    n(
        "end_ditolak_kesehatan_2",
        "endEvent",
        "Ditolak (kesehatan)",
        "dinkes",
        41,
        row=1,
        terminate=True,
    )
    n(
        "penggantian_paspor",
        "userTask",
        "Penggantian paspor",
        "imigrasi",
        39,
        form=[
            ro("validity_issue", "Alasan dikembalikan"),
            f(
                "passport_number",
                "Nomor paspor",
                required=True,
                props={"pattern": "^[A-Z]{1,2}[0-9]{6,7}$"},
            ),
            f("passport_expiry", "Berlaku sampai", "date", required=True),
        ],
    )
    n(
        "skck_baru",
        "userTask",
        "Penerbitan SKCK baru",
        "polri",
        39,
        form=[
            ro("validity_issue", "Alasan dikembalikan"),
            f("skck_number", "Nomor SKCK", required=True),
            f("skck_issued", "Tanggal terbit SKCK", "date", required=True),
        ],
    )
    fl("opp", "gw_verif_merge")
    fl("gw_verif_merge", "verifikasi_akhir")
    fl("verifikasi_akhir", "cek_masa_berlaku")
    fl("cek_masa_berlaku", "gw_berlaku")
    fl("gw_berlaku", "gw_kes2_merge", "R9 kedaluwarsa", "validity_action == 'dinkes'")
    fl("gw_berlaku", "skck_baru", "R10 kedaluwarsa", "validity_action == 'polri'")
    fl(
        "gw_berlaku",
        "penggantian_paspor",
        "R11 kurang dari 30 bulan",
        "validity_action == 'imigrasi'",
    )
    fl("gw_berlaku", "perpanjang_ak1", "R12 kedaluwarsa", "validity_action == 'disnaker'")
    fl("gw_berlaku", "penerbitan_skpln", "Semua berlaku")
    fl("gw_kes2_merge", "pemeriksaan_kesehatan_ulang")
    fl("pemeriksaan_kesehatan_ulang", "keputusan_kesehatan_ulang")
    fl("keputusan_kesehatan_ulang", "gw_kes2")
    fl("gw_kes2", "gw_kes2_merge", "Periksa ulang", "health_action == 'retake'", route="below")
    fl("gw_kes2", "end_ditolak_kesehatan_2", "Tidak sehat dua kali", "health_action == 'reject'")
    fl("gw_kes2", "gw_verif_merge", "Sehat", route="above")
    fl("penggantian_paspor", "gw_verif_merge", route="above")
    fl("skck_baru", "gw_verif_merge", route="above")
    fl("perpanjang_ak1", "gw_verif_merge", route="below")
    # SKPLN last (R17), handover, departure
    n(
        "penerbitan_skpln",
        "userTask",
        "Penerbitan SKPLN",
        "dukcapil",
        42,
        form=[
            *IDENTITY_RO,
            ro("destination_country", "Negara tujuan"),
            f("skpln_number", "Nomor SKPLN", required=True),
        ],
    )
    n(
        "serah_terima",
        "userTask",
        "Serah terima CPMI kepada P3MI",
        "disnaker",
        43,
        form=[
            ro("full_name", "Nama lengkap"),
            ro("p3mi_id", "P3MI"),
            f("handover_date", "Tanggal serah terima", "date", required=True),
        ],
    )
    n(
        "pemberangkatan",
        "userTask",
        "Pemberangkatan",
        "bp2mi",
        44,
        form=[
            ro("full_name", "Nama lengkap"),
            ro("visa_number", "Nomor visa kerja"),
            f("epmi_card_number", "Nomor kartu E-PMI", required=True),
            f("departure_date", "Tanggal keberangkatan", "date", required=True),
        ],
    )
    n("end_berangkat", "endEvent", "Berangkat", "bp2mi", 45)
    fl("penerbitan_skpln", "serah_terima")
    fl("serah_terima", "pemberangkatan")
    fl("pemberangkatan", "end_berangkat")
    return p


MISSING_SCRIPT = """missing_documents = []
if not marital_status_letter:
    missing_documents.append("Surat keterangan status perkawinan")
if marriage_book_required and not marriage_book_copy:
    missing_documents.append("Fotokopi buku nikah")
if required_consent == "spouse" and not spouse_consent:
    if marital_status == "cerai_hidup":
        missing_documents.append(
            "Surat izin suami/istri (R6: tanpa akta cerai pengadilan, pemohon masih kawin)")
    else:
        missing_documents.append("Surat izin suami/istri")
if (required_consent == "parent" or parent_consent_also_required) and not parent_consent:
    missing_documents.append("Surat izin orang tua")
if required_consent == "guardian" and not guardian_consent:
    missing_documents.append("Surat izin wali")
if not consent_acknowledged:
    missing_documents.append(consent_refusal_reason)
missing_documents_text = "; ".join(missing_documents)
requirements_complete = len(missing_documents) == 0"""

INIT_DOCS = """marital_status_letter = None
divorce_certificate = None
marriage_book_copy = None
spouse_consent = None
parent_consent = None
guardian_consent = None
consent_acknowledged_by = None
missing_documents = []
missing_documents_text = ""
consent_refusal_reason = ''"""


def requirements() -> Process:
    p = Process(
        "pre_departure_requirements",
        "Persyaratan dokumen CPMI",
        ["disnaker"],
        {"disnaker": 2},
        doc="UU 18/2017 pasal 5 dan 13: status perkawinan, izin suami/istri, orang tua atau wali "
        "yang diketahui kepala desa/lurah (R4-R7).",
    )
    n, fl = p.node, p.flow
    n("start_persyaratan", "startEvent", "Mulai pemeriksaan persyaratan", "disnaker", 0)
    n("init_dokumen", "scriptTask", "Siapkan daftar dokumen", "disnaker", 1, script=INIT_DOCS)
    n(
        "periksa_dokumen",
        "userTask",
        "Penerimaan dokumen persyaratan",
        "disnaker",
        2,
        form=[
            ro("full_name", "Nama lengkap"),
            ro("marital_status", "Status perkawinan"),
            ro("parents_alive", "Orang tua yang masih hidup"),
            *document_fields(),
        ],
    )
    n("gw_cek_merge", "exclusiveGateway", "", "disnaker", 3)
    n(
        "tentukan_persetujuan",
        "businessRuleTask",
        "Tentukan surat izin yang wajib (R4, R6)",
        "disnaker",
        4,
        decision="required_consent",
    )
    n(
        "cek_pengakuan",
        "businessRuleTask",
        "Cek pengesahan surat izin (R5)",
        "disnaker",
        5,
        decision="consent_acknowledgement",
    )
    n(
        "susun_kekurangan",
        "scriptTask",
        "Susun daftar kekurangan dokumen",
        "disnaker",
        6,
        script=MISSING_SCRIPT,
    )
    n("gw_lengkap", "exclusiveGateway", "Dokumen lengkap?", "disnaker", 7)
    n("end_lengkap", "endEvent", "Persyaratan lengkap", "disnaker", 8)
    n(
        "lengkapi_dokumen",
        "userTask",
        "Lengkapi dokumen yang kurang",
        "disnaker",
        7,
        row=1,
        form=[
            ro("missing_documents_text", "Dokumen yang masih kurang"),
            ro("consent_refusal_reason", "Alasan surat izin ditolak"),
            ro("marital_status", "Status perkawinan"),
            ro("parents_alive", "Orang tua yang masih hidup"),
            *document_fields(),
        ],
    )
    fl("start_persyaratan", "init_dokumen")
    fl("init_dokumen", "periksa_dokumen")
    fl("periksa_dokumen", "gw_cek_merge")
    fl("gw_cek_merge", "tentukan_persetujuan")
    fl("tentukan_persetujuan", "cek_pengakuan")
    fl("cek_pengakuan", "susun_kekurangan")
    fl("susun_kekurangan", "gw_lengkap")
    fl("gw_lengkap", "end_lengkap", "Ya", "requirements_complete")
    fl(
        "gw_lengkap",
        "lengkapi_dokumen",
        "Tidak (R7: kembali ke pemohon)",
        "not requirements_complete",
    )
    fl("lengkapi_dokumen", "gw_cek_merge", route="below")
    return p


# --------------------------------------------------------------------------- DMN
DMN_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def dmn(decision_id, name, hit, inputs, outputs, rules, doc=""):
    """inputs: (label, expression, typeRef); outputs: (name, label, typeRef);
    rules: (input entries, output entries, description)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<definitions xmlns="{DMN_NS}" '
        'xmlns:camunda="http://camunda.org/schema/1.0/dmn" '
        f'id="defs_{decision_id}" name={quoteattr(name)} namespace="http://ltsa.go.id/dmn">',
        f'  <decision id="{decision_id}" name={quoteattr(name)}>',
    ]
    if doc:
        out.append(f"    <description>{escape(doc)}</description>")
    out.append(f'    <decisionTable id="{decision_id}_table" hitPolicy="{hit}">')
    for i, (label, expr, tref) in enumerate(inputs, 1):
        out.append(f'      <input id="{decision_id}_in{i}" label={quoteattr(label)}>')
        out.append(f'        <inputExpression id="{decision_id}_in{i}_expr" typeRef="{tref}">')
        out.append(f"          <text>{escape(expr)}</text>")
        out.append("        </inputExpression>")
        out.append("      </input>")
    for i, (oname, label, tref) in enumerate(outputs, 1):
        out.append(
            f'      <output id="{decision_id}_out{i}" label={quoteattr(label)} '
            f'name="{oname}" typeRef="{tref}" />'
        )
    for r, (ins, outs, desc) in enumerate(rules, 1):
        out.append(f'      <rule id="{decision_id}_r{r}">')
        if desc:
            out.append(f"        <description>{escape(desc)}</description>")
        for i, e in enumerate(ins, 1):
            out.append(f'        <inputEntry id="{decision_id}_r{r}_i{i}">')
            out.append(f"          <text>{escape(e)}</text>")
            out.append("        </inputEntry>")
        for i, e in enumerate(outs, 1):
            out.append(f'        <outputEntry id="{decision_id}_r{r}_o{i}">')
            out.append(f"          <text>{escape(e)}</text>")
            out.append("        </outputEntry>")
        out.append("      </rule>")
    out.append("    </decisionTable>")
    out.append("  </decision>")
    out.append("</definitions>")
    return "\n".join(out) + "\n"


BANNED = [
    ("DZ", "Aljazair"),
    ("SA", "Arab Saudi"),
    ("BH", "Bahrain"),
    ("IQ", "Irak"),
    ("IR", "Iran"),
    ("KW", "Kuwait"),
    ("LB", "Lebanon"),
    ("LY", "Libya"),
    ("MA", "Maroko"),
    ("MR", "Mauritania"),
    ("EG", "Mesir"),
    ("OM", "Oman"),
    ("PK", "Pakistan"),
    ("PS", "Palestina"),
    ("QA", "Qatar"),
    ("SS", "Sudan Selatan"),
    ("SY", "Suriah"),
    ("TN", "Tunisia"),
    ("AE", "Uni Emirat Arab"),
    ("YE", "Yaman"),
    ("JO", "Yordania"),
]

NIK_EXPR = (
    "len(nik) == 16 and int(nik[6:8]) == int(birth_date[8:10]) + "
    "(40 if sex == 'P' else 0) and nik[8:10] == birth_date[5:7] "
    "and nik[10:12] == birth_date[2:4]"
)


def eligibility_dmn():
    rules = [
        (
            ["False", "-", "-", "-"],
            [
                "False",
                '"R14: NIK tidak sesuai dengan tanggal lahir atau jenis kelamin '
                '(indikasi pemalsuan data)"',
            ],
            "R14 NIK digit 7-12 = DDMMYY, DD + 40 untuk perempuan",
        ),
        (
            ["-", "< 18", "-", "-"],
            ["False", '"R1: usia di bawah 18 tahun pada tanggal pendaftaran"'],
            "R1 UU 18/2017 pasal 5(a): minimal 18 tahun",
        ),
    ]
    for code, cname in BANNED:
        rules.append(
            (
                ["-", "-", '"domestic"', f'"{code}"'],
                [
                    "False",
                    f'"R3: penempatan sektor domestik ke {cname} ({code}) dilarang '
                    f'(Kepmenaker 260/2015)"',
                ],
                f"R3 Kepmenaker 260/2015: {cname}",
            )
        )
    rules += [
        (
            ["-", "< 23", '"domestic"', '"SG"'],
            ["False", '"R2: usia di bawah 23 tahun untuk sektor domestik di Singapura"'],
            "R2 Singapura (MOM): pekerja rumah tangga minimal 23 tahun",
        ),
        (
            ["-", ">= 50", '"domestic"', '"SG"'],
            ["False", '"R2: usia 50 tahun atau lebih untuk sektor domestik di Singapura"'],
            "R2 Singapura (MOM): pekerja rumah tangga di bawah 50 tahun",
        ),
        (["-", "-", "-", "-"], ["True", '""'], "Memenuhi syarat"),
    ]
    return dmn(
        "eligibility",
        "Kelayakan CPMI",
        "FIRST",
        [
            ("NIK sesuai tanggal lahir dan jenis kelamin", NIK_EXPR, "boolean"),
            (
                "Usia pada tanggal pendaftaran",
                "years_between(birth_date, registration_date)",
                "integer",
            ),
            ("Sektor", "sector", "string"),
            ("Negara tujuan", "destination_country", "string"),
        ],
        [
            ("eligible", "Memenuhi syarat", "boolean"),
            ("rejection_reason", "Alasan penolakan", "string"),
        ],
        rules,
        doc="R1, R2, R3, R14. Baris pertama yang cocok berlaku (FIRST).",
    )


def required_consent_dmn():
    return dmn(
        "required_consent",
        "Surat izin yang wajib",
        "FIRST",
        [
            ("Status perkawinan", "marital_status", "string"),
            ("Orang tua yang masih hidup", "parents_alive", "string"),
            ("Ada akta cerai pengadilan", "bool(divorce_certificate)", "boolean"),
        ],
        [
            ("required_consent", "Surat izin dari", "string"),
            ("marriage_book_required", "Buku nikah wajib", "boolean"),
            ("parent_consent_also_required", "Izin orang tua juga wajib", "boolean"),
        ],
        [
            (['"kawin"', "-", "-"], ['"spouse"', "True", "False"], "R4 kawin: izin suami/istri"),
            (
                ['"cerai_hidup"', "-", "False"],
                ['"spouse"', "True", "False"],
                "R6 cerai hidup tanpa akta cerai pengadilan: masih kawin",
            ),
            (
                ["-", '"none"', "-"],
                ['"guardian"', "False", "False"],
                "R4 kedua orang tua meninggal: izin wali",
            ),
            (
                ["-", "-", "-"],
                ['"parent"', "False", "False"],
                "R4 belum kawin, cerai hidup, cerai mati: izin orang tua",
            ),
        ],
        doc="R4/R6. Daerah yang juga meminta izin orang tua bagi yang kawin: ubah kolom "
        "'Izin orang tua juga wajib' pada baris pertama menjadi True.",
    )


def consent_ack_dmn():
    return dmn(
        "consent_acknowledgement",
        "Pengesahan surat izin",
        "FIRST",
        [
            ("Surat izin diketahui oleh", "consent_acknowledged_by", "string"),
        ],
        [
            ("consent_acknowledged", "Surat izin sah", "boolean"),
            ("consent_refusal_reason", "Alasan ditolak", "string"),
        ],
        [
            (['"kepala_desa"'], ["True", '""'], "R5 kepala desa (atau sebutan lokalnya)"),
            (['"lurah"'], ["True", '""'], "R5 lurah"),
            (
                ["None"],
                ["False", '"R5: surat izin belum diketahui kepala desa atau lurah"'],
                "belum diisi",
            ),
            (
                ["-"],
                [
                    "False",
                    '"R5: surat izin hanya sah bila diketahui kepala desa atau lurah; '
                    'pengesahan oleh " + str(consent_acknowledged_by) + " ditolak"',
                ],
                "camat, RT/RW, notaris dan lainnya tidak berwenang",
            ),
        ],
        doc="R5 UU 18/2017 pasal 13(b).",
    )


def document_validity_dmn():
    return dmn(
        "document_validity",
        "Masa berlaku dokumen",
        "FIRST",
        [
            ("Tanggal pemeriksaan kesehatan", "health_exam_date", "string"),
            ("Tanggal terbit SKCK", "skck_issued", "string"),
            ("Paspor berlaku sampai", "passport_expiry", "string"),
            ("Tanggal terbit AK.1", "ak1_issued", "string"),
        ],
        [("validity_action", "Dikembalikan ke", "string"), ("validity_issue", "Masalah", "string")],
        [
            (
                ["<= str(add_months(today(), -3))", "-", "-", "-"],
                [
                    '"dinkes"',
                    '"R9: sertifikat kesehatan kedaluwarsa (berlaku 3 bulan sejak pemeriksaan)"',
                ],
                "R9 Perpres 64/2011 pasal 14(5)",
            ),
            (
                ["-", "<= str(add_months(today(), -6))", "-", "-"],
                ['"polri"', '"R10: SKCK kedaluwarsa (berlaku 6 bulan sejak terbit)"'],
                "R10 Perpol 6/2023 pasal 17",
            ),
            (
                ["-", "-", "< str(add_months(today(), 30))", "-"],
                ['"imigrasi"', '"R11: masa berlaku paspor kurang dari 30 bulan"'],
                "R11 kontrak 24 bulan + 6 bulan",
            ),
            (
                ["-", "-", "-", "<= str(add_months(today(), -24))"],
                ['"disnaker"', '"R12: kartu AK.1 kedaluwarsa (berlaku 2 tahun)"'],
                "R12",
            ),
            (["-", "-", "-", "-"], ['"ok"', '""'], "Semua dokumen berlaku"),
        ],
        doc="R9-R12 pada verifikasi akhir; tanggal ISO dibandingkan dengan today().",
    )


def health_dmn():
    return dmn(
        "health_retake",
        "Keputusan hasil kesehatan",
        "FIRST",
        [
            ("Hasil pemeriksaan", "health_result", "string"),
            ("Jumlah hasil tidak sehat sebelumnya", "health_unfit_count", "integer"),
        ],
        [
            ("health_action", "Tindakan", "string"),
            ("health_unfit_count", "Jumlah hasil tidak sehat", "integer"),
            ("rejection_reason", "Alasan penolakan", "string"),
        ],
        [
            (['"fit"', "-"], ['"fit"', "health_unfit_count", '""'], "Sehat"),
            (
                ['"unfit"', "< 1"],
                ['"retake"', "health_unfit_count + 1", '""'],
                "R8: satu kali pengobatan dan pemeriksaan ulang",
            ),
            (
                ['"unfit"', "-"],
                [
                    '"reject"',
                    "health_unfit_count + 1",
                    '"R8: hasil pemeriksaan kesehatan tidak sehat (unfit) untuk kedua kalinya"',
                ],
                "R8: tidak sehat kedua kali ditolak",
            ),
        ],
        doc="R8 Perpres 64/2011 pasal 14(1). Ubah '< 1' untuk mengizinkan lebih banyak "
        "pemeriksaan ulang.",
    )


def main():
    ROOT.mkdir(exist_ok=True)
    (ROOT / "ltsa_placement.bpmn").write_text(process_xml(placement()), encoding="utf-8")
    (ROOT / "pre_departure_requirements.bpmn").write_text(
        process_xml(requirements()), encoding="utf-8"
    )
    (ROOT / "eligibility.dmn").write_text(eligibility_dmn(), encoding="utf-8")
    (ROOT / "required_consent.dmn").write_text(required_consent_dmn(), encoding="utf-8")
    (ROOT / "consent_acknowledgement.dmn").write_text(consent_ack_dmn(), encoding="utf-8")
    (ROOT / "document_validity.dmn").write_text(document_validity_dmn(), encoding="utf-8")
    (ROOT / "health_retake.dmn").write_text(health_dmn(), encoding="utf-8")


if __name__ == "__main__":
    main()
