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
inside ``<answer>…</answer>``. ``X is Y's aunt`` (with the names asked about) is read too; any
other text, such as a second relation, a negation or a hedge, makes the answer unreadable.
"""

from __future__ import annotations

import random
import string
from bisect import bisect_right
from typing import ClassVar, NamedTuple

from rlvr.tasks.base import Problem
from rlvr.tasks.logic.rules import MAX_ANSWER_CHARS, AnswerFormatError, PuzzleSource, RuleResult
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
# Where x and y can be when x is y's <kind>: (x's generation minus y's, the lowest generation y
# can be in, the possible (x, y) groups: B born into the tree (the first couple included), M
# married into it, * either). The first couple is generation 0, a child is one generation below
# its parents, a spouse is in the generation of the one they married.
PLACES = {
    "parent": (-1, 1, ("*B",)), "child": (1, 0, ("B*",)), "spouse": (0, 0, ("**",)),
    "sibling": (0, 1, ("BB",)), "grandparent": (-2, 2, ("*B",)), "grandchild": (2, 0, ("B*",)),
    "auncle": (-1, 2, ("*B",)), "nibling": (1, 1, ("B*",)), "cousin": (0, 2, ("BB",)),
    "parent-in-law": (-1, 1, ("*M",)), "child-in-law": (1, 0, ("M*",)),
    "sibling-in-law": (0, 1, ("BM", "MB")), "great-grandparent": (-3, 3, ("*B",)),
    "great-grandchild": (3, 0, ("B*",)),
}  # fmt: skip
PROMPT = (
    "{facts}\n\n{rules}Words: a parent's sibling, or the spouse of a parent's sibling, is an "
    "aunt or uncle (and you are their niece or nephew); a child of a parent's sibling is a "
    "cousin; a spouse's parent is a father- or mother-in-law; a child's spouse is a son- or "
    "daughter-in-law; a spouse's sibling or a sibling's spouse is a brother- or sister-in-law.\n\n"
    "How is {x} related to {y}? Complete '{x} is {y}'s ___' with one word from: {vocabulary}. "
    "Give only that word inside <answer></answer>."
)
ONE_PARENT = "The children of a married couple are the children of both spouses. "
_FEMALE = frozenset(FEMALE)


def group(generation: int, married_in: bool) -> int:
    """Index of a group of people in :attr:`Tree.groups`."""
    return 2 * generation + married_in


class Asked(NamedTuple):
    """Relations a question may ask about, and the ``(x's group, y's group)`` pairs where they can
    occur (``everyone``: all pairs)."""

    kinds: frozenset[str]
    groups: tuple[tuple[int, int], ...]
    everyone: bool


def asked(kinds: list[str], generations: int, everyone: bool = False) -> Asked:
    cats = {"B": (False,), "M": (True,), "*": (False, True)}
    pairs = {
        (group(y + delta, mx), group(y, my))
        for kind in kinds
        for delta, lowest, places in [PLACES[kind]]
        for y in range(lowest, generations)
        if 0 <= y + delta < generations
        for place in places
        for mx in cats[place[0]]
        for my in cats[place[1]]
    }
    return Asked(frozenset(kinds), tuple(sorted(pairs)), everyone)


# level: (every relation asked at the level, the relations new at the level)
ASKED = {
    level: (
        asked([kind for new in _NEW[:level] for kind in new], LEVELS[level][0], everyone=True),
        asked(_NEW[level - 1], LEVELS[level][0]),
    )
    for level in LEVELS
}


def _cut(one_parent: bool) -> tuple[str, ...]:
    """PROMPT with the parts fixed per level filled in: the texts after its fields
    ``{facts}``, ``{x}``, ``{y}``, ``{x}``, ``{y}`` (it starts with ``{facts}``)."""
    template = PROMPT.replace("{rules}", ONE_PARENT if one_parent else "")
    parsed = list(string.Formatter().parse(template.replace("{vocabulary}", ", ".join(VOCABULARY))))
    texts, fields = [text for text, *_ in parsed], [field for _, field, *_ in parsed]
    assert texts[0] == "" and fields == ["facts", "x", "y", "x", "y", None]
    return tuple(texts[1:])


_TEXTS = {one_parent: _cut(one_parent) for one_parent in (False, True)}
_TRIES = 32  # random pairs tried before listing them all


class Tree:
    """A family made from ``rng``, and its sentences in random order. People are numbered in the
    order they were made, parents first; ``names[p]`` is person ``p``'s name.

    ``people[p]`` is ``(fam, cp, sp, fsp, up, up2)``: the couple ``p`` is a child of, the couple
    ``p`` is a spouse in, ``p``'s spouse, the couple ``p``'s spouse is a child of, the couple
    ``p``'s parents are children of (``p``'s grandparents) and the one above that; ``-1`` where
    there is none. Couples are numbered from 0 (the first couple). People who marry into the
    family have no parents in the tree, so at most one spouse of a couple has parents.
    ``groups[group(generation, married_in)]`` lists the people of each generation.
    """

    __slots__ = ("facts", "groups", "names", "people")

    def __init__(self, rng: random.Random, difficulty: int) -> None:
        generations, (low, high), marry, one_parent = LEVELS[difficulty]
        span = high - low + 1
        draw, bits = rng.random, rng.getrandbits  # bits(32) % n: uniform up to 2**-25
        males, females = list(MALE), list(FEMALE)  # names left: males[: m + 1], females[: f + 1]
        m, f = len(males) - 1, len(females) - 1
        i = bits(32) % (m + 1)
        husband = males[i]
        males[i] = males[m]
        i = bits(32) % (f + 1)
        wife = females[i]
        females[i] = females[f]
        m, f = m - 1, f - 1
        names = [husband, wife]
        people = [(-1, 0, 1, -1, -1, -1), (-1, 0, 0, -1, -1, -1)]
        couples = [(husband, wife, -1, -1)]  # (husband, wife, couple above, the one above that)
        groups = [[0, 1], []]
        facts = [f"{wife} is the wife of {husband}."]
        insert = facts.insert  # each fact goes in at a random place: a uniform shuffle
        parents_now = [0]
        for generation in range(1, generations):
            last = generation == generations - 1
            next_parents = []
            born, married_in = [], []
            for k in parents_now:
                dad, mum, up, up2 = couples[k]
                both = f"{dad} and {mum}"
                for _ in range(low + bits(32) % span):
                    if m < 1 or f < 1:  # fewer than 2 names of a sex left
                        break
                    child = len(names)
                    female = bits(1)
                    if female:
                        i = bits(32) % (f + 1)
                        name = females[i]
                        females[i] = females[f]
                        f -= 1
                        role = "daughter"
                    else:
                        i = bits(32) % (m + 1)
                        name = males[i]
                        males[i] = males[m]
                        m -= 1
                        role = "son"
                    names.append(name)
                    born.append(child)
                    of = (mum if bits(1) else dad) if one_parent else both
                    insert(bits(32) % (len(facts) + 1), f"{name} is the {role} of {of}.")
                    if draw() < marry:
                        c = len(couples)
                        if female:
                            i = bits(32) % (m + 1)
                            spouse = males[i]
                            males[i] = males[m]
                            m -= 1
                            couples.append((spouse, name, k, up))
                            fact = f"{name} is the wife of {spouse}."
                        else:
                            i = bits(32) % (f + 1)
                            spouse = females[i]
                            females[i] = females[f]
                            f -= 1
                            couples.append((name, spouse, k, up))
                            fact = f"{spouse} is the wife of {name}."
                        names.append(spouse)
                        married_in.append(child + 1)
                        people += ((k, c, child + 1, -1, up, up2), (-1, c, child, k, -1, -1))
                        insert(bits(32) % (len(facts) + 1), fact)
                        if not last:
                            next_parents.append(c)
                    else:
                        people.append((k, -1, -1, -1, up, up2))
            groups += (born, married_in)
            parents_now = next_parents
        self.names, self.people, self.groups, self.facts = names, people, groups, facts

    def kinds(self, x: int, y: int) -> list[str]:
        """Every relation (a key of ``WORDS``) that ``x`` is to ``y`` by the rules of the prompt,
        as arithmetic on couples: ``y``'s parents are couple ``fam``, their siblings the other
        children of couple ``up``, and so on."""
        fx, cx, sx, fsx, gx, ggx = self.people[x]
        fy, cy, sy, fsy, gy, ggy = self.people[y]
        found = []
        if x == sy:
            found.append("spouse")
        if fy >= 0:
            if cx == fy:
                found.append("parent")
            if fx == fy:
                found.append("sibling")
            if gy >= 0:
                if cx == gy:
                    found.append("grandparent")
                if cx >= 0 and cx == ggy:
                    found.append("great-grandparent")
                if cx != fy and (fx == gy or fsx == gy):
                    found.append("auncle")
                if fx >= 0 and fx != fy and gx == gy:
                    found.append("cousin")
        if fx >= 0:
            if cy == fx:
                found.append("child")
            if gx >= 0:
                if cy == gx:
                    found.append("grandchild")
                if cy >= 0 and cy == ggx:
                    found.append("great-grandchild")
                if cy != fx and (fy == gx or fsy == gx):
                    found.append("nibling")
        if fsy >= 0 and cx == fsy:
            found.append("parent-in-law")
        if fsx >= 0 and cy == fsx:
            found.append("child-in-law")
        # a sibling's spouse, or a spouse's sibling
        if (fy >= 0 and fsx == fy and sx != y) or (fsy >= 0 and fx == fsy and x != sy):
            found.append("sibling-in-law")
        return found

    def pick(self, bits, question: Asked) -> tuple[int, int, str] | None:
        """A uniformly random pair ``(x, y, kind)`` where ``kind`` is asked about and is the only
        relation ``x`` has to ``y``; ``None`` if there is none.

        Rejection sampling: a uniform pair among those in the groups the asked relations need
        (or among everyone), and, if that keeps failing, a list of them all."""
        kinds, wanted = self.kinds, question.kinds
        if question.everyone:
            n = len(self.names)
            for _ in range(_TRIES):
                x = bits(32) % n
                y = bits(32) % (n - 1)
                y += y >= x
                found = kinds(x, y)
                if len(found) == 1 and found[0] in wanted:
                    return x, y, found[0]
            blocks = [(range(n), range(n))]
        else:
            groups, pairs = self.groups, question.groups
            ends = []  # ends[k]: how many pairs the first k + 1 group pairs have
            total = 0
            for a, b in pairs:
                total += len(groups[a]) * (len(groups[b]) - (a == b))
                ends.append(total)
            if not total:
                return None
            for _ in range(_TRIES):
                a, b = pairs[bisect_right(ends, bits(32) % total)]
                xs = groups[a]
                i = bits(32) % len(xs)
                x = xs[i]
                if a == b:
                    j = bits(32) % (len(xs) - 1)
                    y = xs[j + (j >= i)]
                else:
                    ys = groups[b]
                    y = ys[bits(32) % len(ys)]
                found = kinds(x, y)
                if len(found) == 1 and found[0] in wanted:
                    return x, y, found[0]
            blocks = [(groups[a], groups[b]) for a, b in pairs]
        pool = self.listed(blocks, wanted)
        return pool[bits(32) % len(pool)] if pool else None

    def listed(self, blocks: list, wanted: frozenset[str]) -> list[tuple[int, int, str]]:
        """Every pair ``(x, y, kind)`` of ``blocks`` (pairs of lists of people) with exactly one
        relation, of a kind in ``wanted``."""
        return [
            (x, y, found[0])
            for xs, ys in blocks
            for x in xs
            for y in ys
            if x != y and len(found := self.kinds(x, y)) == 1 and found[0] in wanted
        ]


class FamilyRelationsSource(PuzzleSource):
    """A family tree in sentences and a question with exactly one relation word as the answer."""

    family: ClassVar[str] = "family-relations"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        bits = rng.getrandbits
        every, new = ASKED[difficulty]
        while True:
            tree = Tree(rng, difficulty)
            # mostly a relation new at this level, where the tree has one
            picked = (bits(2) and tree.pick(bits, new)) or tree.pick(bits, every)
            if picked:
                break
        x, y, kind = picked
        names = tree.names
        word = WORDS[kind][names[x] in _FEMALE]
        a, b, c, d, e = _TEXTS[LEVELS[difficulty][3]]
        nx, ny = names[x], names[y]
        prompt = "".join((" ".join(tree.facts), a, nx, b, ny, c, nx, d, ny, e))
        born = tree.groups[::2]  # one list a generation, empty for generations nobody was born in
        metadata = {
            "people": names,
            "generations": len(born) - born.count([]),
            "x": names[x],
            "y": names[y],
            "relation": word,
        }
        return Problem(prompt, word, metadata)


_GAPS = str.maketrans("", "", " -_")
_KEYS = {word.translate(_GAPS): word for word in VOCABULARY}  # "sisterinlaw": "sister-in-law"
_ARTICLES = ("a ", "an ", "the ")


def parse(answer: str, x: str, y: str) -> str:
    """The relation word of ``word`` or ``{x} is {y}'s word`` (an article may come before the
    word); anything else, a negation or a second word included, raises
    :class:`AnswerFormatError`."""
    if len(answer) > MAX_ANSWER_CHARS:
        raise AnswerFormatError("the answer is too long")
    text = " ".join(answer.replace("\u2019", "'").lower().split()).strip(" .!*'\"`")
    text = text.removeprefix(f"{x} is {y}'s ".lower())
    text = next((text[len(a) :] for a in _ARTICLES if text.startswith(a)), text)
    word = _KEYS.get(text.translate(_GAPS))  # spaces, hyphens, underscores dropped
    if word is None:
        raise AnswerFormatError(
            f"give only one relation word from the vocabulary, or '{x} is {y}'s <word>'"
        )
    return word


def check(task: Task, answer: str) -> RuleResult:
    """One constraint: the word names the relation the family tree implies."""
    x, y = task.metadata["x"], task.metadata["y"]
    word = parse(answer, x, y)
    if word == task.metadata["relation"]:
        return RuleResult.all_or_nothing(None)
    return RuleResult.all_or_nothing(f"{x} is not {y}'s {word}")


def reference(task: Task) -> str:
    return task.metadata["relation"]


def mutations(task: Task) -> dict[str, str]:
    word = task.metadata["relation"]
    kind, sex = next((k, pair.index(word)) for k, pair in WORDS.items() if word in pair)
    flipped = WORDS[kind][1 - sex] if kind != "cousin" else WORDS["auncle"][sex]
    return {"gender_flipped": flipped, "inverse": WORDS[INVERSE[kind]][sex]}


def trivial_answers(task: Task) -> dict[str, str]:
    """None: the answer is one word of the vocabulary, and any fixed word is right on the
    questions whose relation it names (graded credit is pass/fail: one rule)."""
    return {}
