"""Hostile XML: every BPMN/DMN file in `xml_corpus/` is refused at deployment, harmlessly.

The files try XXE (a local secret, /etc/passwd), external DTDs over http and file, parameter
entities, billion laughs, quadratic blowup, XInclude, odd encodings and byte order marks,
processing instructions and files that are not BPMN at all. Huge, deep and crowded files are
generated here rather than stored. For each one: `deploy` raises DeploymentFailed naming the
file (and the line, where there is one), no stored version changes, nothing hangs, and the
secret the payloads point at never shows up in an error, a stored definition or case data.

`@@SECRET_PATH@@` in a corpus file is replaced by the path of a secret written under the
test's temporary directory, in the file's own encoding.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from engine import Actor, DeploymentFailed, Engine, ManualClock, SourceFile

HERE = Path(__file__).parent
CORPUS = HERE / "xml_corpus"
FILES = sorted(path.name for path in CORPUS.iterdir() if path.suffix in (".bpmn", ".dmn"))
TEST_BPMN = HERE.parent / "engine" / "bpmn"
PLACEHOLDER = "@@SECRET_PATH@@"
SECRET = "LTSA-SECRET-7f3a9c-do-not-leak"
PASSWD_LINE = "root:x:0:"
OFFICER = Actor("ani", "officer", ("disnaker", "dukcapil", "dinkes", "p3mi"))

# Expected diagnostic code per corpus file. None: the hostile construct is inert (a processing
# instruction is stripped, a byte order mark wins over the declaration) and the file deploys.
EXPECTED: dict[str, str | None] = {
    "billion_laughs.bpmn": "LTSA-D002",
    "billion_laughs.dmn": "LTSA-D002",
    "bom_utf16_body_utf8.bpmn": "LTSA-D003",
    "bom_utf8_declared_utf16.bpmn": None,
    "bom_utf8_then_doctype.bpmn": "LTSA-D002",
    "dmn_entity_in_rule.dmn": "LTSA-D002",
    "dtd_external_file.bpmn": "LTSA-D002",
    "dtd_external_http.bpmn": "LTSA-D002",
    "entity_declaration_without_doctype.bpmn": "LTSA-D002",
    "invalid_utf8_bytes.bpmn": "LTSA-D003",
    "not_bpmn_xhtml.bpmn": "LTSA-D003",
    "not_xml_zip.bpmn": "LTSA-D003",
    "parameter_entity_internal.dmn": "LTSA-D002",
    "parameter_entity_out_of_band.bpmn": "LTSA-D002",
    "pi_before_declaration.bpmn": "LTSA-D003",
    "pi_php_in_process.bpmn": None,
    "pi_reserved_xml_target.bpmn": "LTSA-D003",
    "pi_xml_stylesheet.bpmn": None,
    "quadratic_blowup.bpmn": "LTSA-D002",
    "unknown_encoding.bpmn": "LTSA-D003",
    # refused, but by the parser's amplification limit, not by the DOCTYPE rule
    "utf16_billion_laughs.bpmn": "LTSA-D003",
    # a DOCTYPE re-encoded past the byte scan is refused after parsing
    "utf16_dmn_external_dtd.dmn": "LTSA-D002",
    "utf16_doctype_xxe.bpmn": "LTSA-D002",
    "utf7_doctype_xxe.bpmn": "LTSA-D002",
    # XInclude is never processed: the condition is empty, the process is missing
    "xinclude_remote_process.bpmn": "LTSA-D009",
    "xinclude_secret_in_condition.bpmn": "LTSA-D005",
    "xxe_etc_passwd.bpmn": "LTSA-D002",
    "xxe_public_identifier.bpmn": "LTSA-D002",
    "xxe_secret_in_condition.bpmn": "LTSA-D002",
}
# Codes whose error points into the file; size and "no process" errors have no line.
HAS_LINE = {"LTSA-D002", "LTSA-D003", "LTSA-D004", "LTSA-D005"}

pytestmark = pytest.mark.usefixtures("no_hang")


@pytest.fixture(scope="module")
def secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("secrets") / "secret.txt"
    path.write_text(SECRET + "\n")
    return path


@pytest.fixture(scope="module")
def eng(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One engine for the module, with the test processes deployed: refusals must not touch it."""
    tmp = tmp_path_factory.mktemp("xml_hardening")
    engine = Engine(
        database_url=f"sqlite:///{tmp / 'ltsa.db'}",
        data_dir=tmp / "data",
        clock=ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC)),
    )
    engine.init_db()
    engine.deploy([TEST_BPMN], actor="designer")
    yield engine
    engine.close()


def corpus_file(name: str, secret: Path) -> SourceFile:
    """A corpus file with the placeholder replaced in UTF-8/ASCII and in UTF-16 form."""
    content = (CORPUS / name).read_bytes()
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        content = content.replace(PLACEHOLDER.encode(encoding), str(secret).encode(encoding))
    return SourceFile(name, content)


def versions(eng: Engine) -> list[tuple[str, int, str]]:
    return [(v.key, v.version, v.content_hash) for v in eng.processes()]


def leaked(text: str) -> bool:
    return SECRET in text or PASSWD_LINE in text


def stored_definitions_text(eng: Engine) -> str:
    """Every stored definition file, decoded every way a leak could be written."""
    parts = []
    for version in eng.processes():
        for source in eng.version_files(version.key, version.version):
            for encoding in ("utf-8", "utf-16", "utf-7"):
                parts.append(source.content.decode(encoding, errors="replace"))
    return "\n".join(parts)


def deploy_refused(eng: Engine, sources: SourceFile | list[SourceFile]) -> DeploymentFailed:
    before = versions(eng)
    with pytest.raises(DeploymentFailed) as refused:
        eng.deploy(sources if isinstance(sources, list) else [sources], actor="designer")
    assert versions(eng) == before, "a refused deployment changed the stored versions"
    return refused.value


def check_refusal(refused: DeploymentFailed, name: str, code: str) -> None:
    assert refused.errors, "a refusal without a single error"
    assert {error.file for error in refused.errors} == {name}
    assert code in {error.code for error in refused.errors}, str(refused)
    for error in refused.errors:
        if error.code in HAS_LINE:
            assert isinstance(error.line, int) and error.line >= 1, str(error)
    assert not leaked(str(refused))
    assert not any(leaked(repr(error.to_dict())) for error in refused.errors)


def test_corpus_has_an_expectation_for_every_file_and_forty_files_with_the_sandbox_corpus() -> None:
    assert set(FILES) == set(EXPECTED)
    assert len(FILES) >= 12
    assert any(name.endswith(".dmn") for name in FILES)
    sandbox_files = [p for p in (HERE / "corpus").iterdir() if p.suffix in (".bpmn", ".dmn")]
    assert len(FILES) + len(sandbox_files) >= 40


REFUSED = [
    pytest.param(
        name,
        id=name,
    )
    for name in FILES
    if EXPECTED[name] is not None
]


@pytest.mark.parametrize("name", REFUSED)
def test_hostile_file_is_refused_naming_file_and_line(name: str, eng: Engine, secret: Path) -> None:
    code = EXPECTED[name]
    assert code is not None
    source = corpus_file(name, secret)
    refused = deploy_refused(eng, source)
    check_refusal(refused, name, code)
    with pytest.raises(DeploymentFailed) as validated:
        eng.validate([source])
    assert validated.value.errors == refused.errors


@pytest.mark.parametrize("name", [name for name in FILES if EXPECTED[name] is None])
def test_inert_construct_deploys_and_runs_without_effect(
    name: str, eng: Engine, secret: Path
) -> None:
    source = corpus_file(name, secret)
    deployed = eng.deploy([source], actor="designer")
    assert [d.key for d in deployed] == ["hostile"]
    case = eng.start("hostile", {"x": 1}, OFFICER)
    assert eng.get_case(case.id).status == "completed"
    assert not Path(f"{secret}.pwned").exists()


@pytest.mark.parametrize("name", FILES)
def test_secret_never_reaches_errors_definitions_or_case_data(
    name: str, eng: Engine, secret: Path
) -> None:
    seen: list[str] = []
    try:
        deployed = eng.deploy([corpus_file(name, secret)], actor="designer")
    except DeploymentFailed as refused:
        seen.append(str(refused))
        deployed = []
    for process in deployed:
        case = eng.start(process.key, {"x": 1}, OFFICER)
        seen.append(repr(eng.get_case(case.id).data))
        seen.extend(repr(event) for event in eng.history(case.id))
    # whatever the file did, no stored definition of any process holds the secret
    seen.append(stored_definitions_text(eng))
    assert not any(leaked(text) for text in seen)
    assert not Path(f"{secret}.pwned").exists()


@pytest.mark.parametrize(
    "name",
    [
        "xxe_secret_in_condition.bpmn",
        "xxe_public_identifier.bpmn",
        "dmn_entity_in_rule.dmn",
        "xinclude_secret_in_condition.bpmn",
        "utf16_doctype_xxe.bpmn",
        "utf7_doctype_xxe.bpmn",
    ],
)
def test_payload_reads_the_secret_with_a_permissive_parser(name: str, secret: Path) -> None:
    """Control: the corpus is live, so the tests above would see a leak if there were one."""
    permissive = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=True)
    tree = etree.fromstring(corpus_file(name, secret).content, parser=permissive).getroottree()
    tree.xinclude()
    assert SECRET in etree.tostring(tree, encoding="unicode")


# --- generated: too big to store, or cheaper to build than to read ---------------------------

PROCESS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"\n'
    '    id="defs" targetNamespace="http://ltsa.test/hostile">\n'
    '  <bpmn:process id="hostile" isExecutable="true">\n'
    '    <bpmn:startEvent id="start"/>\n'
)
PROCESS_TAIL = "  </bpmn:process>\n</bpmn:definitions>\n"


def oversized() -> bytes:
    # a real model with one enormous documentation: just over the 2 MiB cap
    return (
        PROCESS_HEAD
        + "<bpmn:documentation>"
        + "A" * (2 * 1024 * 1024)
        + "</bpmn:documentation>"
        + PROCESS_TAIL
    ).encode()


def deeply_nested() -> bytes:
    depth = 5_000
    return (
        PROCESS_HEAD
        + "<bpmn:extensionElements>"
        + "<x>" * depth
        + "</x>" * depth
        + "</bpmn:extensionElements>"
        + PROCESS_TAIL
    ).encode()


def too_many_elements() -> bytes:
    # 60,000 tiny elements: far under the size cap, over the 50,000 element cap
    return (
        PROCESS_HEAD
        + "<bpmn:extensionElements>"
        + "<x/>" * 60_000
        + "</bpmn:extensionElements>"
        + PROCESS_TAIL
    ).encode()


def quadratic_blowup(encoding: str) -> bytes:
    # 100 kB entity x 10,000 references: 1 GB once expanded, 140 kB on disk
    text = (
        f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n'
        '<!DOCTYPE bpmn:definitions [<!ENTITY a "'
        + "A" * 100_000
        + '">]>\n'
        + PROCESS_HEAD.split("\n", 1)[1].replace(
            "<bpmn:startEvent",
            "<bpmn:documentation>" + "&a;" * 10_000 + "</bpmn:documentation>\n    <bpmn:startEvent",
        )
        + PROCESS_TAIL
    )
    return text.encode(encoding)


GENERATED = {
    "oversized.bpmn": (oversized, {"LTSA-D001"}),
    # lxml stops at depth 256 (D003) before the engine's own check (D004) can see it
    "deeply_nested.bpmn": (deeply_nested, {"LTSA-D003", "LTSA-D004"}),
    "too_many_elements.bpmn": (too_many_elements, {"LTSA-D004"}),
    "quadratic_blowup_large.bpmn": (lambda: quadratic_blowup("utf-8"), {"LTSA-D002"}),
    "quadratic_blowup_large_utf16.bpmn": (
        lambda: quadratic_blowup("utf-16"),
        {"LTSA-D002", "LTSA-D003"},
    ),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_hostile_file_is_refused(name: str, eng: Engine) -> None:
    build, codes = GENERATED[name]
    refused = deploy_refused(eng, SourceFile(name, build()))
    assert len(refused.errors) == 1
    (error,) = refused.errors
    assert error.file == name
    assert error.code in codes, str(error)
    if error.code in HAS_LINE:
        assert isinstance(error.line, int) and error.line >= 1


def test_one_hostile_file_refuses_a_deployment_of_otherwise_good_files(
    eng: Engine, secret: Path
) -> None:
    good = {p.name: p.read_bytes() for p in sorted(TEST_BPMN.iterdir())}
    good["intake.bpmn"] = good["intake.bpmn"].replace(
        b'name="Verifikasi akhir"', b'name="Verifikasi akhir v9"'
    )
    hostile = corpus_file("dmn_entity_in_rule.dmn", secret)
    files = [*(SourceFile(name, content) for name, content in good.items()), hostile]
    refused = deploy_refused(eng, files)
    check_refusal(refused, hostile.name, "LTSA-D002")
