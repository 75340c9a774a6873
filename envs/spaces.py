"""A Gymnasium text space that holds any Unicode string up to a maximum length."""

from __future__ import annotations

import string
from typing import Any

from gymnasium.spaces import Text

SAMPLE_CHARSET = string.printable + "äéßπΣ∫√≤≥→中文한국어🙂"
"""Characters :meth:`UnicodeText.sample` draws from: ASCII, maths symbols and non-Latin text."""


class UnicodeText(Text):
    """Like :class:`gymnasium.spaces.Text`, but any ``str`` within the length bounds belongs to it.

    Prompts and completions are arbitrary Unicode, so membership checks only the type and length;
    the charset is used only by :meth:`sample`.
    """

    def __init__(self, max_length: int, *, min_length: int = 0, seed: Any = None) -> None:
        super().__init__(max_length, min_length=min_length, charset=SAMPLE_CHARSET, seed=seed)

    def contains(self, x: Any) -> bool:
        return isinstance(x, str) and self.min_length <= len(x) <= self.max_length

    def __repr__(self) -> str:
        return f"UnicodeText({self.min_length}, {self.max_length})"

    def __eq__(self, other: Any) -> bool:
        return (
            isinstance(other, UnicodeText)
            and self.min_length == other.min_length
            and self.max_length == other.max_length
        )
