"""What a family's rules return, the source every family's generator builds on, and small
parsers shared by puzzle answer formats."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from rlvr.tasks.base import ProceduralSource
from rlvr.types import Task

MAX_ANSWER_CHARS = 20_000
PACKAGE = "rlvr.tasks.logic"


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


@cache
def family_rules(family: str) -> ModuleType:
    """The rules module of a puzzle family (``n-queens`` -> :mod:`rlvr.tasks.logic.n_queens`)."""
    return importlib.import_module(f"{PACKAGE}.{family.replace('-', '_')}")


def trivial_results(rules: ModuleType, task: Task) -> list[RuleResult]:
    """How the family's readable ``trivial_answers`` fare on ``task``."""
    results = []
    for answer in rules.trivial_answers(task).values():
        try:
            results.append(rules.check(task, answer))
        except AnswerFormatError:
            continue
    return results


def trivial_fraction(rules: ModuleType, task: Task) -> float:
    """The highest fraction of constraints one of the family's trivial answers satisfies without
    solving the task (graded credit is measured from it)."""
    fractions = [r.satisfied / r.total for r in trivial_results(rules, task) if not r.solved]
    return max(fractions, default=0.0)


class PuzzleSource(ProceduralSource):
    """The source of a puzzle family: a drawn puzzle that one of the family's trivial answers
    solves (every variable true, the people in the listed order, a straight line to the goal)
    is drawn again, so no answer that takes no reasoning earns a reward. Families with a fast
    generator override :meth:`accept` with a cheaper equivalent (or draw again inside
    ``generate``)."""

    def accept(self, task: Task) -> bool:
        rules = family_rules(self.family)
        return not any(result.solved for result in trivial_results(rules, task))


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
    if not (cell.isascii() and cell.isdigit() and len(cell) <= 2):
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


def shorten(text: str, limit: int = 12) -> str:
    """``text`` cut to at most ``limit`` characters for feedback, ``...`` marking a cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


MAX_NUMBER_DIGITS = 9
"""No number in a puzzle answer needs more digits; longer ones are refused unread."""


def read_int(raw: str, *, what: str = "number", max_digits: int = MAX_NUMBER_DIGITS) -> int:
    """``raw`` (decimal digits after an optional ``-``) as an int.

    More than ``max_digits`` digits is an :class:`AnswerFormatError`: ``int()`` itself raises on
    strings over 4,300 digits, and no valid answer holds a number that long.
    """
    digits = raw.removeprefix("-")
    shown = shorten(raw)
    if not digits.isdecimal():
        raise AnswerFormatError(f"the {what} {shown!r} is not a whole number")
    if len(digits) > max_digits:
        raise AnswerFormatError(f"the {what} {shown} is too long to be valid")
    return int(raw)


_PIECE_BREAK = re.compile(r"[,;\n]")
_MARKDOWN_TO_SPACE = str.maketrans("*`", "  ")
_LIST_NUMBER = re.compile(r"\s*\d{1,3}[.)]\s+")
_ENTRY_END = re.compile(r"[\s.)\]}]*")
_HEDGE_WORD = re.compile(
    r"\b(?:not|no|n?or|maybe|perhaps|possibly|probably|either|neither|unless|except|"
    r"alternatively|otherwise)\b|n['’]t\b",
    re.IGNORECASE,
)


def read_entries(
    text: str, entry: re.Pattern[str], stray: re.Pattern[str], *, what: str = "answer"
) -> list[re.Match[str]]:
    """The ``entry`` match in each comma-, semicolon- or newline-separated piece of ``text``.

    Every entry must hold exactly one value, so hedges raise :class:`AnswerFormatError` naming the
    piece: text after an entry's value (``A: 2 or 1``, ``x1 = true/false``, ``A: 0-99``; closing
    brackets and a full stop are allowed), a value outside any entry (``A: 2, or 1``), which
    ``stray`` finds, and a negation or alternative word outside the entries (``not B: 3``). Other
    words may stand before an entry (``Vertex A: 1``) or alone (``Answer:``), a piece may open
    with a list number (``1. A: 2``), and Markdown ``*`` and backticks count as spaces. Linear in
    ``len(text)`` when ``entry`` and ``stray`` are.
    """
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerFormatError(f"the {what} is too long")
    matches = []
    for piece in _PIECE_BREAK.split(text.translate(_MARKDOWN_TO_SPACE)):
        match = entry.search(piece)
        head = piece[: match.start()] if match else piece
        mark = _LIST_NUMBER.match(head)
        head = head[mark.end() :] if mark else head
        if (
            stray.search(head)
            or _HEDGE_WORD.search(head)
            or (match and not _ENTRY_END.fullmatch(piece, match.end()))
        ):
            raise AnswerFormatError(
                f"{shorten(piece.strip(), 40)!r}: give each entry of the {what} exactly one "
                "value, with no alternatives or extra words"
            )
        if match:
            matches.append(match)
    return matches
