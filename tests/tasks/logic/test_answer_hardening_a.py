"""Answer hardening of six logic families: hedged, negated or relabelled answers, and slow input.

Each case comes from an audit of the verifiers: an answer that scored 1 without saying the right
thing, an input that took seconds to read, or a number that crashed ``int()``. Tasks are drawn as
the environments draw them (``env.reset(seed=...)``), so the seeds match the audit.
"""

from __future__ import annotations

import time
from functools import cache

import pytest

import rlvr
from rlvr.tasks.logic import hanoi, knights_knaves, minesweeper, shortest_path
from rlvr.types import Task, Verdict
from rlvr.verifiers.rules import RuleVerifier


@cache
def env(name: str, level: int, graded: bool = False):
    extra = {"graded": True} if graded else {}
    return rlvr.make(f"logic/{name}-v0", difficulty=level, **extra).unwrapped


def task(name: str, level: int, seed: int = 0) -> Task:
    """Task ``seed`` of environment ``logic/<name>-v0``, drawn as ``reset`` draws it."""
    return env(name, level).reset(seed=seed)[1]["task"]


def verdict(name: str, level: int, seed: int, answer: str, graded: bool = False) -> Verdict:
    """The environment's verdict on ``answer`` in answer tags."""
    return env(name, level, graded).verify(task(name, level, seed), f"<answer>{answer}</answer>")


def assert_scores(name: str, level: int, seed: int, answers: list[str], reward: float) -> None:
    for answer in answers:
        got = verdict(name, level, seed, answer)
        assert (got.reward, got.correct) == (reward, reward == 1.0), (answer, got.feedback)


def assert_unread(name: str, level: int, seed: int, answers: list[str]) -> None:
    """Each answer is refused as unreadable: reward 0, status ``no_answer``."""
    for answer in answers:
        got = verdict(name, level, seed, answer)
        assert (got.reward, got.correct, got.status) == (0.0, False, "no_answer"), answer


def assert_fast_and_refused(name: str, level: int, answer: str) -> None:
    """Read in-process in well under 0.5 s of CPU time, scoring 0 without an error."""
    puzzle, completion = task(name, level), f"<answer>{answer}</answer>"
    started = time.process_time()
    got = RuleVerifier().verify(puzzle, completion)
    assert time.process_time() - started < 0.5
    assert (got.reward, got.status) == (0.0, "no_answer"), got.feedback


# --- family relations: only the word, or "X is Y's word" -------------------------------------


def relation_task(level: int, part: str) -> tuple[int, Task]:
    """The first seed (and its task) whose answer contains ``part``."""
    return next(
        (s, t) for s in range(60) if part in (t := task("family-relations", level, s)).answer
    )


def test_family_relations_refuses_negations_and_hedges():
    t = task("family-relations", 2)
    x, y, word = t.metadata["x"], t.metadata["y"], t.answer
    assert word == "grandfather"  # the audit's case
    negated = [f"not {word}", f"{x} is NOT {y}'s {word}", f"maybe {word}, maybe not"]
    assert_unread("family-relations", 2, 0, [*negated, f"{y} is {x}'s {word}"])
    assert_scores(
        "family-relations", 2, 0, [word, word.upper(), f"{x} is {y}'s {word.title()}."], 1.0
    )


def test_family_relations_refuses_a_longer_relation():
    seed, t = relation_task(5, "great-grand")
    assert_unread("family-relations", 5, seed, [f"great {t.answer.replace('-', ' ')}"])
    spellings = [t.answer, t.answer.replace("-", " "), t.answer.replace("grand", "grand ")]
    assert_scores("family-relations", 5, seed, spellings, 1.0)


def test_family_relations_reads_in_law_spellings():
    seed, t = relation_task(4, "-in-law")
    spellings = [t.answer, t.answer.replace("-", " "), f"the {t.answer.replace('-', '_')}"]
    assert_scores("family-relations", 4, seed, spellings, 1.0)


def test_family_relations_reads_a_long_dash_run_fast():
    assert_fast_and_refused("family-relations", 1, "a" + "-" * 19990 + "b")


# --- seating: seat labels may not reorder the written list -----------------------------------


def test_seating_refuses_seat_labels_out_of_order():
    order = task("seating", 1).metadata["solution"]
    n = len(order)
    relabelled = ", ".join(f"Seat {n - i}: {p}" for i, p in enumerate(order))
    assert_unread("seating", 1, 0, [relabelled, f"Seat 2: {order[0]}, " + ", ".join(order[1:])])
    assert_scores("seating", 1, 0, [", ".join(reversed(order))], 0.0)  # what it states


def test_seating_reads_labels_in_order():
    order = task("seating", 3).metadata["solution"]
    labelled = [
        ", ".join(order),
        ", ".join(f"Seat {i}: {p}" for i, p in enumerate(order, 1)),
        "\n".join(f"{i}. {p}" for i, p in enumerate(order, 1)),
        " - ".join(order),
    ]
    assert_scores("seating", 3, 0, labelled, 1.0)


def test_seating_reads_a_long_blank_run_fast():
    assert_fast_and_refused("seating", 1, "a" + " " * 19990 + "b")


# --- shortest path: a token is a move or the answer is unreadable ----------------------------


def test_shortest_path_refuses_move_counts():
    moves = shortest_path.reference(task("shortest-path", 1)).split()
    counted = [" ".join(f"{m}2" for m in moves), " ".join(f"3{m}" for m in moves)]
    hedged = [" ".join(f"{m}\u00b2" for m in moves), " ".join([*moves[:-1], f"{moves[-1]}/U"])]
    assert_unread("shortest-path", 1, 0, counted + hedged)


def test_shortest_path_reads_plain_moves():
    moves = shortest_path.reference(task("shortest-path", 1)).split()
    words = {v: k.lower() for k, v in shortest_path.WORDS.items()}
    answers = [
        " ".join(moves),
        "".join(moves),
        ", ".join(words[m] for m in moves),
        f"[{', '.join(m.lower() for m in moves)}]",
        " -> ".join(moves),
    ]
    assert_scores("shortest-path", 1, 0, answers, 1.0)


# --- minesweeper: nothing but pairs ----------------------------------------------------------


def test_minesweeper_refuses_a_negated_pair():
    mines = task("minesweeper", 1).metadata["mines"]
    kept, excluded = minesweeper.show(mines[:-1]), minesweeper.show(mines[-1:])
    hedges = [f"{kept}, but NOT {excluded}", f"{kept}, maybe {excluded}", f"Mines: {kept}"]
    assert_unread("minesweeper", 1, 0, hedges)


def test_minesweeper_reads_pairs_with_separators():
    mines = task("minesweeper", 1).metadata["mines"]
    tight = "; ".join(f"({r + 1},{c + 1})" for r, c in mines)
    assert_scores("minesweeper", 1, 0, [minesweeper.show(mines), f"[{tight}]."], 1.0)


# --- hanoi: bounded peg numbers, linear reading ----------------------------------------------


@pytest.mark.parametrize(
    "answer", ["1" * 4500, "1" * 19990, "1" + " " * 8000 + "2", "\n" * 19990 + "1", "( " * 9000]
)
def test_hanoi_reads_long_runs_fast(answer):
    assert_fast_and_refused("tower-of-hanoi", 1, answer)


def test_hanoi_refuses_a_huge_peg_number_without_an_error():
    assert_unread("tower-of-hanoi", 1, 0, ["9" * 4400 + " -> 1", "1 -> " + "9" * 4400, "1234 -> 1"])


def test_hanoi_reads_its_formats():
    moves = [line.split(" -> ") for line in hanoi.reference(task("tower-of-hanoi", 1)).splitlines()]
    answers = [
        "\n".join(f"{a} -> {b}" for a, b in moves),
        "\n".join(f"{i}. {a} to {b}" for i, (a, b) in enumerate(moves, 1)),
        ", ".join(f"( {a} -> {b} )" for a, b in moves),
        " ".join(f"{a}\u2192{b}" for a, b in moves),
    ]
    assert_scores("tower-of-hanoi", 1, 0, answers, 1.0)


# --- knights and knaves: linear reading; unnamed speakers earn nothing -----------------------


def test_knights_knaves_reads_a_star_run_fast():
    assert_fast_and_refused("knights-knaves", 1, "*" * 12000 + "knight")


def test_knights_knaves_unnamed_statements_count_as_broken():
    t = task("knights-knaves", 1)
    names = t.metadata["names"]
    assert len(names) == 2
    for kind in ("knight", "knave"):  # right or wrong, the other person's two rules are broken
        result = knights_knaves.check(t, f"{names[0]}: {kind}")
        assert result.total == 4 and result.satisfied <= 2
        assert result.feedback == f"{names[1]} is not classified"
        assert verdict("knights-knaves", 1, 0, f"{names[0]}: {kind}", graded=True).reward == 0.0


@pytest.mark.parametrize("level", [1, 3, 5])
def test_knights_knaves_naming_fewer_people_never_pays(level):
    for seed in range(8):
        t = task("knights-knaves", level, seed)
        names, knights = t.metadata["names"], t.metadata["knights"]
        n = len(names)
        for k in range(1, n):
            kinds = [knights[i] if i < k else False for i in range(n)]
            full = knights_knaves._render_answer(names, kinds)
            part = "\n".join(full.splitlines()[:k])
            result = knights_knaves.check(t, part)
            assert result.satisfied / result.total <= k / n
            some = verdict("knights-knaves", level, seed, part, graded=True).reward
            assert some <= verdict("knights-knaves", level, seed, full, graded=True).reward
            assert some < 1.0


def test_knights_knaves_reads_its_formats():
    t = task("knights-knaves", 3)
    names, knights = t.metadata["names"], t.metadata["knights"]
    kinds = ["knight" if k else "knave" for k in knights]
    pairs = list(zip(names, kinds, strict=True))
    answers = [
        knights_knaves.reference(t),
        "\n".join(f"{i}. **{n}**: {k}" for i, (n, k) in enumerate(pairs, 1)),
        "\n".join(f"- **{n}**: {k.title()}" for n, k in pairs),
        ", ".join(f"{n} is a {k}" for n, k in pairs),
    ]
    assert_scores("knights-knaves", 3, 0, answers, 1.0)
