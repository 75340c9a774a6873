"""Questions over the encyclopaedia, with gold answers, aliases and the hop chain.

A question starts at an entity, follows ``relations`` relations (the founder of, the town where …
was born, …) and asks one attribute of the entity it reaches. The chain of articles to read is
recorded in ``task.metadata["chain"]``: one hop per article, each with the fact read there, its
value and the exact sentence that states it (present verbatim in that article).

Levels (``mixed`` questions, :class:`QuestionSource`):

- 1: one article, a number or word attribute (year, population, occupation …);
- 2: one article, any attribute, relation-valued ones included (who founded …), and the entity
  may have a twin with a similar name;
- 3: two articles (one relation);
- 4: two or three articles, the start entity has a twin when the corpus allows;
- 5: three or four articles, the start entity has a twin when the corpus allows.

``multi_hop=True`` asks only multi-hop questions: levels 1–2 use one relation, 3 two, 4 two or
three, 5 three; the start entity has a twin from level 2 on.

Answers are compared after :func:`normalize_answer`: Unicode NFKC and case folding, thousands
separators dropped from numbers (``12,450``, ``12 450`` and ``12_450`` all read ``12450``),
punctuation turned into spaces, the articles *a*, *an*, *the* dropped and whitespace collapsed.
An answer is correct when it normalises to the gold answer or to one of ``metadata["aliases"]``.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from typing import Any, ClassVar

from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.tasks.qa.corpus import ATTRIBUTES, DEFAULT_SIZE, RELATIONS, Corpus, build_corpus
from rlvr.tasks.qa.corpus import fact_sentence as sentence_of
from rlvr.types import Task

DEPTH = {"river": 0, "town": 1, "person": 2, "company": 3, "invention": 4}
"""The longest relation path from each kind."""

ARTICLE = {"river": "the ", "invention": "the "}
"""The article put before names of these kinds inside a sentence ("the Tarnel Loom")."""

DESCRIBE_RELATION = {
    "maker": "the company that manufactures {}",
    "inventor": "the inventor of {}",
    "founder": "the founder of {}",
    "headquarters": "the town where {} has its headquarters",
    "birthplace": "the town where {} was born",
    "river": "the river on whose banks {} stands",
}
ASK = {
    ("person", "birth_year"): "In what year was {} born?",
    ("person", "death_year"): "In what year did {} die?",
    ("person", "occupation"): "What was the occupation of {}?",
    ("person", "birthplace"): "In which town was {} born?",
    ("town", "population"): "What is the population of {}?",
    ("town", "founded"): "In what year was {} founded?",
    ("town", "province"): "In which province does {} lie?",
    ("town", "river"): "On the banks of which river does {} stand?",
    ("river", "length"): "How long is {}, in kilometres?",
    ("river", "mouth"): "Into which body of water does {} flow?",
    ("company", "founded"): "In what year was {} established?",
    ("company", "employees"): "How many people does {} employ?",
    ("company", "industry"): "In which industry is {}?",
    ("company", "founder"): "Who founded {}?",
    ("company", "headquarters"): "In which town does {} have its headquarters?",
    ("invention", "introduced"): "In what year was {} introduced?",
    ("invention", "inventor"): "Who invented {}?",
    ("invention", "maker"): "Which company manufactures {}?",
}
_THOUSANDS = re.compile(r"(?<=\d)[,_ \u00a0\u202f](?=\d{3}(?!\d))")
_PUNCTUATION = re.compile(r"[^\w\s]|_")
_ARTICLES = frozenset(("a", "an", "the"))
UNITS = {("river", "length"): ("kilometres", "km")}


def in_sentence(name: str, kind: str) -> str:
    return ARTICLE.get(kind, "") + name


def aliases_for(kind: str, key: str, value: str) -> list[str]:
    """Other accepted forms of ``value`` (normalisation already ignores case, commas, 'the')."""
    aliases: list[str] = []
    for unit in UNITS.get((kind, key), ()):
        aliases.append(f"{value} {unit}")
    if key == "occupation":
        aliases.append(f"a {value}")
    if key == "industry":
        aliases.append(f"the {value} industry")
    if key == "river" and value.endswith(" River"):
        aliases.append(value[: -len(" River")])
    if key == "province":
        aliases.append(f"the province of {value}")
    return aliases


def normalize_answer(text: str) -> str:
    """``text`` in the form answers are compared in (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _THOUSANDS.sub("", text)
    words = _PUNCTUATION.sub(" ", text).split()
    return " ".join(word for word in words if word not in _ARTICLES)


def answer_matches(answer: str, gold: str, aliases: Sequence[str] = ()) -> bool:
    """Whether ``answer`` normalises to ``gold`` or to one of ``aliases`` (never to empty)."""
    given = normalize_answer(answer)
    return bool(given) and any(given == normalize_answer(g) for g in (gold, *aliases))


def contains_answer(passage: str, gold: str, aliases: Sequence[str] = ()) -> bool:
    """Whether ``passage`` contains ``gold`` or an alias as whole words, after normalisation."""
    text = f" {normalize_answer(passage)} "
    forms = [normalize_answer(g) for g in (gold, *aliases)]
    return any(form and f" {form} " in text for form in forms)


def plan(level: int, multi_hop: bool, rng: random.Random) -> tuple[int, bool, bool]:
    """``(relations, allow relation-valued answers, want a start entity with a twin)``."""
    if multi_hop:
        relations = {1: 1, 2: 1, 3: 2, 4: rng.choice((2, 3)), 5: 3}[level]
        return relations, False, level >= 2
    if level == 1:
        return 0, False, False
    if level == 2:
        return 0, True, rng.random() < 0.5
    if level == 3:
        return 1, False, False
    if level == 4:
        return rng.choice((1, 2)), False, True
    return rng.choice((2, 3)), False, True


def make_question(corpus: Corpus, rng: random.Random, level: int, multi_hop: bool) -> Problem:
    """One question for ``level``, drawn with ``rng`` alone."""
    relations, relation_answers, want_twin = plan(level, multi_hop, rng)
    starts = [e for e in corpus.entities.values() if DEPTH[e.kind] >= relations]
    if want_twin:
        twinned = [e for e in starts if e.twin is not None]
        starts = twinned or starts
    entity = rng.choice(sorted(starts, key=lambda e: e.name))
    chain: list[dict[str, Any]] = []
    description = in_sentence(entity.name, entity.kind)
    for left in range(relations - 1, -1, -1):
        options = [r for r, kind in RELATIONS[entity.kind].items() if DEPTH[kind] >= left]
        relation = rng.choice(sorted(options))
        target = corpus.entities[entity.facts[relation]]
        chain.append(_hop(entity, relation))
        description = DESCRIBE_RELATION[relation].format(description)
        entity = target
    keys = list(ATTRIBUTES[entity.kind])
    if relation_answers:
        keys += list(RELATIONS[entity.kind])
    key = rng.choice(keys)
    chain.append(_hop(entity, key))
    value = entity.facts[key]
    question = ASK[(entity.kind, key)].format(description)
    question = question[0].upper() + question[1:]
    metadata = {
        "question": question,
        "aliases": aliases_for(entity.kind, key, value),
        "chain": chain,
        "hops": len(chain),
        "multi_hop": multi_hop,
        "distractor": next((h["twin"] for h in chain if h["twin"]), None),
        "corpus_seed": corpus.seed,
        "corpus_size": corpus.size,
    }
    return Problem(question, value, metadata)


def _hop(entity, key: str) -> dict[str, Any]:
    return {
        "title": entity.name,
        "kind": entity.kind,
        "fact": key,
        "value": entity.facts[key],
        "sentence": sentence_of(entity, key),
        "twin": entity.twin,
    }


class QuestionSource(ProceduralSource):
    """Question ``i`` for a corpus, a task seed and a level: a pure function of all four.

    ``Task.prompt`` is the question alone (the environment adds the rules); ``Task.answer`` the
    gold answer as written in the corpus; ``metadata`` holds ``aliases`` and the hop ``chain``.
    """

    family: ClassVar[str] = "qa/encyclopedia"

    def __init__(
        self,
        seed: int = 0,
        difficulty: int = 1,
        *,
        corpus_seed: int = 0,
        corpus_size: int = DEFAULT_SIZE,
        multi_hop: bool = False,
    ) -> None:
        super().__init__(seed, difficulty)
        self.corpus = build_corpus(corpus_seed, corpus_size)
        self.multi_hop = multi_hop

    @property
    def name(self) -> str:
        kind = "multi-hop" if self.multi_hop else "encyclopedia"
        return f"qa/{kind}/c{self.corpus.seed}x{self.corpus.size}"

    def __getitem__(self, index: int) -> Task:
        task = super().__getitem__(index)
        return task.model_copy(
            update={"id": f"{self.name}/s{self.seed}/d{self.difficulty}/{task.metadata['index']}"}
        )

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        return make_question(self.corpus, rng, difficulty, self.multi_hop)
