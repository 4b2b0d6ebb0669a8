"""The static check: an AST whitelist run before anything executes."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from engine.sandbox._functions import ALLOWED_FUNCTIONS
from engine.sandbox._limits import MAX_AST_DEPTH, MAX_FORMAT_WIDTH, ExpressionRejected
from engine.sandbox._methods import ALLOWED_ATTRIBUTES, MUTATING_NAMES

# Names refused even if case data has a field of that name, so that a reader never
# has to wonder whether `eval(...)` in a diagram could mean the built-in.
# fmt: off
_DENIED_NAMES = frozenset(
    {
        "eval", "exec", "compile", "open", "input", "print", "breakpoint", "help", "exit",
        "quit", "getattr", "setattr", "delattr", "hasattr", "globals", "locals", "vars",
        "dir", "type", "object", "super", "memoryview", "bytes", "bytearray", "classmethod",
        "staticmethod", "property", "iter", "next", "callable", "isinstance", "issubclass",
        "format",
    }
)
# fmt: on


# fmt: off
_ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Expression, ast.Module, ast.Expr, ast.Assign, ast.AugAssign, ast.Delete, ast.If,
    ast.For, ast.Pass, ast.Break, ast.Continue, ast.BoolOp, ast.BinOp, ast.UnaryOp,
    ast.IfExp, ast.Dict, ast.Set, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
    ast.Compare, ast.Call, ast.FormattedValue, ast.JoinedStr, ast.Constant, ast.Attribute,
    ast.Subscript, ast.Starred, ast.Name, ast.List, ast.Tuple, ast.Slice, ast.comprehension,
    ast.keyword, ast.expr_context, ast.boolop, ast.unaryop, ast.cmpop, ast.Add, ast.Sub,
    ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.LShift, ast.RShift, ast.BitOr,
    ast.BitXor, ast.BitAnd,
)
# fmt: on
_REFUSALS: Mapping[type[ast.AST], str] = {
    ast.While: "while loops are not allowed; use for over a list or range()",
    ast.FunctionDef: "defining functions is not allowed",
    ast.AsyncFunctionDef: "defining functions is not allowed",
    ast.ClassDef: "defining classes is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.Import: "import is not allowed",
    ast.ImportFrom: "import is not allowed",
    ast.Global: "global is not allowed",
    ast.Nonlocal: "nonlocal is not allowed",
    ast.With: "with is not allowed",
    ast.Try: "try is not allowed",
    ast.TryStar: "try is not allowed",
    ast.Raise: "raise is not allowed",
    ast.Assert: "assert is not allowed",
    ast.Return: "return is not allowed",
    ast.NamedExpr: "the := operator is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Await: "await is not allowed",
    ast.Match: "match is not allowed",
    ast.AnnAssign: "annotated assignment is not allowed",
    ast.MatMult: "the @ operator is not allowed",
}
_CONSTANT_TYPES = (str, int, float, bool, type(None))
_DIGITS = re.compile(r"\d+")


def reject(message: str, node: ast.AST | None, source: str) -> ExpressionRejected:
    return ExpressionRejected(
        message,
        lineno=getattr(node, "lineno", None),
        col=getattr(node, "col_offset", None),
        source=source,
    )


class Checker(ast.NodeVisitor):
    """Walks a parsed expression or script and refuses anything off the whitelist."""

    def __init__(self, source: str, script: bool) -> None:
        self.source = source
        self.script = script

    def generic_visit(self, node: ast.AST) -> None:
        if not isinstance(node, _ALLOWED_NODES):
            message = _REFUSALS.get(type(node), f"'{type(node).__name__}' is not allowed")
            raise reject(message, node, self.source)
        super().generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id.startswith("_") or node.id in _DENIED_NAMES:
            raise reject(f"name '{node.id}' is not allowed", node, self.source)
        if not isinstance(node.ctx, ast.Load) and node.id in ALLOWED_FUNCTIONS:
            raise reject(f"'{node.id}' is a function and cannot be assigned", node, self.source)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.visit(node.value)  # report the leftmost problem: `__import__('os').system`
        if not isinstance(node.ctx, ast.Load):
            raise reject("assigning to attributes is not allowed", node, self.source)
        if node.attr in ("format", "format_map"):
            raise reject(f"'.{node.attr}' is not allowed; use an f-string", node, self.source)
        if node.attr.startswith("_") or node.attr not in ALLOWED_ATTRIBUTES:
            raise reject(f"attribute '{node.attr}' is not allowed", node, self.source)
        if node.attr in MUTATING_NAMES and not self.script:
            raise reject(
                f"'.{node.attr}()' changes data and is allowed in scripts only", node, self.source
            )

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        if isinstance(function, ast.Name) and function.id not in ALLOWED_FUNCTIONS:
            if function.id.startswith("_") or function.id in _DENIED_NAMES:
                raise reject(f"name '{function.id}' is not allowed", function, self.source)
            raise reject(f"function '{function.id}' is not allowed", function, self.source)
        if not isinstance(function, (ast.Name, ast.Attribute)):
            self.visit(function)  # `(lambda: 1)()` is refused as a lambda
            raise reject("only named functions and methods can be called", node, self.source)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if not isinstance(node.value, _CONSTANT_TYPES):
            kind = type(node.value).__name__
            raise reject(f"{kind} literals are not allowed", node, self.source)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> None:
        spec = node.format_spec
        if spec is not None:
            parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
            if not all(isinstance(part, ast.Constant) for part in parts):
                raise reject("f-string format specs must be constant", node, self.source)
            text = "".join(str(part.value) for part in parts if isinstance(part, ast.Constant))
            if any(int(number) > MAX_FORMAT_WIDTH for number in _DIGITS.findall(text)):
                raise reject(
                    f"f-string widths must be at most {MAX_FORMAT_WIDTH}", node, self.source
                )
        self.visit(node.value)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        if node.is_async:
            raise reject("async comprehensions are not allowed", node.iter, self.source)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        target = node.target
        if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Slice):
            raise reject("augmented assignment to a slice is not allowed", node, self.source)
        self.generic_visit(node)


def check_depth(tree: ast.AST, source: str) -> None:
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_AST_DEPTH:
            raise reject(
                f"the expression is nested too deeply (more than {MAX_AST_DEPTH} levels)",
                node,
                source,
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
