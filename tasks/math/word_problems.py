"""Word problems: GSM-style multi-step arithmetic stories with a known chain of equations.

Difficulty knobs (number of steps and size of the numbers):

=====  =====  =============  ===============
level  steps  counts         factors, items
=====  =====  =============  ===============
1      1      2..20          2..5
2      2      5..50          2..6
3      3      10..100        2..9
4      4      20..300        2..12
5      5      50..1000       2..15
=====  =====  =============  ===============

A step is one integer operation (``+ - * /``, division always exact). Nine templates, each able
to produce any number of steps: five stock stories (a library, a bakery, a water tank, a hen
farm, a parking garage) where a quantity changes event by event; a comparison chain between
friends ("Ben has 3 times as many stamps as Ana"); and three sum-of-products stories (a craft
fair purchase with change, a road trip with the distance left, jobs and a savings goal).

Answer format: a positive integer, e.g. ``42``. ``metadata["steps"]`` lists the equations in
order, e.g. ``["12 * 3 = 36", "36 + 5 = 41"]``; every intermediate result is used by a later step
and the last result is the gold. ``metadata["template"]`` names the story.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import ClassVar, NamedTuple

from rlvr.tasks.base import Problem, ProceduralSource

PROMPT = (
    "{story}\n\nSolve the problem step by step. Give the final answer as a whole number inside "
    "\\boxed{{}}."
)
NAMES = ("Ana", "Ben", "Chloe", "Dev", "Elif", "Farid", "Gita", "Hugo", "Ines", "Jonas")
THINGS = ("stamps", "seashells", "marbles", "stickers", "trading cards", "coins")
CONNECTORS = ("Then", "Next", "After that", "Later")
BILLS = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


@dataclass(frozen=True)
class Level:
    low: int
    high: int
    factor: int


LEVELS = {
    1: Level(2, 20, 5),
    2: Level(5, 50, 6),
    3: Level(10, 100, 9),
    4: Level(20, 300, 12),
    5: Level(50, 1000, 15),
}


class Chain:
    """Records each operation as an equation ``"a op b = r"`` and returns ``r``."""

    def __init__(self) -> None:
        self.steps: list[str] = []

    def __call__(self, a: int, op: str, b: int) -> int:
        if op == "/" and a % b:
            raise ArithmeticError(f"{a} / {b} is not exact")
        result = a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a // b
        self.steps.append(f"{a} {op} {b} = {result}")
        return result


class Stock(NamedTuple):
    start: str
    group_start: str
    add: str
    sub: str
    half: str
    add_group: str
    sub_group: str
    question: str


# fmt: off
STOCKS = {
    "library": Stock(
        "The town library has {n} books.",
        "The town library has {a} shelves with {b} books on each shelf.",
        "The library receives {n} donated books.", "The library throws out {n} damaged books.",
        "The library gives half of its books to a new branch.",
        "The library buys {a} boxes with {b} books in each box.",
        "The library sends {a} crates of {b} books each to a school.",
        "How many books does the library have now?"),
    "bakery": Stock(
        "A bakery bakes {n} muffins in the morning.",
        "A bakery bakes {a} trays of muffins with {b} muffins on each tray.",
        "The bakers make {n} more muffins.", "The bakery sells {n} muffins.",
        "Half of the muffins are sold to a cafe.",
        "The bakers make {a} more batches of {b} muffins.",
        "The bakery fills {a} catering orders of {b} muffins each.",
        "How many muffins does the bakery have at the end of the day?"),
    "tank": Stock(
        "A water tank holds {n} litres.",
        "A pump fills an empty tank with {b} litres a minute for {a} minutes.",
        "{n} litres of rain water flow into the tank.", "{n} litres are used to water the garden.",
        "Half of the water in the tank is drained.",
        "A hose adds {b} litres a minute for {a} minutes.",
        "{a} buckets holding {b} litres each are filled from the tank.",
        "How many litres of water are in the tank now?"),
    "hens": Stock(
        "A farmer has {n} eggs in her storeroom.",
        "A farmer has {a} hens, and each hen laid {b} eggs this season.",
        "The farmer collects {n} more eggs.", "{n} eggs crack and are thrown away.",
        "The farmer gives half of her eggs to her brother.",
        "The farmer buys {a} trays of {b} eggs from a neighbour.",
        "The farmer sells {a} cartons of {b} eggs each at the market.",
        "How many eggs does the farmer have now?"),
    "garage": Stock(
        "A parking garage has {n} cars in it at noon.",
        "A parking garage has {a} floors with {b} cars parked on each.",
        "{n} more cars drive in.", "{n} cars drive out.",
        "Half of the cars leave at the end of a concert.",
        "{a} car carriers arrive and each unloads {b} cars into the garage.",
        "{a} tour groups leave, each taking {b} cars.",
        "How many cars are in the garage now?"),
}
# fmt: on


def stock_story(
    rng: random.Random, steps: int, lv: Level, chain: Chain, name: str
) -> tuple[str, int]:
    s = STOCKS[name]
    if rng.random() < 0.5:
        a, b = rng.randint(2, lv.factor), rng.randint(2, lv.high // 4)
        value, parts = chain(a, "*", b), [s.group_start.format(a=a, b=b)]
    else:
        value = rng.randint(lv.low, lv.high)
        parts = [s.start.format(n=value)]
    while len(chain.steps) < steps:
        kinds = ["add", "sub", "half"] + ["add_group", "sub_group"] * (steps - len(chain.steps) > 1)
        kind = rng.choice(kinds)
        a, b = rng.randint(2, lv.factor), 0
        if kind == "sub_group" and (value - 1) // a >= 2:
            b = rng.randint(2, (value - 1) // a)
            value = chain(value, "-", chain(a, "*", b))
        elif kind in ("sub_group", "add_group"):
            b = rng.randint(2, lv.high // 4)
            kind, value = "add_group", chain(value, "+", chain(a, "*", b))
        elif kind == "half" and value % 2 == 0:
            value = chain(value, "/", 2)
        elif kind == "sub" and value > 2:
            b = rng.randint(1, min(value - 1, lv.high))
            value = chain(value, "-", b)
        else:
            b = rng.randint(lv.low, lv.high)
            kind, value = "add", chain(value, "+", b)
        sentence = getattr(s, kind).format(a=a, b=b, n=b)
        connector = CONNECTORS[(len(parts) - 1) % len(CONNECTORS)]
        parts.append(f"{connector}, {sentence[0].lower()}{sentence[1:]}")
    return " ".join([*parts, s.question]), value


def comparison(rng: random.Random, steps: int, lv: Level, chain: Chain) -> tuple[str, int]:
    people = rng.sample(NAMES, steps + 1)
    thing = rng.choice(THINGS)
    value = rng.randint(lv.low, lv.high)
    parts = [f"{people[0]} has {value} {thing}."]
    for before, person in pairwise(people):
        kind = rng.choice(("times", "more", "fewer", "half"))
        if kind == "half" and value % 2 == 0:
            value, how = chain(value, "/", 2), "half as many"
        elif kind == "fewer" and value > 2:
            n = rng.randint(1, min(value - 1, lv.high))
            value, how = chain(value, "-", n), f"{n} fewer"
        elif kind == "times" and value <= 10 * lv.high:
            k = rng.randint(2, min(lv.factor, 5))
            value, how = chain(value, "*", k), f"{k} times as many"
        else:
            n = rng.randint(lv.low, lv.high)
            value, how = chain(value, "+", n), f"{n} more"
        parts.append(f"{person} has {how} {thing} {'as' if 'as many' in how else 'than'} {before}.")
    parts.append(f"How many {thing} does {people[-1]} have?")
    return " ".join(parts), value


class Totals(NamedTuple):
    opening: str
    item: str
    total_question: str
    target: str  # the second number in "X - total"
    left_question: str


# fmt: off
TOTALS = {
    "craft-fair": Totals(
        "At a craft fair, {name} picks out", "{n} {item} for ${p} apiece",
        "How many dollars does {name} spend in all?",
        "{name} pays with ${t}.", "How many dollars of change should {name} get back?"),
    "road-trip": Totals(
        "On a road trip, {name} drives", "{n} hours at {p} kilometres per hour on the {item} day",
        "How many kilometres does {name} drive in total?",
        "The whole trip is {t} kilometres long.",
        "How many kilometres does {name} still have to drive?"),
    "jobs": Totals(
        "This month {name} works", "{n} hours {item} at ${p} an hour",
        "How many dollars does {name} earn this month?",
        "{name} is saving for a ${t} keyboard.", "How many more dollars does {name} need?"),
}
# fmt: on
ITEMS = {
    "craft-fair": ("candles", "mugs", "scarves", "bracelets", "posters"),
    "road-trip": ("first", "second", "third"),
    "jobs": ("tutoring", "walking dogs", "babysitting", "washing cars"),
}


def totals_story(
    rng: random.Random, steps: int, lv: Level, chain: Chain, name: str
) -> tuple[str, int]:
    t = TOTALS[name]
    person = rng.choice(NAMES)
    count, left = (steps + 1) // 2, steps % 2 == 0
    items = ITEMS[name][:count] if name == "road-trip" else rng.sample(ITEMS[name], count)
    phrases, total = [], 0
    for i, item in enumerate(items):
        n = rng.randint(2, lv.factor)
        p = rng.randint(4, 12) * 10 if name == "road-trip" else rng.randint(2, lv.high // 4 + 5)
        phrases.append(t.item.format(n=n, p=p, item=item))
        cost = chain(n, "*", p)
        total = chain(total, "+", cost) if i else cost
    listing = phrases[0] if count == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    story = f"{t.opening.format(name=person)} {listing}."
    if not left:
        return f"{story} {t.total_question.format(name=person)}", total
    target = total + rng.randint(1, max(5, total // 2))
    if name == "craft-fair":
        target = next((b for b in BILLS if b > total), target)
    value = chain(target, "-", total)
    return (
        f"{story} {t.target.format(name=person, t=target)} {t.left_question.format(name=person)}",
        value,
    )


Template = Callable[[random.Random, int, Level, Chain], tuple[str, int]]
TEMPLATES: dict[str, Template] = {
    **{k: (lambda rng, s, lv, c, k=k: stock_story(rng, s, lv, c, k)) for k in STOCKS},
    "comparison": comparison,
    **{k: (lambda rng, s, lv, c, k=k: totals_story(rng, s, lv, c, k)) for k in TOTALS},
}


class WordProblemSource(ProceduralSource):
    """Multi-step word problems; ``metadata["steps"]`` holds the chain of equations to the gold."""

    family: ClassVar[str] = "word-problems-gen"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        name = rng.choice(sorted(TEMPLATES))
        chain = Chain()
        story, answer = TEMPLATES[name](rng, difficulty, LEVELS[difficulty], chain)
        return Problem(
            prompt=PROMPT.format(story=story),
            answer=str(answer),
            metadata={"answer_type": "number", "steps": chain.steps, "template": name},
        )
