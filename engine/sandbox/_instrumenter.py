"""The instrumenter: rewrites a checked tree so the run-time guards see every step."""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import Any

from engine.sandbox._budget import charged, guarded_iter, sized
from engine.sandbox._methods import binary_operation, get_attribute

HELPERS: Mapping[str, Callable[..., Any]] = {
    "__sb_binop": binary_operation,
    "__sb_attr": get_attribute,
    "__sb_iter": guarded_iter,
    "__sb_sized": sized,
    "__sb_charged": charged,
}


def _helper(name: str, *args: ast.expr, like: ast.AST) -> ast.Call:
    call = ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])
    return ast.copy_location(call, like)


class Instrumenter(ast.NodeTransformer):
    """Routes operators, attributes, loops and comparisons through the run-time guards."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        name = ast.Constant(type(node.op).__name__)
        return _helper("__sb_binop", name, node.left, node.right, like=node)

    def visit_AugAssign(self, node: ast.AugAssign) -> Any:
        self.generic_visit(node)
        name = ast.Constant(type(node.op).__name__)
        target = node.target
        if isinstance(target, ast.Name):
            current = ast.Name(id=target.id, ctx=ast.Load())
            value = _helper("__sb_binop", name, current, node.value, like=node)
            return ast.copy_location(ast.Assign(targets=[target], value=value), node)
        assert isinstance(target, ast.Subscript)  # the checker refuses anything else
        statements = [
            ast.Assign(targets=[ast.Name(id="__sb_obj", ctx=ast.Store())], value=target.value),
            ast.Assign(targets=[ast.Name(id="__sb_key", ctx=ast.Store())], value=target.slice),
            ast.Assign(
                targets=[_temporary_item(ast.Store())],
                value=_helper(
                    "__sb_binop", name, _temporary_item(ast.Load()), node.value, like=node
                ),
            ),
        ]
        return [ast.copy_location(statement, node) for statement in statements]

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        return _helper("__sb_attr", node.value, ast.Constant(node.attr), like=node)

    def _iterated(self, node: ast.For | ast.comprehension) -> ast.AST:
        """A `for` loop or a comprehension iterates through the guard (ticks, sets in order)."""
        self.generic_visit(node)
        node.iter = _helper("__sb_iter", node.iter, like=node.iter)
        return node

    visit_For = visit_comprehension = _iterated

    def visit_Starred(self, node: ast.Starred) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load):
            node.value = _helper("__sb_iter", node.value, like=node)
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        self.generic_visit(node)
        if any(isinstance(target, (ast.Tuple, ast.List)) for target in node.targets):
            node.value = _helper("__sb_iter", node.value, like=node.value)
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        node.left = _helper("__sb_sized", node.left, like=node.left)
        node.comparators = [_helper("__sb_sized", c, like=c) for c in node.comparators]
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        self.generic_visit(node)
        node.value = _helper("__sb_sized", node.value, like=node.value)
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.slice, ast.Slice):
            node.slice = _helper("__sb_sized", node.slice, like=node.slice)
        elif isinstance(node.ctx, ast.Load):
            return _helper("__sb_charged", node, like=node)
        return node

    def visit_Dict(self, node: ast.Dict) -> ast.AST:
        self.generic_visit(node)
        node.keys = [k if k is None else _helper("__sb_sized", k, like=k) for k in node.keys]
        return node

    def visit_Set(self, node: ast.Set) -> ast.AST:
        self.generic_visit(node)
        node.elts = [_helper("__sb_sized", element, like=element) for element in node.elts]
        return node


def _temporary_item(context: ast.expr_context) -> ast.Subscript:
    return ast.Subscript(
        value=ast.Name(id="__sb_obj", ctx=ast.Load()),
        slice=ast.Name(id="__sb_key", ctx=ast.Load()),
        ctx=context,
    )
