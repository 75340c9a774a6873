"""The generated encyclopaedia: deterministic, consistent, with facts stated once."""

from __future__ import annotations

import time

import pytest

from rlvr.tasks.qa.corpus import FACT_TEMPLATES, RELATIONS, build_corpus, fact_sentence
from rlvr.tasks.qa.questions import normalize_answer


def test_the_same_seed_gives_the_same_corpus_and_another_seed_a_different_one():
    first = build_corpus(3, 200)
    build_corpus.cache_clear()
    again = build_corpus(3, 200)
    assert first is not again
    assert [a.lines for a in first.articles] == [a.lines for a in again.articles]
    other = build_corpus(4, 200)
    assert {a.title for a in other.articles} != {a.title for a in first.articles}


def test_the_default_corpus_builds_well_under_a_second():
    build_corpus.cache_clear()
    start = time.perf_counter()
    corpus = build_corpus(11, 400)
    assert time.perf_counter() - start < 1.0
    assert len(corpus.articles) == 400


def test_no_two_entities_share_a_name_even_after_normalisation():
    corpus = build_corpus(0, 400)
    names = [a.title for a in corpus.articles]
    assert len({normalize_answer(n) for n in names}) == len(names)
    assert set(names) == set(corpus.entities)


def test_every_fact_is_stated_verbatim_in_its_article_and_relations_resolve():
    corpus = build_corpus(0, 400)
    for entity in corpus.entities.values():
        article = corpus.by_title[entity.name]
        for key in entity.facts:
            assert fact_sentence(entity, key) in article.lines
        for relation, kind in RELATIONS[entity.kind].items():
            assert corpus.entities[entity.facts[relation]].kind == kind


def test_a_fact_sentence_appears_only_in_its_own_article():
    """No article states a (possibly conflicting) fact about another entity, twins included."""
    corpus = build_corpus(0, 400)
    prefixes = {}
    for entity in corpus.entities.values():
        for key in entity.facts:
            template = FACT_TEMPLATES[(entity.kind, key)]
            prefixes[template.split("{value}")[0].format(name=entity.name)] = entity.name
    for article in corpus.articles:
        for line in article.lines:
            for prefix, owner in prefixes.items():
                if line.startswith(prefix):
                    assert owner == article.title, (line, article.title)


def test_twins_have_near_identical_names_and_point_at_each_other():
    corpus = build_corpus(0, 400)
    twins = [e for e in corpus.entities.values() if e.twin]
    assert len(twins) >= 40
    for entity in twins:
        other = corpus.entities[entity.twin]
        assert other.twin == entity.name and other.kind == entity.kind
        assert len(other.name) == len(entity.name)
        assert sum(a != b for a, b in zip(entity.name, other.name, strict=True)) == 1


@pytest.mark.parametrize(("seed", "size"), [(-1, 400), (0, 10), (0, 10**6), (True, 400)])
def test_bad_corpus_parameters_are_rejected(seed, size):
    with pytest.raises(ValueError):
        build_corpus(seed, size)
