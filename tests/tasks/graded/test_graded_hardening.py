"""The graded environments against the audit's reward hacks (G1-G7): each hack scores low, the
reference still scores 1, and a long JSON answer is judged fast."""

from __future__ import annotations

import json
import re
import time

import pytest

import rlvr
from rlvr.tasks.graded.fact_summary import known_bad as fact_known_bad
from rlvr.types import Task, Verdict
from rlvr.verifiers.rubric_items import count_words

HOMOGLYPHS = str.maketrans({"a": "а", "e": "е", "o": "о", "i": "і"})  # Cyrillic
FUNCTION_WORDS = r"\b(the|of|was|were|in|is|by|a|and|its|at)\b"
PADDING = "It-is-a-place-and-a-story-that-many-people-find-worth-reading-about."


def make_task(env_id: str, difficulty: int, seed: int = 0) -> tuple[object, Task]:
    """An environment of ``env_id`` and its task for ``seed``."""
    env = rlvr.make(env_id, difficulty=difficulty)
    _, info = env.reset(seed=seed)
    return env, info["task"]


def verify(env: object, task: Task, completion: str) -> Verdict:
    """The environment's verdict on ``completion``; it must be a grade, not a failure."""
    verdict = env.unwrapped.verify(task, completion)
    assert verdict.status == "ok", verdict.feedback
    return verdict


def reward(env: object, task: Task, completion: str) -> float:
    return verify(env, task, completion).reward


def fact_summary(difficulty: int) -> tuple[object, Task]:
    return make_task("graded/fact-summary-v0", difficulty)


def constrained(difficulty: int) -> tuple[object, Task]:
    return make_task("graded/constrained-writing-v0", difficulty)


def hyphen_joined(document: str, names: list[str]) -> str:
    """``document`` with the spaces inside each sentence made hyphens, names kept whole."""
    text = document
    for i, name in enumerate(names):
        text = text.replace(name, f"\0{i}\0")
    sentences = re.split(r"(?<=[.!?])\s+", text)
    text = " ".join(sentence.replace(" ", "-") for sentence in sentences)
    for i, name in enumerate(names):
        text = text.replace(f"\0{i}\0", name)
    return text


@pytest.mark.parametrize("difficulty", [1, 3, 5])
def test_g1_the_document_joined_by_hyphens_is_copying_and_over_budget(difficulty):
    env, task = fact_summary(difficulty)
    names = [fact["value"] for fact in task.metadata["facts"] if " " in fact["value"]]
    joined = "## Summary\n\n" + hyphen_joined(task.metadata["document"], names)
    verdict = verify(env, task, joined)
    assert verdict.reward == 0.0
    assert verdict.components["budget"] == 0.0 and verdict.components["copying"] == 0.0
    assert reward(env, task, str(task.answer)) == 1.0


def test_g2_copied_sentences_with_look_alike_letters_are_copying():
    env, task = fact_summary(1)
    head, body = fact_known_bad(task)["copied_sentences"].split("\n\n", 1)
    disguised = re.sub(FUNCTION_WORDS, lambda m: m.group(1).translate(HOMOGLYPHS), body)
    assert disguised != body
    verdict = verify(env, task, f"{head}\n\n{disguised}")
    assert (verdict.reward, verdict.components["copying"]) == (0.0, 0.0)
    assert reward(env, task, str(task.answer)) == 1.0


@pytest.mark.parametrize(
    "invented",
    [
        " It also has forty-two old windmills.",
        " It also has Forty Two old windmills.",
        " It also has fortytwo old windmills.",
        " It also has seven old windmills.",
        " It also has No.42 windmills.",
        " It also has x42 windmills.",
        " It also has ４２ windmills.",  # full-width digits
    ],
)
@pytest.mark.parametrize("difficulty", [1, 3])
def test_g3_an_invented_number_in_words_or_glued_costs_the_numbers_penalty(invented, difficulty):
    env, task = fact_summary(difficulty)
    verdict = verify(env, task, str(task.answer) + invented)
    assert (verdict.reward, verdict.components["numbers"]) == (0.5, 0.0)


@pytest.mark.parametrize("difficulty", [1, 2, 3, 4, 5])
def test_g3_the_facts_own_numbers_and_one_as_a_pronoun_are_not_invented(difficulty):
    env, task = fact_summary(difficulty)
    assert reward(env, task, str(task.answer)) == 1.0
    legit = str(task.answer) + " It is one of the places the document describes."
    assert reward(env, task, legit) == 1.0


def test_g4a_hyphen_chains_do_not_dodge_the_summary_budget():
    env, task = fact_summary(1)
    padded = str(task.answer) + " " + " ".join([PADDING] * 10)
    assert count_words(padded) > task.metadata["budget"]
    verdict = verify(env, task, padded)
    assert (verdict.reward, verdict.components["budget"]) == (0.5, 0.0)


def test_g4b_hyphen_chains_do_not_dodge_the_word_range():
    env, task = constrained(1)
    high = int(re.search(r"and (\d+) words", task.prompt).group(1))
    sentences = re.findall(r"The [^.]*\.", str(task.answer))
    chain = "-".join(" ".join(sentences).replace(".", "").split()) + "."
    padded = str(task.answer) + " " + " ".join([chain] * 4)
    assert count_words(padded) > 2 * high
    verdict = verify(env, task, padded)
    assert verdict.reward == 0.0
    assert verdict.components["length"] == verdict.components["overlong"] == 0.0


def forbidden(task: Task) -> tuple[str, str]:
    """``(kind, what)``: the letter or the word the task's prompt forbids."""
    kind, what = re.search(r'Never use the (letter|word) "(\w+)"', task.prompt).groups()
    return kind, what


DISGUISES = {  # a word with the forbidden letter, and the letter disguised in it
    "j": ("jovial", "ј"),  # Cyrillic je
    "z": ("lazy", "ᴢ"),  # small capital z
    "u": ("hung", "υ"),  # Greek upsilon
    "k": ("kind", "к"),
    "q": ("quiet", "ԛ"),
    "v": ("vivid", "ν"),
    "x": ("exact", "х"),
    "c": ("calm", "с"),
    "m": ("moon", "м"),
    "b": ("bold", "ь"),
    "f": ("fog", "ꜰ"),
    "g": ("glow", "ɡ"),
    "p": ("pale", "р"),
    "w": ("wind", "ԝ"),
    "y": ("yard", "у"),
}


@pytest.mark.parametrize(("difficulty", "seed"), [(1, 0), (2, 1), (3, 0), (4, 0), (4, 1), (5, 0)])
def test_g5_a_disguised_forbidden_word_or_letter_still_costs_the_avoid_item(difficulty, seed):
    env, task = make_task("graded/constrained-writing-v0", difficulty, seed)
    kind, what = forbidden(task)
    if kind == "word":
        plain, disguised = what, what[0] + "\u200b" + what[1:]
    else:
        plain, letter = DISGUISES[what]
        disguised = plain.replace(what, letter)

    for word in (plain, disguised):
        verdict = verify(env, task, str(task.answer).replace("The ", f"The {word} and ", 1))
        assert verdict.components["avoid"] == 0.0, word
        assert verdict.reward == pytest.approx(5 / 6), word
    assert reward(env, task, str(task.answer)) == 1.0


def test_g5_a_look_alike_folding_misses_costs_what_the_letter_costs():
    env, task = constrained(5)
    assert forbidden(task) == ("letter", "u")
    ipa = str(task.answer).replace("The ", "The hʊng and ", 1)  # IPA upsilon: not folded
    verdict = verify(env, task, ipa)
    assert verdict.components["avoid"] == 1.0 and verdict.components["alphabets"] == 0.0
    assert verdict.reward == pytest.approx(5 / 6)


def sections_of(task: Task) -> tuple[list[str], str]:
    """The reference's headings' titles and its text as one paragraph."""
    titles = re.findall(r"^## (\w+)$", str(task.answer), re.MULTILINE)
    body = " ".join(re.sub(r"^## \w+$", "", str(task.answer), flags=re.MULTILINE).split())
    return titles, body


@pytest.mark.parametrize("difficulty", [2, 4, 5])
def test_g6_stacked_headings_share_no_body(difficulty):
    env, task = constrained(difficulty)
    titles, body = sections_of(task)
    stacked = "\n".join(f"{'#' * level} {t}" for level, t in enumerate(titles, 1))
    verdict = verify(env, task, f"{stacked}\n\n{body}")
    filled = 1 / 2 if len(titles) == 2 else 0.0  # of 2, the "##" one holds the text: its own
    assert verdict.components["sections"] == filled
    assert verdict.reward == pytest.approx((4 + 2 * filled) / 6)
    same_level = "\n".join(f"## {t}" for t in titles)
    assert verify(env, task, f"{same_level}\n\n{body}").components["sections"] < 1
    assert reward(env, task, str(task.answer)) == 1.0


def test_g6_headings_at_another_level_than_asked_are_not_the_sections():
    env, task = constrained(5)
    deeper = re.sub(r"^## ", "### ", str(task.answer), flags=re.MULTILINE)
    verdict = verify(env, task, deeper)
    assert verdict.components["sections"] == 0.0 and verdict.reward == pytest.approx(4 / 6)


@pytest.mark.parametrize("items", [5_000, 16_000])
def test_g7_a_long_mixed_array_is_judged_fast_and_wrong(items):
    env, task = make_task("graded/structured-output-v0", 4)
    assert reward(env, task, env.unwrapped.verifier.reference_completion(task)) == 1.0  # warm
    answer = {**task.answer, "ports": ["x", *range(items)]}
    completion = "```json\n" + json.dumps(answer, separators=(",", ":")) + "\n```"
    start = time.process_time()
    verifier = env.unwrapped.verifier
    verdict = getattr(verifier, "inner", verifier).verify(task, completion)  # in this process
    elapsed = time.process_time() - start
    assert (verdict.status, verdict.reward) == ("ok", 0.0)
    assert elapsed < 0.2
