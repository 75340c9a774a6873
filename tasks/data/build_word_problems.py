"""Build ``word_problems.jsonl``: 200 GSM-style multi-step arithmetic word problems.

Run ``python -m rlvr.tasks.data.build_word_problems`` to (re)write the file. The output is a pure
function of ``SEED``: every number comes from one ``random.Random(SEED)``, all arithmetic is on
integers, and every answer is recomputed a second way and asserted before it is written.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

SEED = 20240611
COUNT = 200
OUTPUT = Path(__file__).with_name("word_problems.jsonl")

PEOPLE = [
    ("Maya", "she", "her"),
    ("Leo", "he", "his"),
    ("Priya", "she", "her"),
    ("Omar", "he", "his"),
    ("Sofia", "she", "her"),
    ("Daniel", "he", "his"),
    ("Aiko", "she", "her"),
    ("Mateo", "he", "his"),
    ("Grace", "she", "her"),
    ("Samuel", "he", "his"),
    ("Lena", "she", "her"),
    ("Kwame", "he", "his"),
]
ITEMS = [  # (item, lowest price, highest price) in whole dollars
    ("notebooks", 2, 6),
    ("pens", 1, 3),
    ("apples", 1, 2),
    ("sandwiches", 4, 9),
    ("books", 7, 15),
    ("shirts", 9, 20),
    ("toy cars", 3, 8),
    ("mugs", 4, 10),
]
VEHICLES = ["a train", "a bus", "a truck", "a car", "a ferry"]
RECIPES = [
    ("pancake", "eggs"),
    ("muffin", "cups of flour"),
    ("soup", "carrots"),
    ("cookie", "eggs"),
]
SAVINGS_GOALS = ["a video game", "a bike helmet", "a pair of shoes", "a board game", "a backpack"]
CONTAINERS = [
    ("crayons", "boxes"),
    ("stickers", "packs"),
    ("marbles", "bags"),
    ("pencils", "boxes"),
    ("cards", "decks"),
]
PRODUCTS = ["chairs", "toys", "lamps", "shelves", "bicycles"]
SALE_ITEMS = ["jacket", "lamp", "toaster", "backpack", "kettle", "blender"]
EVENTS = ["museum", "zoo", "science centre", "aquarium", "farm"]

TIMES = {2: "twice", 3: "three times"}

Problem = tuple[str, int, int]  # (question, answer, steps)


def shopping(rng: random.Random) -> Problem:
    name, pronoun, _ = rng.choice(PEOPLE)
    (a_pl, a_lo, a_hi), (b_pl, b_lo, b_hi) = rng.sample(ITEMS, 2)
    na, nb = rng.randint(2, 5), rng.randint(2, 5)
    pa, pb = rng.randint(a_lo, a_hi), rng.randint(b_lo, b_hi)
    total = na * pa + nb * pb
    bill = next(b for b in (20, 50, 100, 200) if b > total)
    cost_a = na * pa
    cost_b = nb * pb
    change = bill - (cost_a + cost_b)
    assert change == bill - total and change > 0
    question = (
        f"{name} buys {na} {a_pl} at ${pa} each and {nb} {b_pl} at ${pb} each. "
        f"{pronoun.capitalize()} pays with a ${bill} bill. How many dollars of change does "
        f"{pronoun} get?"
    )
    return question, change, 4


def travel(rng: random.Random) -> Problem:
    vehicle = rng.choice(VEHICLES)
    s1, s2 = rng.randrange(30, 100, 5), rng.randrange(30, 100, 5)
    h1, h2 = rng.randint(2, 5), rng.randint(2, 4)
    leg1, leg2 = s1 * h1, s2 * h2
    distance = leg1 + leg2
    assert distance == s1 * h1 + s2 * h2
    question = (
        f"{vehicle.capitalize()} travels at {s1} kilometres per hour for {h1} hours, then at "
        f"{s2} kilometres per hour for {h2} hours. How many kilometres does it travel in total?"
    )
    return question, distance, 3


def recipe(rng: random.Random) -> Problem:
    name, pronoun, _ = rng.choice(PEOPLE)
    dish, ingredient = rng.choice(RECIPES)
    servings, per_batch = rng.randint(2, 6), rng.randint(2, 5)
    batches = rng.randint(2, 6)
    target = servings * batches
    needed = (target // servings) * per_batch
    have = rng.randint(2, needed - 1)
    more = needed - have
    assert target % servings == 0 and more == per_batch * target // servings - have and more > 0
    question = (
        f"A {dish} recipe makes {servings} servings and uses {per_batch} {ingredient}. "
        f"{name} wants to make {target} servings and already has {have} {ingredient}. "
        f"How many more {ingredient} does {pronoun} need?"
    )
    return question, more, 3


def savings(rng: random.Random) -> Problem:
    name, pronoun, _ = rng.choice(PEOPLE)
    start, weekly, weeks = rng.randint(5, 60), rng.randrange(5, 30, 5), rng.randint(3, 10)
    goal = rng.choice(SAVINGS_GOALS)
    saved = start + weekly * weeks
    price = rng.randint(10, saved - 1)
    left = saved - price
    assert left == start + weeks * weekly - price and left > 0
    question = (
        f"{name} has ${start} saved. {pronoun.capitalize()} saves ${weekly} more every week. "
        f"After {weeks} weeks, {pronoun} spends ${price} on {goal}. How many dollars does "
        f"{pronoun} have left?"
    )
    return question, left, 3


def sharing(rng: random.Random) -> Problem:
    name, pronoun, _ = rng.choice(PEOPLE)
    thing, container = rng.choice(CONTAINERS)
    while True:  # redraw until the rest divides evenly among 3 to 12 friends
        containers, per_container = rng.randint(2, 8), rng.randint(10, 30)
        kept = rng.randint(1, 15)
        rest = containers * per_container - kept
        counts = [n for n in range(3, 13) if rest % n == 0]
        if counts:
            break
    students = rng.choice(counts)
    share = rest // students
    assert share * students + kept == containers * per_container and share > 0
    question = (
        f"{name} has {containers} {container} of {thing} with {per_container} {thing} in each. "
        f"{pronoun.capitalize()} keeps {kept} {thing} and shares the rest equally among "
        f"{students} friends. How many {thing} does each friend get?"
    )
    return question, share, 3


def ages(rng: random.Random) -> Problem:
    (child, _, his_her), (sibling, sibling_pronoun, _) = rng.sample(PEOPLE, 2)
    relation = "sister" if sibling_pronoun == "she" else "brother"
    young, factor = rng.randint(3, 10), rng.randint(2, 3)
    gap, later = rng.randint(20, 35), rng.randint(2, 10)
    older = factor * young
    parent = older + gap
    answer = parent + later
    assert answer == factor * young + gap + later
    question = (
        f"{child} is {TIMES[factor]} as old as {his_her} {relation} {sibling}, who is "
        f"{young} years old. Their mother is {gap} years older than {child}. How old will "
        f"their mother be in {later} years?"
    )
    return question, answer, 3


def rooms(rng: random.Random) -> Problem:
    l1, w1, l2, w2 = (rng.randint(3, 9) for _ in range(4))
    price = rng.randint(8, 40)
    area = l1 * w1 + l2 * w2
    cost = area * price
    assert cost == price * (w1 * l1 + w2 * l2)
    question = (
        f"A house has two rectangular rooms. One is {l1} metres long and {w1} metres wide, and "
        f"the other is {l2} metres long and {w2} metres wide. Flooring costs ${price} per square "
        f"metre. How many dollars does it cost to cover the floors of both rooms?"
    )
    return question, cost, 4


def workers(rng: random.Random) -> Problem:
    product = rng.choice(PRODUCTS)
    staff, absent = rng.randint(6, 15), rng.randint(2, 5)
    rate, hours = rng.randint(2, 9), rng.randint(4, 9)
    present = staff - absent
    made = present * rate * hours
    assert made == rate * hours * staff - rate * hours * absent
    question = (
        f"A workshop has {staff} workers, and each worker makes {rate} {product} per hour. "
        f"One day {absent} of the workers are absent. How many {product} do the workers who "
        f"are present make in a {hours}-hour shift?"
    )
    return question, made, 3


def discount(rng: random.Random) -> Problem:
    item = rng.choice(SALE_ITEMS)
    percent = rng.choice([10, 20, 25, 50])
    price = 100 // percent * rng.randint(4, 40)  # a multiple that makes the discount whole
    count = rng.randint(2, 5)
    off = price * percent // 100
    sale = price - off
    total = count * sale
    assert price * percent % 100 == 0 and total * 100 == count * price * (100 - percent)
    question = (
        f"A {item} normally costs ${price}. This week it is on sale for {percent}% off. "
        f"How many dollars do {count} of them cost at the sale price?"
    )
    return question, total, 3


def buses(rng: random.Random) -> Problem:
    place = rng.choice(EVENTS)
    students, teachers = rng.randint(80, 300), rng.randint(4, 15)
    seats = rng.choice([30, 40, 45, 50, 52])
    riders = students + teachers
    if riders % seats == 0:
        teachers += 1
        riders += 1
    needed = -(-riders // seats)
    empty = needed * seats - riders
    assert (needed - 1) * seats < riders <= needed * seats and 0 < empty < seats
    question = (
        f"A school is taking {students} students and {teachers} teachers to the {place} by bus. "
        f"Each bus "
        f"has {seats} seats, and the school uses the smallest number of buses that can carry "
        f"everyone. How many seats are left empty?"
    )
    return question, empty, 3


def reading(rng: random.Random) -> Problem:
    name, pronoun, his_her = rng.choice(PEOPLE)
    p1, d1, p2, d2 = rng.randint(8, 20), rng.randint(3, 7), rng.randint(15, 30), rng.randint(2, 5)
    read = p1 * d1 + p2 * d2
    length = read + rng.randint(10, 150)
    left = length - (p1 * d1) - (p2 * d2)
    assert left == length - read and left > 0
    question = (
        f"{name} reads {p1} pages a day for {d1} days, then {p2} pages a day for {d2} days. "
        f"{his_her.capitalize()} book has {length} pages. How many pages does {pronoun} still "
        f"have to read?"
    )
    return question, left, 4


def fuel(rng: random.Random) -> Problem:
    km_per_litre, litres, price = rng.randint(8, 16), rng.randint(5, 20), rng.randint(2, 3)
    one_way = km_per_litre * litres
    round_trip = 2 * one_way
    cost = round_trip // km_per_litre * price
    assert round_trip % km_per_litre == 0 and cost == 2 * litres * price
    question = (
        f"A car uses 1 litre of fuel for every {km_per_litre} kilometres. Fuel costs ${price} "
        f"per litre. How many dollars does the fuel cost for a round trip to a town "
        f"{one_way} kilometres away?"
    )
    return question, cost, 3


def tickets(rng: random.Random) -> Problem:
    place = rng.choice(EVENTS)
    adults, children = rng.randint(20, 200), rng.randint(20, 200)
    adult_price = rng.randint(8, 20)
    child_price = rng.randint(3, adult_price - 2)
    revenue = adults * adult_price + children * child_price
    assert revenue == adult_price * adults + child_price * children
    question = (
        f"On Saturday the {place} sold {adults} adult tickets at ${adult_price} each and "
        f"{children} child tickets at ${child_price} each. How many dollars did the "
        f"{place} make from ticket sales?"
    )
    return question, revenue, 3


def fence(rng: random.Random) -> Problem:
    length, width = rng.randint(6, 30), rng.randint(3, 20)
    gate, price = rng.randint(1, 3), rng.randint(3, 12)
    perimeter = 2 * (length + width)
    fenced = perimeter - gate
    cost = fenced * price
    assert cost == (2 * length + 2 * width - gate) * price
    question = (
        f"A rectangular garden is {length} metres long and {width} metres wide. A fence will go "
        f"all the way around it except for a gate {gate} {'metre' if gate == 1 else 'metres'} "
        f"wide. Fencing costs ${price} per metre. How many dollars does the fencing cost?"
    )
    return question, cost, 4


def halves(rng: random.Random) -> Problem:
    name, pronoun, _ = rng.choice(PEOPLE)
    given = rng.randint(3, 20)
    start = 2 * rng.randint(given + 1, given + 60)
    left = start // 2 - given
    assert start % 2 == 0 and left + given + left + given == start and left > 0
    question = (
        f"{name} has {start} stamps. {pronoun.capitalize()} gives half of them to a friend, "
        f"and then gives {given} stamps to a cousin. How many stamps does {pronoun} have left?"
    )
    return question, left, 2


_ALL = (shopping, travel, recipe, savings, sharing, ages, rooms, workers, discount, buses)
_ALL += (reading, fuel, tickets, fence, halves)
TEMPLATES: dict[str, Callable[[random.Random], Problem]] = {f.__name__: f for f in _ALL}


def build_rows() -> list[dict[str, object]]:
    """The ``COUNT`` problems, cycling through the templates; duplicates are redrawn."""
    rng = random.Random(SEED)
    names = list(TEMPLATES)
    rows: list[dict[str, object]] = []
    seen: set[str] = set()
    while len(rows) < COUNT:
        template = names[len(rows) % len(names)]
        question, answer, steps = TEMPLATES[template](rng)
        assert isinstance(answer, int) and answer > 0 and 2 <= steps <= 4, (template, answer)
        if question in seen:
            continue
        seen.add(question)
        rows.append(
            {
                "id": f"word-problems/{len(rows)}",
                "question": question,
                "answer": str(answer),
                "steps": steps,
                "template": template,
            }
        )
    return rows


def build_text() -> str:
    """The file's exact contents: one JSON object per line, sorted keys, UTF-8."""
    return "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in build_rows())


def main() -> None:
    OUTPUT.write_bytes(build_text().encode("utf-8"))
    print(f"wrote {COUNT} problems to {OUTPUT}")


if __name__ == "__main__":
    main()
