"""Hardened XML loading for BPMN and DMN files.

Every definition file is user input. It is read here, and only here: no
DOCTYPE, no entities, no DTD or network access, bounded size and element
count. SpiffWorkflow is handed the parsed tree, never the bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from engine.errors import DeploymentError

__all__ = ["MAX_ELEMENTS", "MAX_FILE_BYTES", "XmlRefused", "element_line", "parse_definition_xml"]

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ELEMENTS = 50_000
MAX_DEPTH = 256

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass
class XmlRefused(Exception):
    """The file is not acceptable XML; `error` says where and why."""

    error: DeploymentError


def element_line(element: etree._Element) -> int | None:
    """The source line of an element, when lxml knows it."""
    line = element.sourceline
    return int(line) if isinstance(line, int) else None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )


def parse_definition_xml(data: bytes, filename: str) -> etree._Element:
    """Parse one BPMN/DMN file safely and return its root element.

    Raises:
        XmlRefused: for oversized files, DOCTYPE or entity declarations,
            malformed XML, too many or too deeply nested elements.
    """
    if len(data) > MAX_FILE_BYTES:
        raise XmlRefused(
            DeploymentError(
                filename,
                None,
                None,
                "LTSA-D001",
                f"file is {len(data)} bytes; the limit is {MAX_FILE_BYTES}",
                "split the model or remove embedded images",
            )
        )
    found = _DOCTYPE.search(data)
    if found:
        raise XmlRefused(
            DeploymentError(
                filename,
                _line_of(data, found.start()),
                None,
                "LTSA-D002",
                "DOCTYPE and ENTITY declarations are not allowed",
                "remove the <!DOCTYPE ...> block; BPMN files never need one",
            )
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise XmlRefused(
            DeploymentError(
                filename, line, None, "LTSA-D003", f"not well-formed XML: {exc.msg}", ""
            )
        ) from None
    except (ValueError, UnicodeError) as exc:
        raise XmlRefused(
            DeploymentError(filename, None, None, "LTSA-D003", f"unreadable XML: {exc}", "")
        ) from None
    info = root.getroottree().docinfo
    if (
        getattr(info, "doctype", None)
        or info.internalDTD is not None
        or info.externalDTD is not None
    ):
        # the byte scan above misses re-encoded files (UTF-16, UTF-7...)
        raise XmlRefused(
            DeploymentError(
                filename,
                1,
                None,
                "LTSA-D002",
                "DOCTYPE and ENTITY declarations are not allowed",
                "remove the <!DOCTYPE ...> block; BPMN files never need one",
            )
        )
    _check_shape(root, filename)
    return root


def _check_shape(root: etree._Element, filename: str) -> None:
    for count, element in enumerate(root.iter(), start=1):
        if count > MAX_ELEMENTS:
            raise XmlRefused(
                DeploymentError(
                    filename,
                    element_line(element),
                    None,
                    "LTSA-D004",
                    f"more than {MAX_ELEMENTS} XML elements",
                    "split the model into called processes",
                )
            )
    # lxml caps depth at 256 itself with huge_tree=False; check ours explicitly
    # so the message names the line.
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise XmlRefused(
                DeploymentError(
                    filename,
                    element_line(element),
                    element.get("id"),
                    "LTSA-D004",
                    f"elements nested deeper than {MAX_DEPTH} levels",
                    "",
                )
            )
        stack.extend((child, depth + 1) for child in element)
