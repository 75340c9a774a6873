"""Deduction puzzle families: knights-knaves, zebra, syllogisms, family-relations.

Uniqueness and labels are re-derived here by brute force with evaluators written independently of
the generators' bit-mask solvers.
"""

from __future__ import annotations

import collections
import itertools
import json
import random
import re
import time
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rlvr.tasks.base import ProceduralSource
from rlvr.tasks.logic import family_relations, knights_knaves, syllogisms, zebra
from rlvr.tasks.logic.rules import AnswerFormatError
from rlvr.types import Task
from rlvr.verifiers.rules import RuleVerifier

FAMILIES: dict[str, tuple[ModuleType, type[ProceduralSource]]] = {
    "knights-knaves": (knights_knaves, knights_knaves.KnightsKnavesSource),
    "zebra": (zebra, zebra.ZebraSource),
    "syllogisms": (syllogisms, syllogisms.SyllogismSource),
    "family-relations": (family_relations, family_relations.FamilyRelationsSource),
}
SIZE = {  # how big a puzzle is, from its metadata
    "knights-knaves": lambda m: len(m["names"]),
    "zebra": lambda m: len(m["attributes"]) * len(m["values"][0]),
    "syllogisms": lambda m: len(m["premises"]) + len(m["terms"]),
    # level 5 trees have a generation more but (on average) fewer people than level 4 trees
    "family-relations": lambda m: len(m["people"]) * m["generations"],
}
CASES = [(family, level) for family in FAMILIES for level in range(1, 6)]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def task(family: str, level: int, index: int = 0, seed: int = 0) -> Task:
    return FAMILIES[family][1](seed=seed, difficulty=level)[index]


@pytest.mark.parametrize(("family", "level"), CASES)
def test_reference_solves_and_mutations_break_a_rule(family, level):
    rules = FAMILIES[family][0]
    for index in range(6):
        t = task(family, level, index)
        assert t.metadata["source"] == family
        result = rules.check(t, rules.reference(t))
        assert result.solved, (t.prompt, result)
        assert rules.reference(t) == t.answer
        bad = rules.mutations(t)
        assert len(bad) >= 2
        for name, answer in bad.items():
            result = rules.check(t, answer)
            assert not result.solved, (name, answer)
            assert result.feedback
            assert rules.reference(t) not in result.feedback  # no solution leaked


@pytest.mark.parametrize(("family", "level"), CASES)
def test_degenerate_answers_are_rejected_quickly(family, level):
    rules = FAMILIES[family][0]
    t = task(family, level, 3)
    for answer in ("", "   ", "banana", t.prompt, "x" * 1_000_000, "knight\n" * 50_000):
        start = time.perf_counter()
        try:
            solved = rules.check(t, answer).solved
        except AnswerFormatError:
            solved = False
        assert not solved
        assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(("family", "level"), CASES)
def test_verifier_end_to_end(family, level):
    verifier = RuleVerifier()
    t = task(family, level, 1)
    verdict = verifier.check(t, verifier.reference_completion(t))
    assert verdict.reward == 1.0 and verdict.correct
    for name, completion in verifier.known_bad_completions(t).items():
        verdict = verifier.check(t, completion)
        assert verdict.reward == 0.0 and not verdict.correct, name


@pytest.mark.parametrize("family", FAMILIES)
def test_deterministic_and_json_serialisable(family):
    source = FAMILIES[family][1]
    for level in range(1, 6):
        a, b = source(seed=5, difficulty=level)[7], source(seed=5, difficulty=level)[7]
        assert a == b
        assert Task.model_validate_json(a.model_dump_json()) == a
        json.dumps(a.metadata)
        prompts = {source(seed=seed, difficulty=level)[7].prompt for seed in range(6)}
        assert len(prompts) >= 5


@pytest.mark.parametrize("family", FAMILIES)
def test_difficulty_grows(family):
    sizes = [
        sum(SIZE[family](task(family, level, i).metadata) for i in range(15)) / 15
        for level in range(1, 6)
    ]
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0], sizes


# --- knights and knaves: brute force over all 2**n assignments ---------------------------------


def says(expr, knight: tuple[bool, ...]) -> bool:
    op, *args = expr
    if op == "is":
        return knight[args[0]] == args[1]
    if op in ("same", "diff"):
        return (knight[args[0]] == knight[args[1]]) == (op == "same")
    if op in ("exactly", "atleast"):
        count = sum(knight[p] for p in args[1])
        return count == args[0] if op == "exactly" else count >= args[0]
    values = [says(arg, knight) for arg in args]
    return {
        "and": all(values),
        "or": any(values),
        "if": not values[0] or values[-1],
        "iff": values[0] == values[-1],
    }[op]


@SETTINGS
@given(seed=st.integers(0, 10**6), level=st.integers(1, 5))
def test_knights_knaves_exactly_one_consistent_assignment(seed, level):
    t = task("knights-knaves", level, seed=seed)
    names, statements = t.metadata["names"], t.metadata["statements"]
    consistent = [
        knight
        for knight in itertools.product([False, True], repeat=len(names))
        if all(says(s, knight) == knight[p] for p, s in enumerate(statements))
    ]
    assert consistent == [tuple(t.metadata["knights"])]
    for knight in itertools.product([False, True], repeat=len(names)):
        answer = knights_knaves._render_answer(names, list(knight))
        assert knights_knaves.check(t, answer).solved == (knight == consistent[0])


def test_knights_knaves_reads_lenient_answers():
    t = task("knights-knaves", 2, 4)
    names, knight = t.metadata["names"], t.metadata["knights"]
    kinds = ["knight" if k else "knave" for k in knight]
    prose = ", ".join(f"{n.upper()} is a {k}" for n, k in zip(names, kinds, strict=True))
    assert knights_knaves.check(t, prose).solved
    bullets = "\n".join(f"- **{n}**: {k.title()}" for n, k in zip(names, kinds, strict=True))
    assert knights_knaves.check(t, bullets).solved
    partial = knights_knaves.check(t, f"{names[0]}: {kinds[0]}")
    assert not partial.solved and "not classified" in partial.feedback
    with pytest.raises(AnswerFormatError):
        knights_knaves.check(t, f"{names[0]}: knight\n{names[0]}: knave")
    with pytest.raises(AnswerFormatError):
        knights_knaves.check(t, "Zorro: knight")


# --- zebra: brute force over every arrangement of small puzzles ---------------------------------

HOLDS = {
    "same": lambda a, b: a == b,
    "diff": lambda a, b: a != b,
    "left": lambda a, b: b == a + 1,
    "before": lambda a, b: a < b,
    "next": lambda a, b: abs(a - b) == 1,
    "pos": lambda a, k: a == k - 1,
    "notpos": lambda a, k: a != k - 1,
}


def arrangements(t: Task) -> list[tuple[tuple[str, ...], ...]]:
    """Every arrangement that satisfies all the clues: all permutations of each attribute in
    turn, a clue checked as soon as every value it names has a house."""
    values, clues = t.metadata["values"], t.metadata["clues"]
    attribute = {v: a for a, row in enumerate(values) for v in row}
    due: list[list] = [[] for _ in values]
    for kind, x, y in clues:
        due[max(attribute[x], -1 if kind.endswith("pos") else attribute[y])].append((kind, x, y))
    found = []

    def extend(grid: list, house: dict[str, int]) -> None:
        if len(grid) == len(values):
            found.append(tuple(grid))
            return
        for perm in itertools.permutations(values[len(grid)]):
            now = house | {v: h for h, v in enumerate(perm)}
            if all(
                HOLDS[k](now[x], y if k.endswith("pos") else now[y]) for k, x, y in due[len(grid)]
            ):
                extend([*grid, perm], now)

    extend([], {})
    return found


@SETTINGS
@given(seed=st.integers(0, 10**6), level=st.integers(1, 3))
def test_zebra_has_exactly_one_solution(seed, level):
    t = task("zebra", level, seed=seed)
    assert arrangements(t) == [tuple(map(tuple, t.metadata["solution"]))]


@pytest.mark.parametrize(("level", "index"), [(4, 1), (4, 2), (5, 4), (5, 5)])
def test_big_zebra_has_exactly_one_solution(level, index):
    t = task("zebra", level, index, seed=11)  # chosen to enumerate in well under a second
    assert arrangements(t) == [tuple(map(tuple, t.metadata["solution"]))]


@SETTINGS
@given(seed=st.integers(0, 10**6))
def test_zebra_3x3_checker_accepts_only_the_solution(seed):
    t = task("zebra", 1, seed=seed)
    attributes, values = t.metadata["attributes"], t.metadata["values"]
    accepted = [
        grid
        for grid in itertools.product(*(itertools.permutations(row) for row in values))
        if zebra.check(t, zebra._render_answer(attributes, grid)).solved
    ]
    assert accepted == [tuple(map(tuple, t.metadata["solution"]))]


def test_zebra_reads_house_lines_and_rejects_prose():
    t = task("zebra", 3, 2)
    attributes, grid = t.metadata["attributes"], t.metadata["solution"]
    by_house = "\n".join(
        f"House {h + 1}: " + ", ".join(row[h].upper() for row in grid) for h in range(len(grid[0]))
    )
    assert zebra.check(t, by_house).solved
    bold = "\n".join(
        f"* **{a.title()}s**: {' | '.join(r)}" for a, r in zip(attributes, grid, strict=True)
    )
    assert zebra.check(t, bold).solved
    for bad in ("The answer:\n" + zebra.reference(t), f"{attributes[0]}: {grid[0][0]}"):
        with pytest.raises(AnswerFormatError):
            zebra.check(t, bad)
    missing = zebra.check(t, zebra.reference(t).split("\n", 1)[1])
    assert not missing.solved and "used exactly once" in missing.feedback


# --- syllogisms: labels re-derived from all models ----------------------------------------------


def categorical_valid(t: Task) -> bool:
    """Valid iff every set of non-empty Venn regions satisfying the premises satisfies the
    conclusion (all 2**(2**k) sets are enumerated)."""
    k = len(t.metadata["terms"])
    regions = list(range(1 << k))

    def true(statement, model: list[int]) -> bool:
        form, x, y = statement
        inside = [r for r in model if r >> x & 1]
        return {
            "all": all(r >> y & 1 for r in inside),
            "no": not any(r >> y & 1 for r in inside),
            "some": any(r >> y & 1 for r in inside),
            "some_not": any(not r >> y & 1 for r in inside),
        }[form]

    for bits in range(1 << len(regions)):
        model = [r for r in regions if bits >> r & 1]
        premises_hold = all(true(p, model) for p in t.metadata["premises"])
        if premises_hold and not true(t.metadata["conclusion"], model):
            return False
    return True


def evaluate(formula, values: tuple[bool, ...]) -> bool:
    op, *args = formula
    if op == "var":
        return values[args[0]]
    parts = [evaluate(arg, values) for arg in args]
    return {
        "not": lambda: not parts[0],
        "and": lambda: parts[0] and parts[1],
        "or": lambda: parts[0] or parts[1],
        "imp": lambda: not parts[0] or parts[1],
        "iff": lambda: parts[0] == parts[1],
    }[op]()


def propositional_valid(t: Task) -> bool:
    rows = itertools.product([False, True], repeat=len(t.metadata["terms"]))
    models = [v for v in rows if all(evaluate(p, v) for p in t.metadata["premises"])]
    assert models, "premises must be consistent"
    return all(evaluate(t.metadata["conclusion"], v) for v in models)


@SETTINGS
@given(seed=st.integers(0, 10**6), level=st.sampled_from([1, 2, 4, 5]))
def test_syllogism_labels_match_brute_force(seed, level):
    t = task("syllogisms", level, seed=seed)
    valid = categorical_valid(t) if t.metadata["kind"] == "categorical" else propositional_valid(t)
    assert t.metadata["label"] == ("valid" if valid else "invalid")


@pytest.mark.parametrize("index", range(4))
def test_four_term_syllogism_labels_match_brute_force(index):
    t = task("syllogisms", 3, index, seed=3)  # 2**16 models each
    assert t.metadata["label"] == ("valid" if categorical_valid(t) else "invalid")


def test_syllogism_labels_are_balanced_and_answers_read():
    for level in range(1, 6):
        labels = [task("syllogisms", level, i).answer for i in range(40)]
        assert 10 <= labels.count("valid") <= 30
    t = task("syllogisms", 1, 0)
    other = "invalid" if t.answer == "valid" else "valid"
    assert syllogisms.check(t, f"**{t.answer.upper()}**.").solved
    assert not syllogisms.check(t, other).solved
    for bad in ("valid or invalid", "maybe", "yes"):
        with pytest.raises(AnswerFormatError):
            syllogisms.check(t, bad)


def test_syllogism_prompts_state_the_metadata():
    """The prompt lists exactly the metadata's premises, in order, and its conclusion."""
    for level in range(1, 6):
        for index in range(20):
            t = task("syllogisms", level, index, seed=index)
            m = t.metadata
            if m["kind"] == "categorical":
                words = {
                    "all": "All {} are {}.",
                    "no": "No {} are {}.",
                    "some": "Some {} are {}.",
                    "some_not": "Some {} are not {}.",
                }
                say = lambda s, m=m, w=words: w[s[0]].format(m["terms"][s[1]], m["terms"][s[2]])  # noqa: E731
            else:
                say = syllogisms.render_formula
            lines = [f"{i}. {say(p)}" for i, p in enumerate(m["premises"], 1)]
            assert "Premises:\n" + "\n".join(lines) + "\n\nConclusion: " in t.prompt
            assert f"Conclusion: {say(m['conclusion'])}\n" in t.prompt
            assert len(set(m["terms"])) == len(m["terms"])


def reference_formula(rng, k: int, depth: int, ops: tuple[str, ...]) -> tuple:
    """The formula-drawing process written out with retries (as the generator first did it)."""
    if depth < 0 or (depth == 0 and rng.random() < 0.3):
        return ("var", rng.randrange(k))
    op = rng.choice(ops)
    if op == "not":
        return ("not", ("var", rng.randrange(k)))
    rows = list(itertools.product([False, True], repeat=k))
    while True:
        left = reference_formula(rng, k, depth - 1, ops)
        right = reference_formula(rng, k, depth - 1, ops)
        values = {evaluate([op, left, right], v) for v in rows}
        if left != right and values == {False, True}:
            return (op, left, right)


@pytest.mark.parametrize(("level", "depth", "draws"), [(4, 0, 5000), (5, 0, 5000), (4, 1, 3000)])
def test_listed_formula_distribution_matches_the_retry_process(level, depth, draws):
    """The generator draws formulas from a precomputed table; its probabilities must be those of
    the retry process (chi-square; depth-1 formulas grouped by their connectives)."""
    _, k, _, ops, _ = syllogisms.LEVELS[level]
    table = syllogisms._formulas(k, depth, ops)
    assert abs(table.cumulative[-1] - 1) < 1e-9
    rows = list(itertools.product([False, True], repeat=k))
    for formula, mask in list(zip(table.formulas, table.masks, strict=True))[::20]:
        assert mask == sum(1 << i for i, v in enumerate(rows) if evaluate(formula, v[::-1]))

    def group(formula: tuple) -> tuple:
        if depth == 0 or formula[0] == "not":
            return formula
        return formula[0], formula[1][0], formula[2][0]

    expected: dict[tuple, float] = collections.defaultdict(float)
    for formula, p in zip(table.formulas, table.weights, strict=True):
        expected[group(formula)] += p
    rng = random.Random(12345)
    seen = collections.Counter(group(reference_formula(rng, k, depth, ops)) for _ in range(draws))
    assert set(seen) <= set(expected)
    chi2 = sum((seen[g] - draws * p) ** 2 / (draws * p) for g, p in expected.items())
    df = len(expected) - 1
    assert chi2 < df + 5 * (2 * df) ** 0.5, (chi2, df)


# --- family relations: the relation re-derived from the sentences -------------------------------


def relation_from_text(prompt: str, x: str, y: str) -> set[str]:
    """Every vocabulary word that applies, from the prompt's sentences and the stated rules."""
    parents: dict[str, set[str]] = {}
    spouse: dict[str, str] = {}
    female: dict[str, bool] = {}
    for wife, husband in re.findall(r"(\w+) is the wife of (\w+)\.", prompt):
        spouse[wife], spouse[husband] = husband, wife
        female[wife], female[husband] = True, False
    for child, role, named in re.findall(
        r"(\w+) is the (son|daughter) of (\w+(?: and \w+)?)\.", prompt
    ):
        female[child] = role == "daughter"
        parents[child] = set(named.split(" and "))
    for child, ps in parents.items():  # a couple's children are both spouses' children
        parents[child] = ps | {spouse[p] for p in ps if p in spouse}
    people = set(female)

    def par(a):
        return parents.get(a, set())

    def sib(a):
        return {b for b in people if b != a and par(a) and par(b) == par(a)}

    def sp(a):
        return {spouse[a]} if a in spouse else set()

    au = {b for p in par(y) for s in sib(p) for b in {s} | sp(s)}
    tests = {
        ("father", "mother"): x in par(y),
        ("son", "daughter"): y in par(x),
        ("husband", "wife"): x in sp(y),
        ("brother", "sister"): x in sib(y),
        ("grandfather", "grandmother"): any(x in par(p) for p in par(y)),
        ("grandson", "granddaughter"): any(y in par(p) for p in par(x)),
        ("great-grandfather", "great-grandmother"): any(
            x in par(g) for p in par(y) for g in par(p)
        ),
        ("great-grandson", "great-granddaughter"): any(y in par(g) for p in par(x) for g in par(p)),
        ("uncle", "aunt"): x in au,
        ("nephew", "niece"): y in {b for p in par(x) for s in sib(p) for b in {s} | sp(s)},
        ("cousin", "cousin"): any(par(x) & sib(p) for p in par(y)),
        ("father-in-law", "mother-in-law"): any(x in par(s) for s in sp(y)),
        ("son-in-law", "daughter-in-law"): any(y in par(s) for s in sp(x)),
        ("brother-in-law", "sister-in-law"): any(x in sib(s) for s in sp(y))
        or any(x in sp(s) for s in sib(y)),
    }
    return {words[female[x]] for words, holds in tests.items() if holds}


@SETTINGS
@given(seed=st.integers(0, 10**6), level=st.integers(1, 5))
def test_family_relation_is_the_only_word_that_applies(seed, level):
    t = task("family-relations", level, seed=seed)
    x, y = t.metadata["x"], t.metadata["y"]
    assert relation_from_text(t.prompt, x, y) == {t.answer}
    accepted = [w for w in family_relations.VOCABULARY if family_relations.check(t, w).solved]
    assert accepted == [t.answer]


def test_family_relations_reads_answers():
    t = next(t for i in range(50) if "-in-law" in (t := task("family-relations", 4, i)).answer)
    x, y, word = t.metadata["x"], t.metadata["y"], t.answer
    assert family_relations.check(t, f"{x} is {y}'s {word.replace('-', ' ').title()}.").solved
    with pytest.raises(AnswerFormatError):
        family_relations.check(t, f"{word} or cousin")


def family_tree(level: int, seed: int) -> family_relations.Tree:
    from random import Random

    return family_relations.Tree(Random(seed), level)


@pytest.mark.parametrize("level", range(1, 6))
def test_family_tree_relations_of_every_pair_match_the_sentences(level):
    """The generator's relation arithmetic agrees with the sentences read independently, for
    every ordered pair of people (not only the pair asked about)."""
    for seed in range(12):
        tree = family_tree(level, seed)
        text = " ".join(tree.facts)
        assert len(set(tree.names)) == len(tree.names)
        assert set(re.findall(r"[A-Z]\w+", text)) == set(tree.names)
        for x, y in itertools.permutations(range(len(tree.names)), 2):
            female = tree.names[x] in family_relations.FEMALE
            expected = {family_relations.WORDS[kind][female] for kind in tree.kinds(x, y)}
            assert relation_from_text(text, tree.names[x], tree.names[y]) == expected, (x, y)


@pytest.mark.parametrize("level", range(1, 6))
def test_family_pairs_are_drawn_uniformly_from_the_unambiguous_ones(level):
    """``pick`` draws from exactly the pairs with one relation, of an asked kind: the groups it
    samples from cover them, it finds none where there is none, and it draws them uniformly."""
    from random import Random

    group = {}
    for seed in range(40):
        tree = family_tree(level, seed)
        n = len(tree.names)
        group = {p: g for g, people in enumerate(tree.groups) for p in people}
        assert sorted(group) == list(range(n))
        for asked in family_relations.ASKED[level]:
            pool = tree.listed([(range(n), range(n))], asked.kinds)
            if not asked.everyone:
                assert {(group[x], group[y]) for x, y, _ in pool} <= set(asked.groups)
            if not pool:
                assert tree.pick(Random(seed).getrandbits, asked) is None
                continue
            if seed < 3:
                draws = 60 * len(pool)
                bits = Random(seed).getrandbits
                seen = collections.Counter(tree.pick(bits, asked) for _ in range(draws))
                assert set(seen) <= set(pool)
                df = len(pool) - 1
                chi2 = sum((seen[p] - 60) ** 2 / 60 for p in pool)
                assert chi2 < df + 5 * (2 * df) ** 0.5 + 5, (chi2, df)
