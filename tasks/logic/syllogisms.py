"""Syllogisms and propositional entailment: does the conclusion follow from the premises?

=====  =============  ========  ====================================================
level  kind           premises  content
=====  =============  ========  ====================================================
1      categorical    2         3 made-up terms; "all", "no", "some"
2      categorical    2         3 terms; also "some … are not …"
3      categorical    3         4 terms in a chain (sorites); all four forms
4      propositional  3         4 variables; not, and, or, implies
5      propositional  4         5 variables; also "if and only if", nested formulas
=====  =============  ========  ====================================================

The label is computed, never written by hand. Categorical: a model is a set of non-empty Venn
regions; universal statements forbid regions and each existential one needs one permitted region,
so "premises and not conclusion" has a model iff every existential requirement has a permitted
region. Puzzles whose label depends on whether the named categories must be non-empty
(existential import) are rejected. A level has only a few thousand premise/conclusion shapes, so
the solver labels each shape once (cached per level) and a puzzle is one draw from the shapes with
the wanted label: the same distribution as drawing shapes until one is accepted, without the
retries. Propositional: truth tables as bit masks (an int over the ``2**k`` rows). The
distribution of random formulas up to one connective below the top is listed once, with truth
tables and texts, so a formula is one or two ``bisect`` draws; premises and conclusion are drawn
until consistent, non-repeating and of the wanted label. Labels are balanced.

Answer format: ``valid`` (the conclusion is true whenever all the premises are) or ``invalid``,
inside ``<answer>…</answer>``; case and punctuation are ignored.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
import re
from collections.abc import Callable
from typing import Any, ClassVar, NamedTuple

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import MAX_ANSWER_CHARS, AnswerFormatError, PuzzleSource, RuleResult
from rlvr.types import Task

# fmt: off
NOUNS = (
    "blickets", "daxes", "wugs", "feps", "toves", "zorbs", "glorps", "snarks", "florbs", "quinks",
    "moxes", "tulvers", "brillows", "yorkles", "plenks", "grastons", "veems", "kibbers", "sprocks",
    "dworns"
)
# fmt: on
VARIABLES = "pqrst"
# level: (kind, terms or variables, premises, forms or connectives, formula depth)
LEVELS: dict[int, tuple[str, int, int, tuple[str, ...], int]] = {
    1: ("categorical", 3, 2, ("all", "no", "some"), 0),
    2: ("categorical", 3, 2, ("all", "no", "some", "some_not"), 0),
    3: ("categorical", 4, 3, ("all", "all", "no", "some", "some_not"), 0),
    4: ("propositional", 4, 3, ("not", "and", "or", "imp", "imp"), 1),
    5: ("propositional", 5, 4, ("not", "and", "or", "imp", "iff"), 2),
}
WORDS = {"and": "and", "or": "or", "imp": "implies", "iff": "if and only if"}
NEGATION = {"all": "some_not", "no": "some", "some": "no", "some_not": "all"}
SENTENCE = {
    "all": "All {x} are {y}.",
    "no": "No {x} are {y}.",
    "some": "Some {x} are {y}.",
    "some_not": "Some {x} are not {y}.",
}
PROMPT = (
    "{intro}\n\nPremises:\n{premises}\n\nConclusion: {conclusion}\n\n"
    "Is the conclusion valid, that is, true in every situation in which all the premises are "
    "true? Answer 'valid' or 'invalid' inside <answer></answer>."
)
INTRO = {
    "categorical": "The words below are made up: reason only from the premises.",
    "propositional": (
        "Each of {names} is a statement that is either true or false. 'or' is inclusive and "
        "'A implies B' is false only when A is true and B is false."
    ),
}


@functools.cache
def _bits(k: int) -> tuple[int, ...]:
    """Per term (or variable) ``t``: the mask of the ``2**k`` regions (rows) with bit ``t`` set."""
    return tuple(sum(1 << r for r in range(1 << k) if r >> t & 1) for t in range(k))


def _below(rng: random.Random, n: int) -> int:
    """A uniform draw from ``range(n)`` (one ``rng.random()``, cheaper than ``randrange``; for
    the small ``n`` here the rounding bias, about n / 2**53, is negligible)."""
    return int(rng.random() * n)


@functools.cache
def _orders(n: int) -> tuple[tuple[int, ...], ...]:
    """Every order of ``n`` premises."""
    return tuple(itertools.permutations(range(n)))


def satisfiable(statements: list[list[Any]], k: int) -> bool:
    """Is there a set of non-empty regions (over ``k`` terms) making every statement true?"""
    terms = _bits(k)
    forbidden, needs = 0, []
    for form, x, y in statements:
        if form == "all":
            forbidden |= terms[x] & ~terms[y]
        elif form == "no":
            forbidden |= terms[x] & terms[y]
        else:
            needs.append(terms[x] & (terms[y] if form == "some" else ~terms[y]))
    return all(need & ~forbidden for need in needs)


def categorical_label(premises: list[list[Any]], conclusion: list[Any], k: int) -> bool:
    form, x, y = conclusion
    return not satisfiable([*premises, [NEGATION[form], x, y]], k)


def truth(formula: list[Any], k: int) -> int:
    """Truth table of a formula as a bit mask over the ``2**k`` assignments."""
    full = (1 << (1 << k)) - 1
    op, *args = formula
    if op == "var":
        return _bits(k)[args[0]]
    parts = [truth(arg, k) for arg in args]
    if op == "not":
        return full & ~parts[0]
    if op == "and":
        return parts[0] & parts[1]
    if op == "or":
        return parts[0] | parts[1]
    if op == "imp":
        return (full & ~parts[0]) | parts[1]
    return full & ~(parts[0] ^ parts[1])  # iff


def _combine(op: str, a: int, b: int, full: int) -> int:
    """The truth table of ``[op, A, B]`` from those of ``A`` and ``B``."""
    if op == "and":
        return a & b
    if op == "or":
        return a | b
    if op == "imp":
        return (full ^ a) | b
    return full ^ a ^ b  # iff


class _Formulas(NamedTuple):
    """Formulas (nested tuples) with their truth tables, their texts as parts of a bigger formula
    (``render_formula(formula, top=False)``) and their probabilities, also cumulated."""

    formulas: tuple[tuple[Any, ...], ...]
    masks: tuple[int, ...]
    texts: tuple[str, ...]
    weights: tuple[float, ...]
    cumulative: tuple[float, ...]


@functools.cache
def _formulas(k: int, depth: int, ops: tuple[str, ...]) -> _Formulas:
    """The distribution of ``random_formula(rng, k, depth, ops)`` listed in full (for depth <= 1:
    a few thousand formulas), so a draw is one ``bisect`` instead of a recursion with retries.

    The process it lists: at depth < 0 a variable; at depth 0 a variable with probability 0.3;
    otherwise a connective from ``ops`` (repeats count); "not" takes a variable, a binary one two
    formulas of the depth below, drawn again until they differ and the result is not constant.
    """
    bits, full = _bits(k), (1 << (1 << k)) - 1
    entries: dict[tuple[Any, ...], list[Any]] = {}  # formula: [truth table, text, probability]

    def add(formula: tuple[Any, ...], truth_table: int, text: str, p: float) -> None:
        entries.setdefault(formula, [truth_table, text, 0.0])[2] += p

    if depth <= 0:
        for var in range(k):
            add(("var", var), bits[var], VARIABLES[var], (1.0 if depth < 0 else 0.3) / k)
    if depth >= 0:
        children = list(zip(*_formulas(k, depth - 1, ops)[:4], strict=True))
        share = (0.7 if depth == 0 else 1.0) / len(ops)
        for op in ops:
            if op == "not":
                for var in range(k):
                    text = f"(not {VARIABLES[var]})"
                    add(("not", ("var", var)), full ^ bits[var], text, share / k)
                continue
            kept = []  # the pairs the retry loop accepts, in proportion to their probability
            for left, a, left_text, p in children:
                for right, b, right_text, q in children:
                    both = _combine(op, a, b, full)
                    if 0 < both < full and left != right:
                        text = f"({left_text} {WORDS[op]} {right_text})"
                        kept.append(((op, left, right), both, text, p * q))
            total = sum(p for *_, p in kept)
            for formula, both, text, p in kept:
                add(formula, both, text, share * p / total)
    masks, texts, weights = zip(*entries.values(), strict=True)
    cumulative = tuple(itertools.accumulate(weights))
    return _Formulas(tuple(entries), masks, texts, weights, cumulative)


Drawn = tuple[tuple[Any, ...], int, str]  # a formula, its truth table, its text as a part


@functools.cache
def _sampler(k: int, depth: int, ops: tuple[str, ...]) -> Callable[[random.Random], Drawn]:
    """A function drawing a formula as ``random_formula(rng, k, depth, ops)`` would."""
    if depth <= 1:  # one bisect into the listed distribution
        table = _formulas(k, depth, ops)
        formulas, masks, texts, _, cumulative = table
        total = cumulative[-1]

        def draw(rng: random.Random) -> Drawn:
            i = bisect.bisect(cumulative, rng.random() * total)
            return formulas[i], masks[i], texts[i]

        return draw
    # deeper: the top connective as random_formula draws it, over parts one level shallower
    part, full = _sampler(k, depth - 1, ops), (1 << (1 << k)) - 1
    negated = [(("not", ("var", v)), full ^ _bits(k)[v], f"(not {VARIABLES[v]})") for v in range(k)]

    def draw(rng: random.Random) -> Drawn:
        op = ops[_below(rng, len(ops))]
        if op == "not":
            return negated[_below(rng, k)]
        while True:
            left, a, left_text = part(rng)
            right, b, right_text = part(rng)
            both = _combine(op, a, b, full)
            if 0 < both < full and left != right:
                return (op, left, right), both, f"({left_text} {WORDS[op]} {right_text})"

    return draw


def _as_lists(formula: tuple[Any, ...]) -> list[Any]:
    """A formula of nested tuples as the nested lists ``random_formula`` returns."""
    op = formula[0]
    if op == "var":
        return ["var", formula[1]]
    if op == "not":
        return ["not", ["var", formula[1][1]]]
    return [op, _as_lists(formula[1]), _as_lists(formula[2])]


def random_formula(rng: random.Random, k: int, depth: int, ops: tuple[str, ...]) -> list[Any]:
    """A formula of at most ``depth`` connectives deep with no constant or repeated parts: at
    depth < 0 a variable; at depth 0 a variable with probability 0.3; otherwise a connective
    from ``ops``, "not" over a variable, a binary one over two formulas one level shallower,
    drawn again while they are equal or make the formula constant."""
    return _as_lists(_sampler(k, depth, ops)(rng)[0])


def render_formula(formula: list[Any], top: bool = True) -> str:
    op, *args = formula
    if op == "var":
        return VARIABLES[args[0]]
    if op == "not":
        text = f"not {VARIABLES[args[0][1]]}"
    else:
        text = f"{render_formula(args[0], False)} {WORDS[op]} {render_formula(args[1], False)}"
    return text if top else f"({text})"


def _top(formula: tuple[Any, ...], text: str) -> str:
    """``render_formula(formula)`` from the text of the formula as a part."""
    return text if formula[0] == "var" else text[1:-1]


def _judge(premises: list[list[Any]], conclusion: list[Any], k: int) -> bool | None:
    """The label of one categorical puzzle, or None when it is rejected (inconsistent premises,
    conclusion repeated as a premise, label changed by existential import)."""
    if conclusion in premises or not satisfiable(premises, k):
        return None
    label = categorical_label(premises, conclusion, k)
    existential = [["some", t, t] for t in range(k)]  # every category non-empty
    if categorical_label([*premises, *existential], conclusion, k) != label:
        return None
    return label


Shape = tuple[tuple[str, int, int], ...]  # categorical premises, then the conclusion


@functools.cache
def _categorical_shapes(difficulty: int) -> tuple[tuple[Shape, ...], tuple[Shape, ...]]:
    """(invalid shapes, valid shapes) of a categorical level, labelled by the solver.

    Every equally likely way of drawing a shape (a form from ``forms``, repeats included, and an
    orientation for each premise along the chain 0-1-…-k-1 and for the conclusion 0…k-1) is
    listed once unless ``_judge`` rejects it, so a uniform pick from a list is the distribution
    that drawing until a shape is accepted with the wanted label would give.
    """
    _, k, _, forms, _ = LEVELS[difficulty]
    pairs = [*itertools.pairwise(range(k)), (0, k - 1)]
    slots = [[(f, a, b) for a, b in ((x, y), (y, x)) for f in forms] for x, y in pairs]
    labels: dict[Shape, bool | None] = {}
    shapes: tuple[list[Shape], list[Shape]] = ([], [])
    for shape in itertools.product(*slots):
        if shape not in labels:
            *premises, conclusion = (list(s) for s in shape)
            labels[shape] = _judge(premises, conclusion, k)
        if labels[shape] is not None:
            shapes[labels[shape]].append(shape)
    return tuple(shapes[0]), tuple(shapes[1])


@functools.cache
def _sentence(statement: tuple[str, int, int]) -> str:
    """A categorical statement in words, with ``{i}`` where the name of term ``i`` goes."""
    form, x, y = statement
    return SENTENCE[form].format(x=f"{{{x}}}", y=f"{{{y}}}")


@functools.cache
def _categorical_prompt() -> list[str]:
    """``PROMPT`` for a categorical puzzle, cut where the premises and the conclusion go."""
    return PROMPT.format(intro=INTRO["categorical"], premises="\0", conclusion="\0").split("\0")


def _propositional(rng: random.Random, k: int, count: int, ops: tuple[str, ...], depth: int):
    """One draw of premises and conclusion (as ``Drawn``), or None when rejected."""
    draw = _sampler(k, depth, ops)
    premises, models = [], (1 << (1 << k)) - 1
    for _ in range(count):
        premise = draw(rng)
        models &= premise[1]
        if not models:  # inconsistent: reject now, the rest of the draw cannot save it
            return None
        premises.append(premise)
    conclusion = draw(rng)  # never constant
    claimed = conclusion[1]
    for premise in premises:
        if premise[1] == claimed:
            return None
    return premises, conclusion, models & ~claimed == 0


class SyllogismSource(PuzzleSource):
    """Premises and a conclusion; the answer is whether the conclusion is entailed."""

    family: ClassVar[str] = "syllogisms"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        kind, k, count, forms, depth = LEVELS[difficulty]
        want = rng.random() < 0.5
        label = "valid" if want else "invalid"
        if kind == "categorical":
            shapes = _categorical_shapes(difficulty)[want]
            shape = shapes[_below(rng, len(shapes))]  # k - 1 premises, then the conclusion
            # an ordered random sample: term i (chain position i) is called names[i], so the
            # names do not give the chain order away
            pool = list(NOUNS)
            names = [pool.pop(_below(rng, n)) for n in range(len(pool), len(pool) - k, -1)]
            orders = _orders(k - 1)
            order = orders[_below(rng, len(orders))]  # the premises in a random order
            head, middle, tail = _categorical_prompt()  # sentences have {i} for term i's name
            text = "\n".join([f"{i}. {_sentence(shape[j])}" for i, j in enumerate(order, 1)])
            prompt = (head + text + middle + _sentence(shape[-1]) + tail).format(*names)
            metadata = {
                "kind": kind,
                "terms": names,
                "premises": [list(shape[j]) for j in order],
                "conclusion": list(shape[-1]),
                "label": label,
            }
            return Problem(prompt, label, metadata)
        else:
            while (made := _propositional(rng, k, count, forms, depth)) is None or made[2] != want:
                pass
            premises = [_as_lists(formula) for formula, _, _ in made[0]]
            conclusion = _as_lists(made[1][0])
            names = list(VARIABLES[:k])
            lines = [_top(formula, text) for formula, _, text in made[0]]
            said = _top(made[1][0], made[1][2])
            intro = INTRO[kind].format(names=", ".join(names[:-1]) + " and " + names[-1])
        orders = _orders(len(premises))
        order = orders[_below(rng, len(orders))]  # the premises in a random order
        text = "\n".join([f"{i}. {lines[j]}" for i, j in enumerate(order, 1)])
        prompt = PROMPT.format(intro=intro, premises=text, conclusion=said)
        if kind == "categorical":
            prompt = prompt.format(*names)  # PROMPT and INTRO have no braces of their own
        metadata = {
            "kind": kind,
            "terms": names,
            "premises": [premises[j] for j in order],
            "conclusion": conclusion,
            "label": label,
        }
        return Problem(prompt, label, metadata)


_READINGS = {
    "valid": "valid",
    "invalid": "invalid",
    "not valid": "invalid",
    "entailed": "valid",
    "not entailed": "invalid",
}


def parse(answer: str) -> str:
    if len(answer) > MAX_ANSWER_CHARS:
        raise AnswerFormatError("the answer is too long")
    text = " ".join(re.sub(r"[*_`'\".!:()\[\]]", " ", answer).lower().split())
    text = re.sub(r"^(?:answer|the conclusion is|conclusion)\s*", "", text).strip()
    if text not in _READINGS:
        raise AnswerFormatError("answer with the single word 'valid' or 'invalid'")
    return _READINGS[text]


def check(task: Task, answer: str) -> RuleResult:
    """One constraint: the verdict agrees with the model enumeration / truth table."""
    given = parse(answer)
    if given == task.metadata["label"]:
        return RuleResult.all_or_nothing(None)
    return RuleResult.all_or_nothing("wrong verdict: the premises were not read correctly")


def reference(task: Task) -> str:
    return task.metadata["label"]


def mutations(task: Task) -> dict[str, str]:
    opposite = "invalid" if task.metadata["label"] == "valid" else "valid"
    return {"opposite_label": opposite, "opposite_label_sentence": f"The conclusion is {opposite}."}


def trivial_answers(task: Task) -> dict[str, str]:
    """None: the answer is 'valid' or 'invalid', and either is right on about half the
    puzzles (graded credit is pass/fail: one rule)."""
    return {}
