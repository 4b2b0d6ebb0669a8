"""Check, instrument and compile; the public checks used at deployment."""

from __future__ import annotations

import ast
import functools
import re
import textwrap
from types import CodeType
from typing import Literal

from engine.sandbox._checker import Checker, check_depth, reject
from engine.sandbox._instrumenter import Instrumenter
from engine.sandbox._limits import MAX_SOURCE_CHARS, ExpressionRejected

_Mode = Literal["eval", "exec"]


def _parse(source: str, mode: _Mode) -> ast.AST:
    if len(source) > MAX_SOURCE_CHARS:
        raise ExpressionRejected(
            f"the text is {len(source):,} characters long (at most {MAX_SOURCE_CHARS:,})",
            source=source,
        )
    text = source.strip() if mode == "eval" else textwrap.dedent(source)
    try:
        return ast.parse(text, mode=mode)
    except SyntaxError as error:
        raise ExpressionRejected(
            f"invalid syntax: {error.msg}", lineno=error.lineno, col=error.offset, source=source
        ) from None
    except (RecursionError, MemoryError, ValueError) as error:
        # The parser gives up on very deep nesting and huge literals this way.
        raise ExpressionRejected(
            f"the text is too complex to read ({type(error).__name__})", lineno=1, source=source
        ) from None


@functools.lru_cache(maxsize=4096)
def compile_checked(source: str, mode: _Mode) -> CodeType:
    """Check, instrument and compile; cached per text, so run time re-checks are cheap."""
    tree = _parse(source, mode)
    check_depth(tree, source)
    Checker(source, script=mode == "exec").visit(tree)
    instrumented = ast.fix_missing_locations(Instrumenter().visit(tree))
    try:
        return compile(instrumented, "<sandbox>", mode, dont_inherit=True)
    except (SyntaxError, RecursionError, MemoryError) as error:  # e.g. `break` outside a loop
        raise reject(f"invalid: {error}", None, source) from None


def check_expression(source: str) -> None:
    """Refuse an expression (condition, DMN input or output, timer) off the whitelist.

    Raises:
        ExpressionRejected: naming the first construct that is not allowed.
    """
    compile_checked(source, "eval")


def check_script(source: str) -> None:
    """Refuse a script task's script that uses anything off the whitelist.

    Raises:
        ExpressionRejected: naming the first construct that is not allowed.
    """
    compile_checked(source, "exec")


_DMN_INPUT = "dmninputexpr"
# The same pattern SpiffWorkflow's DMNEngine uses: a `?` outside quotes is the input value.
_DMN_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^\'\"]|[\'\"][^\'\"]*[\'\"])*$)")
_DMN_WORD_OPERATOR = re.compile(r"(not\s+in|in|is\s+not|is|and|or|if)\b")


def check_dmn_entry(source: str | None) -> None:
    """Refuse a DMN input entry the way SpiffWorkflow's DMN engine will evaluate it.

    Accepted forms: empty or `-` (any value), a value (`"kawin"`, `18`, `["a", "b"]`,
    compared with `==`), an operator and a value (`< 18`, `!= "WNI"`, ` in ("a", "b")`), or
    a test on `?`, the input's value (`18 <= ? < 60`, `? in ("a", "b")`).

    Raises:
        ExpressionRejected: if the combined expression would be refused.
    """
    if source is None or source.strip() in ("", "-"):
        return
    try:
        if _DMN_QUESTION_MARK.search(source):
            check_expression(_DMN_QUESTION_MARK.sub(_DMN_INPUT, source))
            return
        try:
            ast.parse(source.strip(), mode="eval")
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            # SpiffWorkflow appends the entry to the input expression without a space.
            if _DMN_WORD_OPERATOR.match(source):
                raise ExpressionRejected(
                    f"an entry starting with '{source.split()[0]}' is glued to the input "
                    "expression without a space; write it with '?', e.g. '? in (\"a\", \"b\")'",
                    source=source,
                ) from None
            check_expression(f"{_DMN_INPUT} {source}")
        else:
            check_expression(source)
    except ExpressionRejected as error:
        if error.source == source:
            raise
        raise ExpressionRejected(
            error.message, lineno=error.lineno, col=None, source=source
        ) from None
