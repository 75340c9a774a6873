"""Constrained writing: a short text that meets generated constraints.

=====  ========  ========  =================  ===========  ==================================
level  required  sections  words in a section  word range   must avoid
=====  ========  ========  =================  ===========  ==================================
1      2 words   1         5                  about ±25    a word ("very", "just", ...)
2      3 words   2         5                  about ±20    a word
3      3 words   2         8                  about ±15    a rare letter (j k q v x z)
4      4 words   3         8                  about ±12    a letter (b f g p w y)
5      5 words   3         10                 about ±10    a common letter (c m u)
=====  ========  ========  =================  ===========  ==================================

Constraints: a total word count range; required words, each used one to three times; a word or a
letter never to be used (headings included); sections under given Markdown headings, each with
enough words. The gold answer is a reference text built from a small word bank that meets every
constraint (many other texts do too: any of them scores 1).

The rubric (``metadata["rubric"]``, graded by the ``rubric`` verifier): ``sentences`` (gate: at
least three full sentences), ``length`` (weight 1), ``words`` (weight 2, one sub-item per
required word), ``avoid`` (weight 1), ``sections`` (weight 2, one sub-item per heading), and
three penalties: ``overlong`` (1.0, over twice the maximum length), ``repetition`` (0.5, a word
four times in a row) and ``alphabets`` (1/6, what ``avoid`` costs: a word that mixes alphabets,
which may hide the forbidden letter). Text that meets everything but ``k`` of ``n`` required
words scores ``(4 + 2 (n - k) / n) / 6``.

Words are counted as :func:`~rlvr.verifiers.rubric_items.count_words` does (a hyphen separates
them); the required and forbidden words and letters are looked for in the folded text (see
:func:`~rlvr.verifiers.rubric_items.fold_text`: a Cyrillic ``о`` or a zero-width space does not
hide them); a section is a ``## `` heading (the level the prompt asks for) with enough words of
its own, before the next heading of any level.
"""

from __future__ import annotations

import random
import re
from collections.abc import Set as AbstractSet
from typing import Any, ClassVar

from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.types import Task
from rlvr.verifiers.rubric_items import MIXED_SCRIPT, count_words

# fmt: off
NOUNS = (
    "river", "stone", "lantern", "harbor", "garden", "window", "bridge", "forest", "valley",
    "market", "candle", "letter", "island", "meadow", "orchard", "tower", "road", "field", "cloud",
    "shadow", "morning", "evening", "kitchen", "station", "mountain", "ocean", "village", "painter",
    "sailor", "farmer", "teacher", "child", "horse", "bird", "boat", "door", "table", "song",
    "story", "dream", "storm", "fire", "rain", "wind", "light", "street", "lake", "hill", "path",
)
ADJECTIVES = (
    "quiet", "old", "bright", "small", "cold", "warm", "green", "dark", "gentle", "golden",
    "silver", "narrow", "distant", "hidden", "empty", "busy", "tired", "calm", "wild", "soft",
    "heavy", "early", "late", "long", "red", "blue", "grey", "pale", "rough", "clear", "sad",
)
VERBS = (
    "rested", "waited", "stood", "glowed", "drifted", "hummed", "slept", "wandered", "shone",
    "lingered", "settled", "turned", "paused", "trembled", "leaned", "listened", "sang", "fell",
    "rose", "sat", "ran", "spun", "hid", "sank", "lay",
)
PREPOSITIONS = (
    "near", "beside", "under", "above", "behind", "inside", "along", "across", "past", "around",
    "by", "at", "on", "in", "into", "onto",
)
TITLES = (
    "Setting", "Characters", "Conflict", "Resolution", "Mood", "Ending", "Beginning", "Middle",
    "Details", "Summary", "Scene", "Outlook", "Journey", "Origin", "Aftermath", "Sound", "Place",
)
TOPICS = (
    "a lighthouse at night", "a market at dawn", "a long train journey", "a village festival",
    "a storm at sea", "an old library", "a mountain pass in winter", "a garden after rain",
    "a harbour town", "a desert crossing", "the last day of a fair", "a river in flood",
    "an island seen from a boat", "a tired painter", "the end of a long road",
)
FORBIDDEN_WORDS = ("very", "really", "suddenly", "thing", "nice", "just", "actually", "basically")
# fmt: on
LETTERS = {3: "jkqvxz", 4: "bfgpwy", 5: "cmu"}
# level: (required words, sections, sentences per section, words per section, range width)
LEVELS = {
    1: (2, 1, (4, 5), 5, 25),
    2: (3, 2, (2, 3), 5, 20),
    3: (3, 2, (3, 3), 8, 15),
    4: (4, 3, (2, 3), 8, 12),
    5: (5, 3, (3, 3), 10, 10),
}
SENTENCE = r"\b\w+(?:[ \t,;:'’-]+\w+){3,60}[.!?]"
"""A full sentence: four or more words, then . ! or ?"""
REPETITION = r"\b(\w+)(?:\W+\1\b){3}"
MAX_USES = 3
WEIGHTS = {"length": 1.0, "words": 2.0, "avoid": 1.0, "sections": 2.0}
HEADING_LEVEL = 2
"""The prompt asks for ``## `` headings; a heading of another level is not the section."""
MIXED_PENALTY = WEIGHTS["avoid"] / sum(WEIGHTS.values())
"""A word mixing alphabets may hide the forbidden letter: it costs what using it costs."""


def _allowed(
    words: tuple[str, ...], letter: str | None, exclude: AbstractSet[str] = frozenset()
) -> list[str]:
    """``words`` without ``letter`` (either case) and without ``exclude``."""
    return [w for w in words if (letter is None or letter not in w.lower()) and w not in exclude]


def _sentence(
    rng: random.Random, nouns: list[str], adjectives: list[str], verbs: list[str], preps: list[str]
) -> list[str]:
    noun, noun2 = rng.sample(nouns, 2)
    adjective, adjective2 = rng.sample(adjectives, 2)
    return ["The", adjective, noun, rng.choice(verbs), rng.choice(preps), "the", adjective2, noun2]


class ConstrainedWritingSource(ProceduralSource):
    """Write a short text on a topic under word-count, vocabulary and structure constraints."""

    family: ClassVar[str] = "constrained-writing"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        required_count, sections, (few, many), min_words, width = LEVELS[difficulty]
        letter = rng.choice(LETTERS[difficulty]) if difficulty in LETTERS else None
        banned = None if letter else rng.choice(FORBIDDEN_WORDS)
        topic = rng.choice(_allowed(TOPICS, letter))
        titles = rng.sample(_allowed(TITLES, letter), sections)
        pool = [(w, "noun") for w in _allowed(NOUNS, letter)]
        pool += [(w, "adjective") for w in _allowed(ADJECTIVES, letter)]
        required = rng.sample(pool, required_count)
        taken = {w for w, _ in required}
        nouns, adjectives = _allowed(NOUNS, letter, taken), _allowed(ADJECTIVES, letter, taken)
        verbs, preps = _allowed(VERBS, letter), _allowed(PREPOSITIONS, letter)
        counts = [rng.randint(few, many) for _ in titles]
        sentences = [_sentence(rng, nouns, adjectives, verbs, preps) for _ in range(sum(counts))]
        for sentence, (word, pos) in zip(sentences, required, strict=False):
            sentence[2 if pos == "noun" else 1] = word
        blocks, start = [], 0
        for title, count in zip(titles, counts, strict=True):
            body = " ".join(" ".join(s) + "." for s in sentences[start : start + count])
            blocks.append(f"## {title}\n\n{body}")
            start += count
        reference = "\n\n".join(blocks)
        total = count_words(reference)
        low = max(10, 5 * ((total - rng.randint(3, width)) // 5))
        high = 5 * -(-(total + rng.randint(3, width)) // 5)
        words = [w for w, _ in required]
        rng.shuffle(words)
        avoid = f'the letter "{letter}"' if letter else f'the word "{banned}"'
        prompt = (
            f"Write a short text about {topic}. It must meet every one of these constraints:\n\n"
            f"1. Between {low} and {high} words in total, headings included.\n"
            f"2. Use each of these words at least once and at most {MAX_USES} times: "
            f"{', '.join(words)}.\n"
            f"3. Never use {avoid}, in upper or lower case, headings included.\n"
            + (
                f"4. Put it in {len(titles)} sections under these Markdown headings, in any order, "
                f"each with at least {min_words} words of text: "
                if len(titles) > 1
                else f"4. Put it under this Markdown heading, with at least {min_words} words of "
                "text: "
            )
            + ", ".join(f'"## {t}"' for t in titles)
            + ".\n5. Write in full sentences."
        )
        rubric = build_rubric(low, high, words, letter, banned, titles, min_words)
        metadata = {"topic": topic, "rubric": rubric}
        return Problem(prompt, reference, metadata)


def build_rubric(
    low: int,
    high: int,
    words: list[str],
    letter: str | None,
    banned: str | None,
    titles: list[str],
    min_words: int,
) -> dict[str, Any]:
    """The task's rubric (see the module docstring), as JSON."""
    avoid = re.escape(letter) if letter else rf"\b{re.escape(banned or '')}\b"
    return {
        "items": [
            {
                "name": "sentences",
                "kind": "regex",
                "pattern": SENTENCE,
                "min_count": 3,
                "gate": True,
                "description": "written in full sentences (at least three)",
            },
            {
                "name": "length",
                "kind": "length",
                "unit": "words",
                "min": low,
                "max": high,
                "weight": WEIGHTS["length"],
                "description": f"between {low} and {high} words",
            },
            {
                "name": "words",
                "kind": "group",
                "weight": WEIGHTS["words"],
                "description": "the required words",
                "items": [
                    {
                        "name": word,
                        "kind": "regex",
                        "pattern": rf"\b{re.escape(word)}\b",
                        "ignore_case": True,
                        "fold": True,
                        "max_count": MAX_USES,
                        "description": f"{word!r} used 1 to {MAX_USES} times",
                    }
                    for word in words
                ],
            },
            {
                "name": "avoid",
                "kind": "regex",
                "pattern": avoid,
                "must_match": False,
                "ignore_case": True,
                "fold": True,
                "weight": WEIGHTS["avoid"],
                "description": f"never {'the letter ' + repr(letter) if letter else repr(banned)}",
            },
            {
                "name": "sections",
                "kind": "group",
                "weight": WEIGHTS["sections"],
                "description": "the required sections",
                "items": [
                    {
                        "name": title.lower(),
                        "kind": "section",
                        "title": title,
                        "style": "heading",
                        "level": HEADING_LEVEL,
                        "subsections": False,
                        "min_words": min_words,
                        "description": f"a {title!r} section of {min_words}+ words",
                    }
                    for title in titles
                ],
            },
            {
                "name": "overlong",
                "kind": "length",
                "unit": "words",
                "max": 2 * high,
                "penalty": True,
                "weight": 1.0,
                "description": "not far over the word limit",
            },
            {
                "name": "repetition",
                "kind": "regex",
                "pattern": REPETITION,
                "must_match": False,
                "ignore_case": True,
                "fold": True,
                "penalty": True,
                "weight": 0.5,
                "description": "no word four times in a row",
            },
            {
                "name": "alphabets",
                "kind": "regex",
                "pattern": MIXED_SCRIPT,
                "must_match": False,
                "fold": True,
                "penalty": True,
                "weight": MIXED_PENALTY,
                "description": "no word that mixes alphabets (a disguised letter)",
            },
        ]
    }


def required_words(task: Task) -> list[str]:
    """The words ``task`` requires, in prompt order."""
    group = next(i for i in task.metadata["rubric"]["items"] if i["name"] == "words")
    return [item["name"] for item in group["items"]]


def known_bad(task: Task) -> dict[str, str]:
    """Answers that game or miss the rubric: the required words as a list, sentences stuffed
    with them, and the reference without its headings."""
    words = required_words(task)
    stuffed = " and the ".join(words)
    return {
        "word_list": "\n".join(words),
        "stuffed_sentences": " ".join(f"The {stuffed} and the {words[0]}." for _ in range(8)),
        "no_headings": re.sub(r"^#+ .*\n*", "", str(task.answer), flags=re.MULTILINE),
    }
