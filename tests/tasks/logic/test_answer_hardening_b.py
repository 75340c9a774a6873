"""Audit findings on graph-coloring, SAT, cryptarithm, scheduling and zebra answers.

Finding 5: an entry whose value is hedged (``A: 2 or 1``, ``x1 = true/false``) was read as its
first value and could score 1. Finding 6: a run of over 4,300 digits made ``int()`` raise, so
verification ended in status ``error``. Both are now unreadable answers: reward 0, status
``no_answer``, feedback naming the entry. The legitimate formats still score 1.
"""

from __future__ import annotations

import re
import time
from functools import cache
from typing import Any

import pytest

import rlvr
from rlvr.tasks.logic.rules import (
    AnswerFormatError,
    read_entries,
    read_int,
    read_number_cell,
)
from rlvr.types import Task, Verdict

FAMILIES = ("graph-coloring", "sat", "cryptarithm", "scheduling")
BIG = "9" * 4400
ALTERNATIVE = {"graph-coloring": "3", "sat": "false", "cryptarithm": "7", "scheduling": "99"}
"""a second value to hedge an entry with"""
LAST_WORD = re.compile(r"\w+$")


@cache
def env(family: str, level: int, graded: bool = False) -> Any:
    kwargs: dict[str, Any] = {"difficulty": level} | ({"graded": True} if graded else {})
    return rlvr.make(f"logic/{family}-v0", **kwargs)


def task(family: str, level: int, seed: int = 0) -> Task:
    return env(family, level).reset(seed=seed)[1]["task"]


def verify(
    family: str, answer: str, level: int = 2, seed: int = 0, graded: bool = False
) -> Verdict:
    """The verdict on ``<answer>answer</answer>`` for the task ``seed`` of ``level``."""
    return env(family, level, graded).unwrapped.verify(
        task(family, level, seed), f"<answer>{answer}</answer>"
    )


def reference(family: str, level: int, seed: int = 0) -> str:
    return task(family, level, seed).answer


def assert_unreadable(verdict: Verdict, named: str = "") -> None:
    assert (verdict.reward, verdict.correct, verdict.status) == (0.0, False, "no_answer")
    assert named in verdict.feedback


# --- finding 5: hedged entries -----------------------------------------------------------------

AUDIT_HEDGES = [
    (
        "graph-coloring",
        "A: 2 or 1, B: 3 or 1, C: 2 or 1, D: 3 or 1, E: 1 or 2, F: 1 or 2, G: 1 or 2",
        "'A: 2 or 1'",
    ),
    ("graph-coloring", "A: 2/3, B: 3, C: 2, D: 3, E: 1, F: 1, G: 1", "'A: 2/3'"),
    (
        "sat",
        "x1 = true/false, x2 = true/false, x3 = false/true, x4 = false/true, x5 = true/false, "
        "x6 = true/false",
        "'x1 = true/false'",
    ),
    (
        "sat",
        "x1 = true (or false), x2 = true, x3 = false, x4 = false, x5 = true, x6 = true",
        "'x1 = true (or false)'",
    ),
    (
        "cryptarithm",
        "G=8 or 7, K=1 or 7, L=6 or 7, N=2 or 7, Q=7 or 3, R=4 or 7, Y=9 or 7",
        "'G=8 or 7'",
    ),
    (
        "scheduling",
        "A: 0 or later, B: 4 or later, C: 0 or later, D: 11 or later, E: 4 or later, "
        "F: 10 or later",
        "'A: 0 or later'",
    ),
    ("scheduling", "A: 0-99, B: 4-99, C: 0-99, D: 11-99, E: 4-99, F: 10-99", "'A: 0-99'"),
]


@pytest.mark.parametrize(("family", "answer", "named"), AUDIT_HEDGES)
def test_audit_hedges_are_unreadable(family: str, answer: str, named: str) -> None:
    """The audit's d2 seed 0 hedges (first values all correct) scored 1."""
    assert_unreadable(verify(family, answer), named)
    assert_unreadable(verify(family, answer, graded=True), named)


def hedges(family: str, entry: str) -> dict[str, str]:
    """``entry`` (a correct ``name: value``) hedged in the ways that used to be read as it."""
    other = ALTERNATIVE[family]
    shapes = {
        "or": f"{entry} or {other}",
        "slash": f"{entry}/{other}",
        "bracket": f"{entry} (or {other})",
        "two_numbers": f"{entry} {other}",
        "next_piece": f"{entry}, or {other}",
        "negated": f"not {entry}",
        "maybe": f"maybe {entry}",
        "two_entries": f"{entry} or {LAST_WORD.sub(other, entry)}",
    }
    if family == "sat":
        shapes |= {"minus": f"-{entry}", "logic_not": f"¬{entry}"}
    return shapes


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("level", [1, 3, 5])
def test_every_hedge_shape_is_unreadable(family: str, level: int) -> None:
    """Each shape, put on the first entry of the reference, makes the whole answer unreadable."""
    first, rest = reference(family, level).split(", ", 1)
    for shape, hedged in hedges(family, first).items():
        verdict = verify(family, f"{hedged}, {rest}", level)
        assert verdict.reward == 0.0 and verdict.status == "no_answer", (shape, hedged)


def test_a_range_or_bound_is_no_start_time() -> None:
    """Scheduling answers that give a window instead of a start time."""
    rest = reference("scheduling", 2).split(", ", 1)[1]
    for window in ("A: 0+", "A: >= 0", "A: at least 0", "A: 0 to 5", "A: 0 - 5", "A: 0..5"):
        assert_unreadable(verify("scheduling", f"{window}, {rest}"))


# --- finding 6: over-long numbers --------------------------------------------------------------


def overlong_answers() -> list[tuple[str, str]]:
    """The audit's crashing answers (d1 seed 0)."""
    letter = reference("cryptarithm", 1)[0]
    value = task("zebra", 1).metadata["values"][0][0]
    return [
        ("graph-coloring", f"A: {BIG}"),
        ("scheduling", f"A: {BIG}"),
        ("cryptarithm", f"{letter}={BIG}"),
        ("sat", f"x{BIG} = true"),
        ("zebra", f"house {BIG}: {value}"),
    ]


@pytest.mark.parametrize("graded", [False, True])
def test_overlong_numbers_are_refused_not_crashing(graded: bool) -> None:
    for family, answer in overlong_answers():
        verdict = verify(family, answer, level=1, graded=graded)
        assert_unreadable(verdict, "999999999...")


@pytest.mark.parametrize("family", ["graph-coloring", "scheduling"])
def test_overlong_value_after_a_correct_answer(family: str) -> None:
    """A value of the reference, padded with zeros past the limit, is not read as a number."""
    first, rest = reference(family, 3).split(", ", 1)
    padded = re.sub(r"(\d+)$", lambda m: "0" * 4400 + m.group(1), first)
    assert_unreadable(verify(family, f"{padded}, {rest}", level=3), "too long")


def test_read_int_bounds_the_digits() -> None:
    assert read_int("-12") == -12
    assert read_int("1" * 9) == 111_111_111
    assert read_int("12", max_digits=2) == 12
    for raw in ("1" * 10, BIG, "", "-", "²", "1.5", "--1"):
        with pytest.raises(AnswerFormatError):
            read_int(raw)


def test_number_cells_refuse_non_ascii_digits() -> None:
    """``"²".isdigit()`` holds but ``int("²")`` raises ValueError."""
    assert read_number_cell("7", 9) == 7
    with pytest.raises(AnswerFormatError):
        read_number_cell("²", 9)


# --- the shared reader -------------------------------------------------------------------------

PAIR = re.compile(r"(?<![A-Za-z])([A-Z])\s*:\s*(\d+)")
DIGIT = re.compile(r"\d")


def read_pairs(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in read_entries(text, PAIR, DIGIT)]


@pytest.mark.parametrize(
    "text",
    [
        "A: 1, B: 2",
        "A: 1\nB: 2.",
        "{A: 1; B: 2}",
        "1. A: 1\n2) B: 2",
        "- **A**: `1`\n- **B**: 2",
        "Answer:\nVertex A: 1, and B: 2",
    ],
)
def test_read_entries_accepts_decorated_lists(text: str) -> None:
    assert read_pairs(text) == [("A", "1"), ("B", "2")]


@pytest.mark.parametrize(
    "text",
    [
        "A: 1 B: 2",
        "A: 1 or 2",
        "A: 1, 2",
        "A: 1 (2)",
        "not A: 1",
        "A: 1\nor maybe 2",
        "3.A: 1",
        "A: 1*2",
    ],
)
def test_read_entries_refuses_hedges(text: str) -> None:
    with pytest.raises(AnswerFormatError):
        read_pairs(text)


# --- legitimate answers still score 1 ----------------------------------------------------------


def spellings(family: str, answer: str) -> list[str]:
    """The reference in the layouts the prompts and module docstrings allow."""
    entries = answer.split(", ")
    layouts = [
        answer,
        "\n".join(entries),
        "; ".join(entries),
        answer + ".",
        "\n".join(f"{i}. {e}" for i, e in enumerate(entries, 1)),
        "\n".join(f"- {e}" for e in entries),
        answer.lower(),
    ]
    separators = {
        "graph-coloring": [" = ", " is ", " -> "],
        "scheduling": [" = ", " starts at "],
        "sat": [": ", " -> ", " is "],
        "cryptarithm": [":", " -> ", " is "],
    }[family]
    old = ": " if family in ("graph-coloring", "scheduling") else re.search(r"\s*=\s*", answer)[0]
    return layouts + [answer.replace(old, new) for new in separators]


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_reference_spellings_score_one(family: str, level: int) -> None:
    for seed in range(3):
        for answer in spellings(family, reference(family, level, seed)):
            verdict = verify(family, answer, level, seed)
            assert (verdict.reward, verdict.status) == (1.0, "ok"), (answer, verdict.feedback)


def test_sat_value_spellings_and_the_complement_score_one() -> None:
    """The planted assignment's complement satisfies every clause by construction."""
    answer = reference("sat", 4)
    for table in ({"true": "false", "false": "true"}, {"true": "T", "false": "f"}):
        text = re.sub(r"true|false", lambda m, table=table: table[m[0]], answer)
        assert verify("sat", text, 4).reward == 1.0
    assert verify("sat", answer.replace("true", "1").replace("false", "0").upper(), 4).reward == 1


def test_graph_coloring_with_renamed_colours_scores_one() -> None:
    swap = {"1": "2", "2": "1"}
    answer = re.sub(r"\d+", lambda m: swap.get(m[0], m[0]), reference("graph-coloring", 5))
    assert verify("graph-coloring", answer, 5).reward == 1.0


def test_zebra_house_lines_still_read() -> None:
    t = task("zebra", 4)
    houses = zip(*t.metadata["solution"], strict=True)
    answer = "\n".join(f"House {h}: {', '.join(row)}" for h, row in enumerate(houses, 1))
    assert verify("zebra", answer, 4).reward == 1.0
    assert_unreadable(
        verify("zebra", answer.replace("House 1", "House " + "0" * 4400 + "1"), 4), "house"
    )


# --- linear time -------------------------------------------------------------------------------

ADVERSARIAL = [
    "A" + " " * 19_990 + "1",
    "A: " + "1" * 19_990,
    "x" + "1" * 19_990 + " = true",
    "A starts" + " " * 19_980 + "x",
    "A: 1" + " " * 19_990 + "x",
    "1. " * 6_600,
    "not " * 4_990,
    "x_" * 9_990,
    "house" + " " * 19_990 + "1: red",
    "A: 1, " + " " * 262_000,
]


@pytest.mark.parametrize("family", [*FAMILIES, "zebra"])
def test_adversarial_answers_are_read_fast(family: str) -> None:
    verify(family, "A: 1", 1)  # warm up
    for answer in ADVERSARIAL:
        start = time.perf_counter()
        verdict = verify(family, answer, 1)
        assert time.perf_counter() - start < 0.5, answer[:20]
        assert verdict.reward == 0.0 and verdict.status != "error"
