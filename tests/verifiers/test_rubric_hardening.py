"""The rubric verifier against disguised text: folding, word counts that hyphens cannot shrink,
copying through look-alike letters, heading levels and a section's own text, stacked headings,
and a ``uniqueItems`` check that stays linear."""

from __future__ import annotations

import json
import time

import pytest
from jsonschema import Draft202012Validator

from rlvr.types import Task
from rlvr.verifiers.rubric import RubricVerifier
from rlvr.verifiers.rubric_items import MIXED_SCRIPT, copied_share, count_words, fold_text
from rlvr.verifiers.rubric_spec import json_key, validator_for

TASK = Task(id="t/0", prompt="Write something.", answer="")
SOURCE = "The old mill on the river was built in 1742 by a weaver named Tarin Mosk."


def score(item: dict, completion: str) -> float:
    """The component of the one ``item`` of a rubric, on ``completion``."""
    return RubricVerifier([item]).verify(TASK, completion).components[item["name"]]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("plain ascii, unchanged", "plain ascii, unchanged"),
        ("a\u200bctually", "actually"),  # zero-width space
        ("soft\u00adhyphen", "softhyphen"),
        ("јovial thе оf", "jovial the of"),  # Cyrillic
        ("hυng νivid", "hung vivid"),  # Greek
        ("laᴢy", "lazy"),  # a small capital
        ("４２ ｆｕｌｌ", "42 full"),  # full-width
        ("café ﬁne Straße", "cafe fine Strasse"),  # an accent, a ligature, a letter without ASCII
        ("No\u3164space", "No space"),  # a Hangul filler prints as a space
    ],
)
def test_fold_text_reads_disguised_letters_as_latin(text, folded):
    assert fold_text(text) == folded


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("don't well-known", 2),  # a contraction, a compound
        ("grew-up-along-the-banks-of-the-river here and there today", 10),  # one saved of 11
        ("It-is-a-place-and-a-story-that-many-people-find-worth-reading-about.", 12),
        ("under_scores.and/slashes", 4),
        ("rock'n'roll y'all", 5),
        ("a\u200bctually twice", 2),
    ],
)
def test_joining_words_cannot_shrink_a_count_by_more_than_a_tenth(text, words):
    assert count_words(text) == words


def test_a_length_item_counts_hyphen_chains_by_their_parts():
    chain = "-".join(["word"] * 100)
    item = {"name": "n", "kind": "length", "max": 50}
    assert count_words(chain) == 90
    assert score(item, chain) == 0.0
    assert count_words(" ".join(["well-known"] * 30)) == 54  # 60 words, 6 saved
    assert score(item, " ".join(["well-known"] * 30)) == 0.0
    assert score(item, " ".join(["well-known"] * 5 + ["word"] * 45)) == 1.0  # 55, 5 saved


@pytest.mark.parametrize(
    "copy",
    [
        SOURCE.replace(" ", "-"),
        SOURCE.replace(" the ", " thе ").replace(" on ", " оn ").replace(" in ", " іn "),
        SOURCE.replace("e", "e\u200b"),
        SOURCE.replace(" ", "_"),
    ],
)
def test_copying_is_seen_through_hyphens_look_alikes_and_invisible_characters(copy):
    assert copied_share(copy, SOURCE, 6) == 1.0
    item = {"name": "own", "kind": "overlap", "source": SOURCE, "n": 6}
    assert score(item, copy) == 0.0


@pytest.mark.parametrize("disguised", ["a\u200bctually", "аctually", "ACTUALLY", "actuαlly"])
def test_a_folded_regex_item_finds_a_disguised_word(disguised):
    item = {"name": "w", "kind": "regex", "pattern": r"\bactually\b", "ignore_case": True}
    assert score({**item, "fold": True}, f"It was {disguised} fine.") == 1.0
    if disguised != "ACTUALLY":
        assert score(item, f"It was {disguised} fine.") == 0.0  # unfolded: as written


@pytest.mark.parametrize(
    ("text", "mixed"),
    [
        ("hʊng", True),  # an IPA letter, which folding leaves as it is
        ("aʃb", True),
        ("plain words", False),
        ("Привет мир", False),  # a real Cyrillic word stays Cyrillic
        ("λόγος", False),
        ("café Straße", False),
    ],
)
def test_mixed_script_finds_words_that_mix_alphabets_after_folding(text, mixed):
    item = {"name": "m", "kind": "regex", "pattern": MIXED_SCRIPT, "must_match": False}
    assert score({**item, "fold": True}, text) == (0.0 if mixed else 1.0)


def section(**fields) -> dict:
    return {"name": "s", "kind": "section", "title": "Plan", "style": "heading", **fields}


@pytest.mark.parametrize(
    ("item", "completion", "passes"),
    [
        (section(level=2), "## Plan\nDo it.", True),
        (section(level=2), "# Plan\nDo it.", False),
        (section(level=2), "### Plan\nDo it.", False),
        (section(level=2), "# Plan\n## Plan\nDo it.", True),
        (section(level=2), "## Plan\n### Detail\nDo it.", True),  # sub-sections count
        (section(level=2, subsections=False), "## Plan\n### Detail\nDo it.", False),
        (section(subsections=False), "# Plan\n## Next\nDo it.", False),
        (section(subsections=False), "# Plan\nDo it.\n## Next\nMore.", True),
    ],
)
def test_a_section_can_require_its_level_and_words_of_its_own(item, completion, passes):
    assert score(item, completion) == float(passes)


def test_a_missing_section_of_a_level_is_named_with_its_heading():
    verdict = RubricVerifier([section(level=2)]).verify(TASK, "# Plan\nDo it.")
    assert "no section titled '## Plan'" in verdict.feedback


STACKED = [
    {"name": t.lower(), "kind": "section", "title": t, "style": "heading", "min_words": 3}
    for t in ("Place", "Beginning", "Conflict")
]
BODIES = ("A quiet town.", "It rained all night.", "A flood came.")
STACKED_REFERENCE = "\n\n".join(
    f"## {item['title']}\n\n{body}" for item, body in zip(STACKED, BODIES, strict=True)
)


def test_stacked_headings_are_a_known_bad_completion_that_strict_sections_refuse():
    verifier = RubricVerifier(STACKED)
    task = Task(id="s/0", prompt="Write.", answer=STACKED_REFERENCE)
    stacked = verifier.known_bad_completions(task)["stacked_headings"]
    assert stacked == "# Place\n## Beginning\n### Conflict\n\n" + " ".join(BODIES)
    assert verifier.verify(task, stacked).reward == 1.0  # nested sections: one body fills all
    strict = [{**item, "level": 2, "subsections": False} for item in STACKED]
    strict_verifier = RubricVerifier(strict)
    strict_stacked = strict_verifier.known_bad_completions(task)["stacked_headings"]
    assert strict_stacked.startswith("## Place\n### Beginning\n#### Conflict\n\n")
    assert strict_verifier.verify(task, strict_stacked).reward == 0.0
    assert strict_verifier.verify(task, STACKED_REFERENCE).reward == 1.0


@pytest.mark.parametrize(
    "items",
    [
        [1, 1.0],
        [1, True],
        [0, False, None],
        [None, None],
        [{"a": 1, "b": [2]}, {"b": [2.0], "a": 1}],
        [[1], [True]],
        ["1", 1],
        [{"a": {"b": True}}, {"a": {"b": 1}}],
    ],
)
def test_unique_items_agrees_with_jsonschema(items):
    schema = {"uniqueItems": True}
    stock = Draft202012Validator(schema).is_valid(items)
    assert validator_for(json.dumps(schema)).is_valid(items) == stock
    assert (len({json_key(item) for item in items}) == len(items)) == stock


def test_unique_items_over_a_long_mixed_array_is_linear():
    rubric = [{"name": "u", "kind": "json_schema", "schema": {"uniqueItems": True}}]
    verifier = RubricVerifier(rubric)
    verifier.verify(TASK, "[1]")  # warm: the validator is built once
    mixed = ["x", [1], {"a": True}, *range(14_000)]
    start = time.process_time()
    unique = verifier.verify(TASK, json.dumps(mixed))
    repeated = verifier.verify(TASK, json.dumps([*mixed, 7.0]))
    assert time.process_time() - start < 0.2
    assert (unique.reward, repeated.reward) == (1.0, 0.0)
    assert "'uniqueItems' rule" in repeated.feedback


def test_a_long_wrong_array_is_judged_from_its_first_errors():
    schema = {"type": "array", "items": {"enum": ["a", "b"]}, "maxItems": 2, "uniqueItems": True}
    verifier = RubricVerifier([{"name": "e", "kind": "json_schema", "schema": schema}])
    verifier.verify(TASK, '["a"]')
    start = time.process_time()
    verdict = verifier.verify(TASK, json.dumps(["x", *range(15_000)]))
    assert time.process_time() - start < 0.2
    assert (verdict.status, verdict.reward) == ("ok", 0.0)
