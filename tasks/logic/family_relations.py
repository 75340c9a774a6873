"""Family relations: read a family tree from sentences; say how one person is related to another.

=====  ===========  ==========================  ==============================================
level  generations  child sentences name        relations asked (mostly the new ones)
=====  ===========  ==========================  ==============================================
1      2            both parents                parent, child, sibling, spouse
2      3            both parents                level 1 + grandparent, grandchild
3      3            both parents                level 2 + aunt/uncle, niece/nephew, cousin
4      3            one parent                  level 3 + the in-laws
5      4            one parent                  level 4 + great-grandparent, great-grandchild
=====  ===========  ==========================  ==============================================

People marrying into the family have no parents in the tree. Relations are computed from the
graph by the rules stated in the prompt, and a question is only asked when exactly one word of the
vocabulary applies.

Answer format: one relation word from the vocabulary (``mother``, ``uncle``,
``sister-in-law``, ``great-grandson``, …; case and ``in law`` / ``in-law`` spelling do not matter),
inside ``<answer>…</answer>``. ``X is Y's aunt`` is read too; naming two relations is not.
"""

from __future__ import annotations

import random
import re
from typing import ClassVar

from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.tasks.logic.rules import MAX_ANSWER_CHARS, AnswerFormatError, RuleResult
from rlvr.types import Task

# fmt: off
MALE = (
    "Adam", "Ben", "Carl", "Dan", "Eric", "Felix", "George", "Harry", "Ivan", "Jack", "Kevin",
    "Leo", "Mark", "Nick", "Oscar", "Paul", "Quinn", "Ray", "Sam", "Tom", "Umar", "Victor",
    "Walter", "Xander", "Yusuf", "Zach", "Arthur", "Boris", "Cedric", "Dmitri", "Elliot", "Frank",
    "Gavin", "Hugo", "Isaac", "Jonah", "Karl", "Liam", "Milo", "Noah"
)
FEMALE = (
    "Alice", "Beth", "Clara", "Diana", "Emma", "Fiona", "Grace", "Hannah", "Iris", "Julia", "Kate",
    "Laura", "Maria", "Nora", "Olga", "Paula", "Rita", "Sara", "Tina", "Ursula", "Vera", "Wendy",
    "Yara", "Zoe", "Amber", "Bella", "Chloe", "Daisy", "Elena", "Freya", "Gina", "Helen", "Ivy",
    "Jade", "Kira", "Lily", "Mia", "Nina", "Ruby", "Sofia"
)
# fmt: on
WORDS = {  # relation: (male word, female word)
    "parent": ("father", "mother"),
    "child": ("son", "daughter"),
    "spouse": ("husband", "wife"),
    "sibling": ("brother", "sister"),
    "grandparent": ("grandfather", "grandmother"),
    "grandchild": ("grandson", "granddaughter"),
    "auncle": ("uncle", "aunt"),
    "nibling": ("nephew", "niece"),
    "cousin": ("cousin", "cousin"),
    "parent-in-law": ("father-in-law", "mother-in-law"),
    "child-in-law": ("son-in-law", "daughter-in-law"),
    "sibling-in-law": ("brother-in-law", "sister-in-law"),
    "great-grandparent": ("great-grandfather", "great-grandmother"),
    "great-grandchild": ("great-grandson", "great-granddaughter"),
}
INVERSE = {
    "parent": "child", "child": "parent", "spouse": "sibling-in-law", "sibling": "cousin",
    "grandparent": "grandchild", "grandchild": "grandparent", "auncle": "nibling",
    "nibling": "auncle", "cousin": "sibling", "parent-in-law": "child-in-law",
    "child-in-law": "parent-in-law", "sibling-in-law": "sibling",
    "great-grandparent": "great-grandchild", "great-grandchild": "great-grandparent",
}  # fmt: skip
VOCABULARY = sorted({word for pair in WORDS.values() for word in pair})
_NEW = [
    ["parent", "child", "sibling", "spouse"],
    ["grandparent", "grandchild"],
    ["auncle", "nibling", "cousin"],
    ["parent-in-law", "child-in-law", "sibling-in-law"],
    ["great-grandparent", "great-grandchild"],
]
# level: (generations, children per couple, chance a child marries, one parent named)
LEVELS = {1: (2, (2, 3), 0.0, False), 2: (3, (1, 3), 0.7, False), 3: (3, (2, 3), 0.8, False),
          4: (3, (2, 3), 0.9, True), 5: (4, (1, 3), 0.7, True)}  # fmt: skip
PROMPT = (
    "{facts}\n\n{rules}Words: a parent's sibling, or the spouse of a parent's sibling, is an "
    "aunt or uncle (and you are their niece or nephew); a child of a parent's sibling is a "
    "cousin; a spouse's parent is a father- or mother-in-law; a child's spouse is a son- or "
    "daughter-in-law; a spouse's sibling or a sibling's spouse is a brother- or sister-in-law.\n\n"
    "How is {x} related to {y}? Complete '{x} is {y}'s ___' with one word from: {vocabulary}. "
    "Give only that word inside <answer></answer>."
)
ONE_PARENT = "The children of a married couple are the children of both spouses. "


def build(
    rng: random.Random, difficulty: int
) -> tuple[list[str], list[int], list[list[int]], list[list[int]]]:
    """Names, genders (0 male, 1 female) and parents (none, or a married couple) of everyone,
    and the married couples as ``[husband, wife]``."""
    generations, (low, high), marry, _ = LEVELS[difficulty]
    males, females = rng.sample(MALE, len(MALE)), rng.sample(FEMALE, len(FEMALE))
    names: list[str] = []
    gender: list[int] = []
    parents: list[list[int]] = []

    def person(sex: int, of: list[int]) -> int:
        names.append((females if sex else males).pop())
        gender.append(sex)
        parents.append(of)
        return len(names) - 1

    couples = [[person(0, []), person(1, [])]]
    parents_now = list(couples)
    for generation in range(1, generations):
        next_parents = []
        for couple in parents_now:
            for _ in range(rng.randint(low, high)):
                if len(males) < 2 or len(females) < 2:
                    break
                child = person(rng.randrange(2), list(couple))
                if rng.random() < marry:
                    spouse = person(1 - gender[child], [])
                    couples.append([child, spouse] if gender[child] == 0 else [spouse, child])
                    if generation < generations - 1:
                        next_parents.append(couples[-1])
        parents_now = next_parents
    return names, gender, parents, couples


def relations(gender: list[int], parents: list[list[int]], spouse: dict[int, int]) -> dict:
    """``rel[(x, y)]`` = the set of relation words saying what ``x`` is to ``y``."""
    n = len(gender)
    children: list[set[int]] = [set() for _ in range(n)]
    for c, ps in enumerate(parents):
        for p in ps:
            children[p].add(c)

    def up(people: set[int]) -> set[int]:
        return {p for c in people for p in parents[c]}

    def down(people: set[int]) -> set[int]:
        return {c for p in people for c in children[p]}

    def married(people: set[int]) -> set[int]:
        return {spouse[p] for p in people if p in spouse}

    rel: dict[tuple[int, int], set[str]] = {}
    for y in range(n):
        me = {y}
        siblings = down(up(me)) - me
        auncles = down(up(up(me))) - up(me)
        found = {
            "parent": up(me),
            "child": down(me),
            "spouse": married(me),
            "sibling": siblings,
            "grandparent": up(up(me)),
            "grandchild": down(down(me)),
            "great-grandparent": up(up(up(me))),
            "great-grandchild": down(down(down(me))),
            "auncle": auncles | married(auncles),
            "cousin": down(auncles),
            "parent-in-law": up(married(me)),
            "child-in-law": married(down(me)),
            "sibling-in-law": (down(up(married(me))) - married(me)) | married(siblings),
        }
        for kind, people in found.items():
            for x in people - me:
                rel.setdefault((x, y), set()).add(WORDS[kind][gender[x]])
        for x in found["auncle"]:  # y is the niece or nephew of x
            rel.setdefault((y, x), set()).add(WORDS["nibling"][gender[y]])
    return rel


def _sentences(
    rng: random.Random,
    names: list[str],
    gender: list[int],
    parents: list[list[int]],
    couples: list[list[int]],
    one_parent: bool,
) -> list[str]:
    facts = [f"{names[wife]} is the wife of {names[husband]}." for husband, wife in couples]
    for child, of in enumerate(parents):
        if of:
            role = "daughter" if gender[child] else "son"
            named = [rng.choice(of)] if one_parent else of
            who = " and ".join(names[p] for p in named)
            facts.append(f"{names[child]} is the {role} of {who}.")
    rng.shuffle(facts)
    return facts


class FamilyRelationsSource(ProceduralSource):
    """A family tree in sentences and a question with exactly one relation word as the answer."""

    family: ClassVar[str] = "family-relations"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        while True:
            names, gender, parents, couples = build(rng, difficulty)
            spouse = {a: b for a, b in couples} | {b: a for a, b in couples}
            rel = relations(gender, parents, spouse)
            allowed = {w for level in _NEW[:difficulty] for kind in level for w in WORDS[kind]}
            new = {w for kind in _NEW[difficulty - 1] for w in WORDS[kind]}
            single = sorted((pair, next(iter(ws))) for pair, ws in rel.items() if len(ws) == 1)
            pool = [(p, w) for p, w in single if w in allowed]
            fresh = [(p, w) for p, w in pool if w in new]
            if fresh and rng.random() < 0.75:
                pool = fresh
            if pool:
                break
        (x, y), word = rng.choice(pool)
        facts = _sentences(rng, names, gender, parents, couples, LEVELS[difficulty][3])
        prompt = PROMPT.format(
            facts=" ".join(facts),
            rules=ONE_PARENT if LEVELS[difficulty][3] else "",
            x=names[x],
            y=names[y],
            vocabulary=", ".join(VOCABULARY),
        )
        metadata = {"people": names, "x": names[x], "y": names[y], "relation": word}
        return Problem(prompt, word, metadata)


_FIND = re.compile(
    r"(?<![a-z-])(" + "|".join(sorted(VOCABULARY, key=len, reverse=True)) + r")(?![a-z-])"
)


def parse(answer: str) -> str:
    if len(answer) > MAX_ANSWER_CHARS:
        raise AnswerFormatError("the answer is too long")
    text = answer.lower()
    text = re.sub(r"[\s_-]+in[\s_-]+law", "-in-law", text)
    text = re.sub(r"great[\s_-]+grand[\s_-]*", "great-grand", text)
    found = set(_FIND.findall(text))
    if not found:
        raise AnswerFormatError("no relation word from the vocabulary found")
    if len(found) > 1:
        raise AnswerFormatError(f"several relation words given: {', '.join(sorted(found))}")
    return found.pop()


def check(task: Task, answer: str) -> RuleResult:
    """One constraint: the word names the relation the family tree implies."""
    word = parse(answer)
    if word == task.metadata["relation"]:
        return RuleResult.all_or_nothing(None)
    x, y = task.metadata["x"], task.metadata["y"]
    return RuleResult.all_or_nothing(f"{x} is not {y}'s {word}")


def reference(task: Task) -> str:
    return task.metadata["relation"]


def mutations(task: Task) -> dict[str, str]:
    word = task.metadata["relation"]
    kind, sex = next((k, pair.index(word)) for k, pair in WORDS.items() if word in pair)
    flipped = WORDS[kind][1 - sex] if kind != "cousin" else WORDS["auncle"][sex]
    return {"gender_flipped": flipped, "inverse": WORDS[INVERSE[kind]][sex]}
