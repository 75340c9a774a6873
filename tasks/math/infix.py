"""Render binary expression trees with the fewest parentheses that keep their meaning."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "×": 2, "÷": 2}
NON_ASSOCIATIVE = frozenset("-/÷")


def render_infix(node: Any, leaf: Callable[[Any], str]) -> str:
    """Text of ``node`` (with ``op``, ``left``, ``right``; ``op is None`` at leaves).

    A child is parenthesised when it binds more loosely than its parent, or, on the right of a
    non-associative operator, equally loosely (``a - (b - c)``).
    """
    if node.op is None:
        return leaf(node)
    left, right = render_infix(node.left, leaf), render_infix(node.right, leaf)
    precedence = PRECEDENCE[node.op]
    if node.left.op and PRECEDENCE[node.left.op] < precedence:
        left = f"({left})"
    if node.right.op and (
        PRECEDENCE[node.right.op] < precedence
        or (PRECEDENCE[node.right.op] == precedence and node.op in NON_ASSOCIATIVE)
    ):
        right = f"({right})"
    return f"{left} {node.op} {right}"
