"""Fact summary: summarise a short document about an invented entity, stating its key facts.

=====  =========  =============  ===========  ====================================================
level  key facts  minor details  distractors  word budget
=====  =========  =============  ===========  ====================================================
1      2          1              0            the reference's words + 25 (up to a multiple of 5)
2      3          1              0            + 20
3      4          2              1            + 15
4      5          3              2            + 12
5      6          4              3            + 8
=====  =========  =============  ===========  ====================================================

The document is about an invented town or expedition: one sentence per fact (the key facts, the
minor details), two sentences of colour, and distractors: the same kinds of fact about a second,
similar entity, so that the value asked for must be read from the right sentence. Every name,
place and number is invented, and no two facts share a value. The prompt lists the key facts a
reader must know (what they are, not their values) and asks for a summary of at most ``W`` words,
in full sentences, under the Markdown heading ``## Summary``. The gold answer is a reference
summary that states each key fact in other words than the document's.

The rubric (``metadata["rubric"]``, graded by the ``rubric`` verifier):

- ``summary`` (gate): a ``## Summary`` section of 5 words or more;
- ``sentences`` (gate): at least two full sentences (a list of values is not a summary);
- ``facts`` (weight 1): one sub-item per key fact, met when its value (the number, name or place,
  :func:`re.escape`-d between word boundaries, any case; a number not as part of a decimal)
  appears;
- ``budget`` (penalty 0.5): at most ``W`` words, the heading included;
- ``numbers`` (penalty 0.5): no number the document does not give: digits wherever they stand
  (``No.42``), or a number in words (``forty-two``: the prompt asks for digits), but for the
  document's own number words and "one" alone (see :func:`spelled_pattern`);
- ``copying`` (penalty 1.0): at most half the words copied from the prompt in runs of 6 words.

Words are counted, and copying found, as :mod:`rlvr.verifiers.rubric_items` reads words: joined
by hyphens or written with look-alike letters, copied words still count. The fact values and the
numbers are looked for in the folded text (see :func:`~rlvr.verifiers.rubric_items.fold_text`).

So a summary with ``k`` of ``K`` key facts scores ``k / K``, less 0.5 per failed penalty of
weight 0.5 and 1 for copying, and 0 when a gate fails. The environment can add a judge's grade
(see :mod:`rlvr.envs.graded`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.tasks.graded.structured_output import invent, person
from rlvr.types import Task
from rlvr.verifiers.rubric_items import count_words

LEVELS = {1: (2, 1, 0, 25), 2: (3, 1, 0, 20), 3: (4, 2, 1, 15), 4: (5, 3, 2, 12), 5: (6, 4, 3, 8)}
"""level: (key facts, minor details, distractor facts, words of slack over the reference)."""
FACTS_WEIGHT, BUDGET_PENALTY, NUMBERS_PENALTY, COPYING_PENALTY = 1.0, 0.5, 0.5, 1.0
COPY_RUN, COPY_SHARE, MIN_SENTENCES, MIN_SECTION_WORDS = 6, 0.5, 2, 5
HEADING = "Summary"
SENTENCE = r"\b\w+(?:[ \t,;:'’-]+\w+){3,60}[.!?]"
"""A full sentence: four or more words, then . ! or ?"""
NUMBER = r"(?<!\d)(?<!\d\.)\d+(?:\.\d+)?"
"""A number as the ``numbers`` penalty reads it: digits, maybe a decimal part, wherever they
stand (``No.42``, ``x42`` too), but not the decimal part of another number."""
# fmt: off
NUMBER_WORDS = (
    "seventeen", "thirteen", "fourteen", "eighteen", "nineteen", "fifteen", "sixteen", "eleven",
    "twelve", "twenty", "thirty", "fourty", "forty", "fifty", "sixty", "seventy", "eighty",
    "ninety", "hundred", "thousand", "million", "billion", "trillion", "dozen", "three", "seven",
    "eight", "four", "five", "nine", "one", "two", "six", "ten",
)
# fmt: on


def spelled_pattern(known: Iterable[str] = ()) -> str:
    """A regex for a number written in words: a word made of number words (``forty``,
    ``fortytwo``; each part of ``forty-two``), any case; not "one" alone, which is as often a
    pronoun ("one of the"), nor the words in ``known``."""
    skip = "|".join(["ones?", *(re.escape(word) for word in sorted(known))])
    return rf"(?i:\b(?!(?:{skip})\b)(?:{'|'.join(NUMBER_WORDS)})+s?\b)"


SPELLED = spelled_pattern()
"""A number written in words, as the ``numbers`` penalty reads it (see :func:`spelled_pattern`)."""


@dataclass(frozen=True)
class Attribute:
    """One kind of fact: its key, how its value is drawn (``year``/``count``: an integer from
    ``low`` to ``high``; ``tenths``: a decimal; ``person``; ``word``: an invented name), what the
    prompt calls it, the document's sentence (``{e}``: the entity) and the summary's."""

    key: str
    draw: str
    low: int
    high: int
    asks: str
    says: str
    sums: str


@dataclass(frozen=True)
class Theme:
    """An entity kind: how the prompt names it, its subject in a summary (``{e}``), sentences
    introducing it and its look-alike (``{o}``), colour sentences, and its attributes."""

    noun: str
    subject: str
    intro: str
    rival: str
    colour: tuple[str, ...]
    attributes: tuple[Attribute, ...]


def _attrs(*rows: tuple[str, str, int, int, str, str, str]) -> tuple[Attribute, ...]:
    return tuple(Attribute(*row) for row in rows)


# fmt: off
THEMES = {
    "town": Theme(
        "the town of {e}",
        "{e}",
        "{e} is a small town in the hill country.",
        "The town of {o}, a few hours down the road, is often mistaken for {e}.",
        (
            "The streets are narrow and the winters are long.",
            "Visitors often remark on the smell of bread in the mornings.",
            "Many of the older buildings have red tile roofs.",
            "The market square is busy on most days of the week.",
        ),
        _attrs(
            ("founded", "year", 1450, 1890, "the year it was founded",
             "The first houses of {e} were built in {v}.", "It was founded in {v}."),
            ("founder", "person", 0, 0, "who founded it",
             "Local records name {v} as the founder of {e}.", "Its founder was {v}."),
            ("population", "count", 1200, 9800, "how many people live there",
             "Some {v} people live in {e} today.", "It has {v} inhabitants."),
            ("river", "word", 0, 0, "the river it stands on",
             "{e} grew up along the banks of the {v} river.", "It stands on the river {v}."),
            ("mayor", "person", 0, 0, "who its mayor is",
             "The council of {e} has been led by mayor {v} since the last election.",
             "Its mayor is {v}."),
            ("altitude", "count", 120, 2900, "its altitude",
             "{e} sits {v} metres above the sea.", "It lies at an altitude of {v} metres."),
            ("cheese", "word", 0, 0, "the cheese it is known for",
             "Traders come to {e} for {v}, a hard cheese made in the hills.",
             "It is known for {v} cheese."),
            ("bridges", "count", 3, 60, "how many bridges it has",
             "Inside {e}, {v} stone bridges cross the water.", "It has {v} bridges."),
            ("area", "tenths", 150, 990, "its area",
             "{e} covers {v} square kilometres.", "Its area is {v} square kilometres."),
            ("province", "word", 0, 0, "the province it belongs to",
             "{e} is the oldest town in the province of {v}.", "It belongs to {v} province."),
        ),
    ),
    "expedition": Theme(
        "the {e} expedition",
        "The {e} expedition",
        "The {e} expedition is remembered as one of the great journeys north.",
        "The {o} expedition, another voyage north, is often confused with it.",
        (
            "The crossing was rough and many were seasick.",
            "Letters home describe long evenings of cards and songs.",
            "Supplies ran short more than once.",
            "Several of the diaries kept on board survive.",
        ),
        _attrs(
            ("year", "year", 1820, 1990, "the year it set out",
             "The {e} expedition left port in {v}.", "It set out in {v}."),
            ("leader", "person", 0, 0, "who led it",
             "The {e} expedition was under the command of the surveyor {v}.",
             "Its leader was {v}."),
            ("members", "count", 12, 240, "how many members it had",
             "In all, {v} men and women signed on with the {e} expedition.",
             "It had {v} members."),
            ("ship", "word", 0, 0, "the name of its ship",
             "The {e} expedition sailed aboard the {v}, a converted whaler.",
             "Its ship was called the {v}."),
            ("days", "count", 80, 900, "how many days it lasted",
             "The {e} expedition was away for {v} days.", "It lasted {v} days in all."),
            ("island", "word", 0, 0, "the island it charted",
             "The {e} expedition was the first to chart the island of {v}.",
             "It mapped {v} island for the first time."),
            ("distance", "count", 1200, 9800, "how far it travelled",
             "The {e} expedition covered {v} kilometres of ice and sea.",
             "It travelled {v} kilometres."),
            ("sponsor", "person", 0, 0, "who paid for it",
             "The {e} expedition was paid for by the merchant {v}.", "It was funded by {v}."),
            ("camp", "word", 0, 0, "where it made its winter camp",
             "The {e} expedition made its winter camp at {v}.",
             "Its base for the winter was {v}."),
            ("cold", "count", 31, 68, "the lowest temperature it recorded",
             "The {e} expedition recorded a low of minus {v} degrees.",
             "Its coldest reading was minus {v} degrees."),
        ),
    ),
}
# fmt: on


class _Values:
    """Draws values no other fact of the document shares (numbers, and the words of names)."""

    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self.rng = rng
        self.taken = {word.casefold() for word in taken}

    def name(self, draw: str) -> str:
        while True:
            value = person(self.rng) if draw == "person" else invent(self.rng, 2)
            if not {w.casefold() for w in value.split()} & self.taken:
                self.taken.update(w.casefold() for w in value.split())
                return value

    def __call__(self, attribute: Attribute) -> str:
        if attribute.draw in ("person", "word"):
            return self.name(attribute.draw)
        while True:
            number = self.rng.randint(attribute.low, attribute.high)
            if attribute.draw == "tenths":
                value = f"{number / 10:.1f}" if number % 10 else f"{number / 10 + 0.1:.1f}"
            else:
                value = str(number)
            if value not in self.taken:
                self.taken.add(value)
                return value


class FactSummarySource(ProceduralSource):
    """A document about an invented town or expedition in, a summary of its key facts out."""

    family: ClassVar[str] = "fact-summary"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        key_count, minor_count, distractor_count, slack = LEVELS[difficulty]
        theme_name = rng.choice(sorted(THEMES))
        theme = THEMES[theme_name]
        entity = invent(rng, rng.randint(2, 3))
        other = invent(rng, rng.randint(2, 3))
        while other == entity:
            other = invent(rng, 3)
        draw = _Values(rng, {entity, other})
        chosen = rng.sample(theme.attributes, key_count + minor_count)
        values = {a.key: draw(a) for a in chosen}
        keys = chosen[:key_count]
        sentences = [a.says.format(e=entity, v=values[a.key]) for a in chosen]
        distractors = {a.key: draw(a) for a in rng.sample(keys, distractor_count)}
        sentences += [
            a.says.format(e=other, v=distractors[a.key]) for a in keys if a.key in distractors
        ]
        sentences += rng.sample(theme.colour, 2)
        rng.shuffle(sentences)
        opening = [theme.intro.format(e=entity)]
        if distractors:
            opening.append(theme.rival.format(e=entity, o=other))
        document = " ".join(opening + sentences)
        reference = reference_summary(theme, entity, [(a, values[a.key]) for a in keys])
        budget = 5 * -(-(count_words(reference) + slack) // 5)
        noun = theme.noun.format(e=entity)
        prompt = (
            f"Read this document about {noun}.\n\n<document>\n{document}\n</document>\n\n"
            f"Write a summary of at most {budget} words that states the facts a reader must know "
            f"about {noun}:\n"
            + "\n".join(f"- {a.asks}" for a in keys)
            + '\n\nWrite it under the Markdown heading "## Summary" (the heading counts toward '
            "the words), in full sentences and in your own words: do not copy the document's "
            "sentences. Write names and numbers exactly as the document does, as digits, and add "
            "no number the document does not give."
        )
        numbers = sorted(set(re.findall(NUMBER, document)))
        words = spelled_numbers(document)
        facts = [{"key": a.key, "asks": a.asks, "value": values[a.key]} for a in keys]
        metadata = {
            "theme": theme_name,
            "entity": entity,
            "document": document,
            "facts": facts,
            "distractors": distractors,
            "budget": budget,
            "rubric": build_rubric(facts, numbers, budget, words),
        }
        return Problem(prompt, reference, metadata)


def reference_summary(theme: Theme, entity: str, facts: list[tuple[Attribute, str]]) -> str:
    """The gold answer: the heading, then one sentence per key fact (the first names the
    entity in place of "It")."""
    sentences = [a.sums.format(v=value) for a, value in facts]
    subject = theme.subject.format(e=entity)
    sentences[0] = re.sub(r"^Its\b", f"{subject}'s", sentences[0])
    sentences[0] = re.sub(r"^It\b", subject, sentences[0])
    return f"## {HEADING}\n\n" + " ".join(sentences)


def value_pattern(value: str) -> str:
    """The regex a key fact's value is found by: the value between word boundaries; a number
    not as part of a decimal ("45" is not found in "45.3", nor "3" in it)."""
    if value[0].isdigit():
        return rf"(?<!\d\.)\b{re.escape(value)}\b(?!\.\d)"
    return rf"\b{re.escape(value)}\b"


def number_pattern(numbers: list[str], words: Iterable[str] = ()) -> str:
    """A regex that matches every number, in digits (see :data:`NUMBER`) or in words (see
    :data:`SPELLED`), except the digits in ``numbers`` and the words in ``words``."""
    digits = NUMBER
    if numbers:
        known = "|".join(re.escape(n) for n in sorted(numbers, key=len, reverse=True))
        digits = rf"(?<!\d)(?<!\d\.)(?!(?:{known})(?!\d|\.\d))\d+(?:\.\d+)?"
    return f"{digits}|{spelled_pattern(words)}"


def spelled_numbers(text: str) -> list[str]:
    """The words of ``text`` that :data:`SPELLED` reads as numbers, in lower case (the
    document's own, a name such as "Seven" included, are not invented)."""
    return sorted({word.casefold() for word in re.findall(SPELLED, text)})


def build_rubric(
    facts: list[dict[str, str]], numbers: list[str], budget: int, words: Iterable[str] = ()
) -> dict[str, Any]:
    """The task's rubric (see the module docstring), as JSON: ``numbers`` and ``words`` are
    the numbers the document gives, in digits and in words."""
    return {
        "items": [
            {
                "name": "summary",
                "kind": "section",
                "title": HEADING,
                "style": "heading",
                "min_words": MIN_SECTION_WORDS,
                "gate": True,
                "description": f'a "## {HEADING}" section',
            },
            {
                "name": "sentences",
                "kind": "regex",
                "pattern": SENTENCE,
                "min_count": MIN_SENTENCES,
                "gate": True,
                "description": f"written in full sentences (at least {MIN_SENTENCES})",
            },
            {
                "name": "facts",
                "kind": "group",
                "weight": FACTS_WEIGHT,
                "description": "the key facts",
                "items": [
                    {
                        "name": fact["key"],
                        "kind": "regex",
                        "pattern": value_pattern(fact["value"]),
                        "ignore_case": True,
                        "fold": True,
                        "description": fact["asks"],
                    }
                    for fact in facts
                ],
            },
            {
                "name": "budget",
                "kind": "length",
                "unit": "words",
                "max": budget,
                "penalty": True,
                "weight": BUDGET_PENALTY,
                "description": f"at most {budget} words",
            },
            {
                "name": "numbers",
                "kind": "regex",
                "pattern": number_pattern(numbers, words),
                "must_match": False,
                "fold": True,
                "penalty": True,
                "weight": NUMBERS_PENALTY,
                "description": "no number the document does not give",
            },
            {
                "name": "copying",
                "kind": "overlap",
                "n": COPY_RUN,
                "max_share": COPY_SHARE,
                "penalty": True,
                "weight": COPYING_PENALTY,
                "description": "in its own words, not copied from the document",
            },
        ]
    }


def key_facts(task: Task) -> list[tuple[str, str]]:
    """``(what, value)`` for every key fact of ``task``, in prompt order."""
    return [(fact["asks"], fact["value"]) for fact in task.metadata["facts"]]


def _changed(value: str) -> str:
    """``value`` with its last character changed (a digit goes up by one)."""
    last = value[-1]
    return value[:-1] + (str((int(last) + 1) % 10) if last.isdigit() else last + "a")


def _whole(value: str) -> str:
    """A regex for ``value`` as a whole word or number."""
    return rf"(?<![\w.]){re.escape(value)}(?![\w]|\.\d)"


def _replace(text: str, value: str, new: str) -> str:
    """``text`` with ``value`` (a whole word or number) replaced by ``new``."""
    return re.sub(_whole(value), lambda _: new, text)


def _unknown_number(task: Task) -> str:
    known = set(re.findall(NUMBER, task.metadata["document"]))
    return next(str(n) for n in range(17, 10_000, 7) if str(n) not in known)


def known_bad(task: Task) -> dict[str, str]:
    """Answers that miss or game the rubric: the document's sentences that state the key facts,
    the values as a list, the document (as it is, and under the heading), the reference with a
    value changed, with an invented number, past the word budget, with the distractors' values,
    and a summary that states no fact."""
    reference = str(task.answer)
    document = task.metadata["document"]
    facts = key_facts(task)
    first = facts[0][1]
    filler = " It is a place and a story that many people find worth reading about."
    over = reference + filler * (task.metadata["budget"] // 13 + 1)
    sentences = re.split(r"(?<=[.!?])\s+", document)
    entity = task.metadata["entity"]
    copied = [
        s
        for s in sentences
        if re.search(_whole(entity), s) and any(re.search(_whole(v), s) for _, v in facts)
    ]
    bad = {
        "copied_sentences": f"## {HEADING}\n\n" + " ".join(copied),
        "value_list": "\n".join(value for _, value in facts),
        "document": document,
        "document_under_heading": f"## {HEADING}\n\n{document}",
        "one_value_changed": _replace(reference, first, _changed(first)),
        "invented_number": f"{reference} It also has {_unknown_number(task)} old windmills.",
        "over_budget": over,
        "no_facts": f"## {HEADING}\n\nThe document tells a short story. It is worth reading.",
    }
    distractors = task.metadata["distractors"]
    if distractors:
        swapped = reference
        for fact in task.metadata["facts"]:
            if fact["key"] in distractors:
                swapped = _replace(swapped, fact["value"], distractors[fact["key"]])
        bad["distractor_values"] = swapped
    return bad
