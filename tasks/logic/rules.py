"""What a family's rules return, and small parsers shared by puzzle answer formats."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ANSWER_CHARS = 20_000


class AnswerFormatError(ValueError):
    """The answer cannot be read in the family's format (a ``no_answer``, not a wrong answer)."""


@dataclass(frozen=True)
class RuleResult:
    """How many of the puzzle's constraints an answer satisfies, and the first one it breaks.

    ``feedback`` names a broken rule without revealing a solution (it is shown to the model in
    multi-turn environments).
    """

    satisfied: int
    total: int
    feedback: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.satisfied <= self.total or self.total < 1:
            raise ValueError(f"need 0 <= satisfied <= total and total >= 1, got {self}")

    @property
    def solved(self) -> bool:
        return self.satisfied == self.total

    @classmethod
    def all_or_nothing(cls, broken: str | None) -> RuleResult:
        """A single pass/fail constraint: ``broken`` is the rule it breaks, or ``None``."""
        return cls(0, 1, broken) if broken else cls(1, 1, "")


_CELL = re.compile(r"[A-Za-z0-9.#*_?-]+")


def parse_grid(text: str, rows: int, cols: int, *, what: str = "grid") -> list[list[str]]:
    """Read ``rows`` lines of ``cols`` tokens (separated by spaces, commas or ``|``).

    Rows made of single characters without separators (``1234``) are split into characters.
    Blank lines and surrounding brackets are ignored.
    """
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerFormatError(f"the {what} is too long")
    lines = [line.strip().strip("[]") for line in text.strip().splitlines()]
    lines = [line for line in lines if line and not set(line) <= set("-+=|")]
    if len(lines) != rows:
        raise AnswerFormatError(f"expected {rows} rows in the {what}, got {len(lines)}")
    grid = []
    for number, line in enumerate(lines, 1):
        cells = _CELL.findall(line)
        if len(cells) == 1 and len(cells[0]) == cols:
            cells = list(cells[0])
        if len(cells) != cols:
            raise AnswerFormatError(
                f"row {number} of the {what} has {len(cells)} cells, not {cols}"
            )
        grid.append(cells)
    return grid


EMPTY_CELLS = (".", "_", "0", "?")


def read_number_cell(cell: str, n: int) -> int:
    """A cell of a number grid (sudoku, futoshiki): its number, or 0 when it is left empty."""
    if cell in EMPTY_CELLS:
        return 0
    if not (cell.isdigit() and len(cell) <= 2):
        raise AnswerFormatError(f"cells must be numbers from 1 to {n}, got {cell[:10]!r}")
    return int(cell)


def parse_items(text: str, *, what: str = "list") -> list[str]:
    """Comma-, semicolon- or newline-separated items, stripped, empties dropped."""
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerFormatError(f"the {what} is too long")
    items = [item.strip() for item in re.split(r"[,;\n]", text.strip().strip("[](){}"))]
    items = [item for item in items if item]
    if not items:
        raise AnswerFormatError(f"the {what} is empty")
    return items
