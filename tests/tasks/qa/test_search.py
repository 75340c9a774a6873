"""BM25 search over the encyclopaedia."""

from __future__ import annotations

import pytest

from rlvr.tasks.qa.corpus import build_corpus
from rlvr.tasks.qa.search import SearchIndex, index_for, tokenize


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return index_for(0, 400)


def test_tokens_drop_case_stop_words_and_thousands_separators():
    assert tokenize("The population of Brastow is 12,450.") == ["population", "brastow", "12450"]


def test_an_exact_title_query_ranks_that_article_first_for_every_article(index):
    for article in index.articles:
        hits = index.search(article.title)
        assert hits[0].article.title == article.title, article.title


def test_a_distinctive_fact_query_finds_the_article_in_the_top_three(index):
    """Facts without the name: "clockmaker born 1873 died 1931" finds that person."""
    corpus = build_corpus(0, 400)
    queries = {}
    for entity in corpus.entities.values():
        f = entity.facts
        if entity.kind == "person":
            queries[entity.name] = (
                f"{f['occupation']} born {f['birth_year']} died {f['death_year']}"
            )
        elif entity.kind == "company":
            queries[entity.name] = f"{f['industry']} established {f['founded']} {f['employees']}"
        elif entity.kind == "town":
            queries[entity.name] = f"population {f['population']} founded {f['founded']}"
    misses = []
    for title, query in queries.items():
        top = [hit.article.title for hit in index.search(query, k=3)]
        if title not in top:
            misses.append((query, title, top))
    assert len(queries) > 200
    assert not misses, misses[:5]


def test_empty_and_unknown_queries_give_no_results(index):
    assert index.search("") == []
    assert index.search("the of and") == []
    assert index.search("zzzqqq") == []


def test_snippets_show_the_best_matching_line(index):
    article = next(a for a in index.articles if a.kind == "river")
    hits = index.search(f"{article.title} kilometres long")
    assert hits[0].article is article
    assert "kilometres long" in hits[0].snippet
