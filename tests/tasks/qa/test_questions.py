"""Questions: deterministic, answerable from the articles on their hop chain; answer matching."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.tasks.qa.corpus import build_corpus
from rlvr.tasks.qa.questions import (
    QuestionSource,
    answer_matches,
    contains_answer,
    normalize_answer,
)


@pytest.mark.parametrize("multi_hop", [False, True])
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_every_fact_on_the_chain_is_in_its_article_and_links_to_the_next(level, multi_hop):
    source = QuestionSource(7, level, multi_hop=multi_hop)
    corpus = build_corpus(0, 400)
    for index in range(60):
        task = source[index]
        chain = task.metadata["chain"]
        for hop, after in zip(chain, [*chain[1:], None], strict=True):
            article = corpus.by_title[hop["title"]]
            assert hop["sentence"] in article.lines
            assert hop["value"] in hop["sentence"]
            if after is not None:
                assert after["title"] == hop["value"]
                # the relation's target is named in the question only through the chain
                assert after["title"] not in task.prompt
        assert chain[-1]["value"] == task.answer
        assert chain[0]["title"] in task.prompt
        assert task.answer not in task.prompt


def test_levels_and_the_multi_hop_variant_ask_the_documented_hops():
    hops = {
        (level, multi): {
            QuestionSource(0, level, multi_hop=multi)[i].metadata["hops"] for i in range(80)
        }
        for level in range(1, 6)
        for multi in (False, True)
    }
    assert hops[(1, False)] == hops[(2, False)] == {1}
    assert hops[(3, False)] == {2} and hops[(4, False)] == {2, 3} and hops[(5, False)] == {3, 4}
    assert hops[(1, True)] == {2} and hops[(3, True)] == {3} and hops[(5, True)] == {4}


def test_higher_levels_pick_entities_with_similar_named_distractors():
    with_twin = sum(QuestionSource(0, 5)[i].metadata["distractor"] is not None for i in range(50))
    assert with_twin == 50


def test_question_i_is_a_pure_function_of_seed_level_and_index():
    first = [QuestionSource(2, 4)[i] for i in (5, 0, 3)]
    again = [QuestionSource(2, 4)[i] for i in (0, 3, 5)]
    assert first == [again[2], again[0], again[1]]
    assert QuestionSource(3, 4)[5] != first[0]
    assert first[0].id == "qa/encyclopedia/c0x400/s2/d4/5"


@pytest.mark.parametrize(
    ("answer", "gold", "aliases"),
    [
        ("12450", "12,450", []),
        ("12 450", "12,450", []),
        (" The  Velmora River. ", "Velmora River", []),
        ("velmora", "Velmora River", ["Velmora"]),
        ("A clockmaker", "clockmaker", []),
        ("522 km", "522", ["522 kilometres", "522 km"]),
    ],
)
def test_documented_normalisation_accepts_equivalent_forms(answer, gold, aliases):
    assert answer_matches(answer, gold, aliases)


@pytest.mark.parametrize(
    ("answer", "gold"),
    [("1245", "12,450"), ("Velmora Rivers", "Velmora River"), ("", "x"), ("the", "x")],
)
def test_different_answers_do_not_match(answer, gold):
    assert not answer_matches(answer, gold)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_normalisation_is_idempotent_and_ignores_case_and_spacing(text):
    once = normalize_answer(text)
    assert normalize_answer(once) == once
    assert normalize_answer(f"  {text.upper()} ") == normalize_answer(text.upper())
    if once:
        assert answer_matches(text, text)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**9))
def test_numbers_match_with_or_without_thousands_separators(number):
    assert answer_matches(f"{number:,}", str(number))
    assert answer_matches(str(number), f"{number:,}")
    assert not answer_matches(str(number + 1), f"{number:,}")


def test_passages_contain_answers_as_whole_words():
    assert contains_answer("Brastow has a population of 12,450.", "12450")
    assert not contains_answer("Brastow has a population of 112,450.", "12,450")
