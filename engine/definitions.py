"""Process definitions: validating a deployment and loading a version.

A deployment is a set of BPMN/DMN files. It is parsed with the hardened XML
loader, handed to SpiffWorkflow, checked (lanes map to desks, forms are
valid, every expression passes the sandbox's static check: `engine.checks`) and
then either refused whole, with errors naming file, line and element, or accepted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import (
    ValidationException,
)
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import (
    BpmnProcessSpec,
)
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.exceptions import SpiffWorkflowException

import forms
from engine import sandbox
from engine.checks import (
    BPMN_NS,
    DESKS,
    check_expression,
    expressions,
    lane_ids,
    reference_errors,
)
from engine.errors import DeploymentError, DeploymentFailed
from engine.spiff import LtsaParser
from engine.xmlsafe import XmlRefused, element_line, parse_definition_xml

__all__ = [
    "ProcessBundle",
    "SourceFile",
    "closure_hash",
    "load_files",
    "parse_bundle",
    "validate_deployment",
]

MAX_FILES = 50


@dataclass(frozen=True)
class SourceFile:
    """One BPMN or DMN file as the designer gave it."""

    name: str
    content: bytes

    @property
    def sha256(self) -> str:
        """The content's SHA-256, hex."""
        return hashlib.sha256(self.content).hexdigest()

    @property
    def is_dmn(self) -> bool:
        """Whether the file is a DMN file (by name; content is checked when parsed)."""
        return self.name.lower().endswith(".dmn")


@dataclass
class ProcessBundle:
    """A parsed, runnable process: its spec, called specs, lanes and forms."""

    key: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    files: tuple[SourceFile, ...]
    # (process spec name, task spec name) -> desk / form
    desks: dict[tuple[str, str], str] = field(default_factory=dict)
    forms: dict[tuple[str, str], forms.Form] = field(default_factory=dict)
    titles: dict[tuple[str, str], str] = field(default_factory=dict)

    def all_specs(self) -> Iterator[BpmnProcessSpec]:
        """Yield the process spec and every spec it calls."""
        yield self.spec
        yield from self.subprocess_specs.values()


def load_files(paths: Iterable[Path]) -> list[SourceFile]:
    """Read .bpmn and .dmn files from files and directories (not recursive)."""
    files: list[SourceFile] = []
    for path in paths:
        candidates = sorted(path.iterdir()) if path.is_dir() else [path]
        for candidate in candidates:
            if candidate.suffix.lower() in (".bpmn", ".dmn") and candidate.is_file():
                files.append(SourceFile(candidate.name, candidate.read_bytes()))
    return files


def closure_hash(files: Sequence[SourceFile]) -> str:
    """The content hash of a process version: names and contents of its files."""
    listing = sorted((f.name, f.sha256) for f in files)
    return hashlib.sha256(json.dumps(listing).encode()).hexdigest()


@dataclass
class _Parsed:
    parser: LtsaParser
    roots: dict[str, etree._Element]
    lines: dict[tuple[str, str], int]  # (file, element id) -> line
    file_of_element: dict[str, str]


def _error_from_spiff(
    exc: Exception, parsed: _Parsed, default_file: str | None = None
) -> DeploymentError:
    """Turn a SpiffWorkflow exception into a DeploymentError with file and line."""
    element_id = getattr(exc, "id", None) or None
    file_name = getattr(exc, "file_name", "") or ""
    if not file_name and element_id:
        file_name = parsed.file_of_element.get(element_id, "")
    file_name = file_name or default_file or "?"
    line = getattr(exc, "line_number", None) or None
    if not isinstance(line, int):
        line = parsed.lines.get((file_name, element_id or ""))
    message = str(exc.args[0]) if exc.args else exc.__class__.__name__
    if isinstance(exc, KeyError):
        message = f"reference to an element or attribute that does not exist: {exc}"
    return DeploymentError(
        file_name,
        line,
        element_id,
        "LTSA-D005",
        message,
        "open the file in the modeler and fix the element named",
    )


def _index(root: etree._Element, name: str, parsed: _Parsed) -> None:
    for element in root.iter():
        element_id = element.get("id") if isinstance(element.tag, str) else None
        if element_id:
            parsed.lines.setdefault((name, element_id), element_line(element) or 0)
            parsed.file_of_element.setdefault(element_id, name)


def _parse_files(files: Sequence[SourceFile]) -> tuple[_Parsed, list[DeploymentError]]:
    parsed = _Parsed(LtsaParser(), {}, {}, {})
    errors: list[DeploymentError] = []
    if len(files) > MAX_FILES:
        errors.append(
            DeploymentError("-", None, None, "LTSA-D001", f"more than {MAX_FILES} files", "")
        )
        return parsed, errors
    names = [f.name for f in files]
    for duplicate in sorted({n for n in names if names.count(n) > 1}):
        errors.append(DeploymentError(duplicate, None, None, "LTSA-D006", "file given twice", ""))
    # DMN first: business rule tasks look their decision up while BPMN is parsed.
    for source in sorted(files, key=lambda f: (not f.is_dmn, f.name)):
        try:
            root = parse_definition_xml(source.content, source.name)
        except XmlRefused as refused:
            errors.append(refused.error)
            continue
        parsed.roots[source.name] = root
        _index(root, source.name, parsed)
        namespace = etree.QName(root).namespace or ""
        try:
            if "DMN" in namespace.upper():
                parsed.parser.add_dmn_xml(root, filename=source.name)
            elif namespace == BPMN_NS:
                broken = reference_errors(root, source.name)
                if broken:
                    errors.extend(broken)
                    continue
                parsed.parser.add_bpmn_xml(root, filename=source.name)
            else:
                errors.append(
                    DeploymentError(
                        source.name,
                        element_line(root),
                        None,
                        "LTSA-D003",
                        f"not a BPMN 2.0 or DMN document (root namespace {namespace!r})",
                        "export the model as BPMN 2.0 XML",
                    )
                )
        except (SpiffWorkflowException, ValidationException) as exc:
            errors.append(_error_from_spiff(exc, parsed, source.name))
        except Exception as exc:  # noqa: BLE001 - SpiffWorkflow raises bare errors
            errors.append(_error_from_spiff(exc, parsed, source.name))
    return parsed, errors


def _element_error(
    parsed: _Parsed, spec: BpmnProcessSpec, element_id: str, code: str, message: str, hint: str
) -> DeploymentError:
    file_name = spec.file or parsed.file_of_element.get(element_id, "?")
    return DeploymentError(
        file_name, parsed.lines.get((file_name, element_id)), element_id, code, message, hint
    )


def _check_spec(
    parsed: _Parsed, spec: BpmnProcessSpec, bundle: ProcessBundle
) -> list[DeploymentError]:
    errors: list[DeploymentError] = []
    root = parsed.roots.get(spec.file or "")
    lanes = lane_ids(root) if root is not None else {}
    for task_spec in spec.task_specs.values():
        element_id = getattr(task_spec, "bpmn_id", None)
        if not element_id:
            continue
        key = (spec.name, task_spec.name)
        bundle.titles[key] = task_spec.bpmn_name or element_id
        if not isinstance(task_spec, UserTask):
            continue
        desk = lanes.get(element_id)
        if desk is None:
            errors.append(
                _element_error(
                    parsed,
                    spec,
                    element_id,
                    "LTSA-D007",
                    "user task has no lane",
                    "put it in a desk lane (lane id = desk code, e.g. disnaker)",
                )
            )
        elif desk not in DESKS:
            errors.append(
                _element_error(
                    parsed,
                    spec,
                    element_id,
                    "LTSA-D008",
                    f"lane {desk!r} is not a desk",
                    "use one of: " + ", ".join(sorted(DESKS)),
                )
            )
        else:
            bundle.desks[key] = desk
        problems = forms.check_spiff_form(task_spec.form)
        for problem in problems:
            field_note = f"field {problem.field_id!r}: " if problem.field_id else ""
            errors.append(
                _element_error(
                    parsed,
                    spec,
                    element_id,
                    "LTSA-D010",
                    field_note + problem.message,
                    "fix the field in the form editor (camunda:formData)",
                )
            )
        if not problems:
            bundle.forms[key] = forms.form_from_spiff(task_spec.form)
    for element_id, kind, source in expressions(spec, root):
        try:
            check_expression(kind, source)
        except sandbox.ExpressionRejected as exc:
            errors.append(
                _element_error(
                    parsed,
                    spec,
                    element_id,
                    "LTSA-D020",
                    f"{kind} refused: {exc}",
                    "expressions may use case data, arithmetic, comparisons and the "
                    "documented functions only",
                )
            )
    return errors


def _bundle_for(
    parsed: _Parsed, key: str, files: Mapping[str, SourceFile]
) -> tuple[ProcessBundle | None, list[DeploymentError]]:
    try:
        spec = parsed.parser.get_spec(key)
        subprocess_specs = parsed.parser.get_subprocess_specs(key)
    except Exception as exc:  # noqa: BLE001 - SpiffWorkflow raises bare errors
        return None, [_error_from_spiff(exc, parsed)]
    needed = {spec.file, *(s.file for s in subprocess_specs.values())}
    decision_files = _decision_files(parsed, [spec, *subprocess_specs.values()])
    needed |= decision_files
    bundle = ProcessBundle(
        key=key,
        spec=spec,
        subprocess_specs=dict(subprocess_specs),
        files=tuple(files[name] for name in sorted(needed) if name in files),
    )
    errors: list[DeploymentError] = []
    for each in bundle.all_specs():
        errors.extend(_check_spec(parsed, each, bundle))
    return bundle, errors


def _decision_files(parsed: _Parsed, specs: Sequence[BpmnProcessSpec]) -> set[str]:
    names: set[str] = set()
    dmn_parsers = parsed.parser.dmn_parsers
    for spec in specs:
        for task_spec in spec.task_specs.values():
            engine = getattr(task_spec, "dmnEngine", None)
            if engine is None:
                continue
            for dmn_parser in dmn_parsers.values():
                decision = getattr(dmn_parser, "decision", None)
                if decision is not None and any(
                    t is engine.decision_table for t in decision.decisionTables
                ):
                    names.add(dmn_parser.filename)
    return names


def validate_deployment(files: Sequence[SourceFile]) -> dict[str, ProcessBundle]:
    """Parse and check a deployment; return a bundle per executable process.

    Raises:
        DeploymentFailed: with every problem found; nothing may be stored.
    """
    if not files:
        raise DeploymentFailed(
            [DeploymentError("-", None, None, "LTSA-D009", "no .bpmn or .dmn files given", "")]
        )
    parsed, errors = _parse_files(files)
    bundles: dict[str, ProcessBundle] = {}
    if not errors:
        by_name = {f.name: f for f in files}
        keys = parsed.parser.get_process_ids()
        if not keys and any(not f.is_dmn for f in files):
            errors.append(
                DeploymentError(
                    files[0].name,
                    None,
                    None,
                    "LTSA-D009",
                    "no executable process found",
                    'set isExecutable="true" on the process',
                )
            )
        for key in keys:
            bundle, bundle_errors = _bundle_for(parsed, key, by_name)
            errors.extend(bundle_errors)
            if bundle is not None:
                bundles[key] = bundle
    if errors:
        unique = list(dict.fromkeys(errors))
        raise DeploymentFailed(unique)
    return bundles


def parse_bundle(key: str, files: Sequence[SourceFile]) -> ProcessBundle:
    """Load one stored process version from its files (already validated once)."""
    bundles = validate_deployment(files)
    return bundles[key]
