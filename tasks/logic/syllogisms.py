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
(existential import) are rejected. Propositional: truth tables as bit masks. Labels are balanced.

Answer format: ``valid`` (the conclusion is true whenever all the premises are) or ``invalid``,
inside ``<answer>…</answer>``; case and punctuation are ignored.
"""

from __future__ import annotations

import itertools
import random
import re
from typing import Any, ClassVar

from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.tasks.logic.rules import MAX_ANSWER_CHARS, AnswerFormatError, RuleResult
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


def satisfiable(statements: list[list[Any]], k: int) -> bool:
    """Is there a set of non-empty regions (over ``k`` terms) making every statement true?"""
    terms = [sum(1 << r for r in range(1 << k) if r >> t & 1) for t in range(k)]
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
        return sum(1 << a for a in range(1 << k) if a >> args[0] & 1)
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


def random_formula(rng: random.Random, k: int, depth: int, ops: tuple[str, ...]) -> list[Any]:
    """A formula of at most ``depth`` connectives deep with no constant or repeated parts."""
    if depth < 0 or (depth == 0 and rng.random() < 0.3):
        return ["var", rng.randrange(k)]
    op = rng.choice(ops)
    if op == "not":
        return ["not", ["var", rng.randrange(k)]]
    full = (1 << (1 << k)) - 1
    while True:
        left, right = (random_formula(rng, k, depth - 1, ops) for _ in range(2))
        formula = [op, left, right]
        if left != right and 0 < truth(formula, k) < full:
            return formula


def render_formula(formula: list[Any], top: bool = True) -> str:
    op, *args = formula
    if op == "var":
        return VARIABLES[args[0]]
    if op == "not":
        text = f"not {VARIABLES[args[0][1]]}"
        return text if top else f"({text})"
    word = {"and": "and", "or": "or", "imp": "implies", "iff": "if and only if"}[op]
    text = f"{render_formula(args[0], False)} {word} {render_formula(args[1], False)}"
    return text if top else f"({text})"


def _categorical(rng: random.Random, k: int, forms: tuple[str, ...]):
    chain = list(range(k))
    premises = []
    for a, b in itertools.pairwise(chain):
        pair = [a, b] if rng.random() < 0.5 else [b, a]
        premises.append([rng.choice(forms), *pair])
    ends = [0, k - 1] if rng.random() < 0.5 else [k - 1, 0]
    conclusion = [rng.choice(forms), *ends]
    label = categorical_label(premises, conclusion, k)
    existential = [["some", t, t] for t in range(k)]  # every category non-empty
    if categorical_label([*premises, *existential], conclusion, k) != label:
        return None
    if not satisfiable(premises, k) or conclusion in premises:
        return None
    return premises, conclusion, label


def _propositional(rng: random.Random, k: int, count: int, ops: tuple[str, ...], depth: int):
    premises = [random_formula(rng, k, depth, ops) for _ in range(count)]
    conclusion = random_formula(rng, k, depth, ops)
    full = (1 << (1 << k)) - 1
    models = full
    for premise in premises:
        models &= truth(premise, k)
    claimed = truth(conclusion, k)
    if not models or claimed in (0, full) or any(claimed == truth(p, k) for p in premises):
        return None
    return premises, conclusion, models & ~claimed == 0


class SyllogismSource(ProceduralSource):
    """Premises and a conclusion; the answer is whether the conclusion is entailed."""

    family: ClassVar[str] = "syllogisms"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        kind, k, count, forms, depth = LEVELS[difficulty]
        want = rng.random() < 0.5
        while True:
            if kind == "categorical":
                made = _categorical(rng, k, forms)  # k - 1 premises
            else:
                made = _propositional(rng, k, count, forms, depth)
            if made is not None and made[2] == want:
                break
        premises, conclusion, valid = made
        if kind == "categorical":
            names = rng.sample(NOUNS, k)
            order = list(range(k))
            rng.shuffle(order)  # terms do not appear in chain order
            names = [names[i] for i in order]
            lines = [SENTENCE[f].format(x=names[x], y=names[y]) for f, x, y in premises]
            said = SENTENCE[conclusion[0]].format(x=names[conclusion[1]], y=names[conclusion[2]])
            intro = INTRO[kind]
        else:
            names = list(VARIABLES[:k])
            lines = [render_formula(p) for p in premises]
            said = render_formula(conclusion)
            intro = INTRO[kind].format(names=", ".join(names[:-1]) + " and " + names[-1])
        shuffled = list(zip(lines, premises, strict=True))
        rng.shuffle(shuffled)
        lines, premises = [t for t, _ in shuffled], [p for _, p in shuffled]
        label = "valid" if valid else "invalid"
        prompt = PROMPT.format(
            intro=intro,
            premises="\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1)),
            conclusion=said,
        )
        metadata = {
            "kind": kind,
            "terms": names,
            "premises": premises,
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
