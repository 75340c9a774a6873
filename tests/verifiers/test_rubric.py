"""The rubric verifier: composition maths, gates, penalties, thresholds, every item kind, rubrics
from task metadata, bad specs, and the hacks it is tried against."""

from __future__ import annotations

import json
import pickle

import pytest

from rlvr import verifiers
from rlvr.types import Task
from rlvr.verifiers.exact import ExactVerifier
from rlvr.verifiers.rubric import RubricVerifier, literal_of
from rlvr.verifiers.rubric_spec import RubricSpec, parse_rubric
from rlvr.verifiers.testing import ScriptedVerifier

TASK = Task(id="t/0", prompt="Write something.", answer="4")


def regex(name: str, pattern: str, **fields) -> dict:
    return {"name": name, "kind": "regex", "pattern": pattern, **fields}


def grade(rubric, completion: str, task: Task = TASK, **kwargs):
    return RubricVerifier(rubric, **kwargs).verify(task, completion)


# -- composition maths ------------------------------------------------------------------------

ABC = [regex("a", "A", weight=1), regex("b", "B", weight=2), regex("c", "C", weight=3)]


@pytest.mark.parametrize(
    ("items", "completion", "reward"),
    [
        (ABC, "A B C", 1.0),
        (ABC, "A C", (1 + 3) / 6),
        (ABC, "B", 2 / 6),
        (ABC, "nothing", 0.0),
        ([*ABC, regex("p", "P", penalty=True, weight=0.25)], "A B C", 1.0 - 0.25),
        ([*ABC, regex("p", "P", penalty=True, weight=0.25)], "A C P", 4 / 6),
        ([*ABC, regex("p", "P", penalty=True, weight=0.1)], "A", 1 / 6 - 0.1),
        ([*ABC, regex("p", "P", penalty=True, weight=2)], "A B", 0.0),  # floored at 0
        ([*ABC, regex("g", "G", gate=True, weight=9)], "A B C G", 1.0),  # a gate has no weight
        ([*ABC, regex("g", "G", gate=True)], "A B C", 0.0),
        ([regex("g", "G", gate=True)], "G", 1.0),  # nothing scored: the base is 1
        ([regex("g", "G", gate=True), regex("p", "P", penalty=True, weight=0.3)], "G", 0.7),
        ([regex("a", "A", weight=0), regex("b", "B")], "B", 1.0),  # weight 0 counts for nothing
        (
            [
                {
                    "name": "grp",
                    "kind": "group",
                    "weight": 3,
                    "items": [regex("x", "X"), regex("y", "Y"), regex("z", "Z", weight=2)],
                },
                regex("a", "A"),
            ],
            "X Z",
            (3 * (1 + 2) / 4 + 0) / 4,
        ),
    ],
)
def test_reward_is_the_weighted_mean_minus_penalties(items, completion, reward):
    verdict = grade(items, completion)
    assert verdict.status == "ok"
    assert verdict.reward == pytest.approx(reward)
    assert verdict.components["rubric"] == pytest.approx(reward)
    assert verdict.correct is (verdict.reward >= 1.0)


def test_components_one_per_item_and_group_members():
    items = [*ABC, {"name": "grp", "kind": "group", "items": [regex("x", "X"), regex("y", "Y")]}]
    verdict = grade(items, "A X")
    assert verdict.components == {
        "a": 1.0,
        "b": 0.0,
        "c": 0.0,
        "grp": 0.5,
        "grp.x": 1.0,
        "grp.y": 0.0,
        "rubric": pytest.approx((1 + 0.5) / 7),
    }


def test_a_failed_gate_zeroes_the_reward_and_says_which():
    items = [regex("g", "G", gate=True, description="the magic letter G"), *ABC]
    verdict = grade(items, "A B C")
    assert (verdict.reward, verdict.correct, verdict.status) == (0.0, False, "ok")
    assert verdict.feedback.startswith("gate 'g' failed, so the reward is 0: the magic letter G")
    assert verdict.components["a"] == 1.0 and verdict.components["rubric"] == 0.0


@pytest.mark.parametrize(
    ("spec_threshold", "metadata_threshold", "argument", "correct"),
    [
        (None, None, None, False),  # default 1.0; the reward is 2/3
        (0.6, None, None, True),
        (0.6, 0.9, None, False),  # the task's rubric wins over the constructor's
        (0.9, 0.6, None, True),
        (0.9, 0.9, 0.5, True),  # the constructor argument wins over both
        (None, None, 0.7, False),
    ],
)
def test_threshold_precedence(spec_threshold, metadata_threshold, argument, correct):
    base = {"items": [regex("a", "A"), regex("b", "B")]}
    if spec_threshold is not None:
        base["threshold"] = spec_threshold
    meta = {"items": [regex("c", "C")]}
    if metadata_threshold is not None:
        meta["threshold"] = metadata_threshold
    task = TASK.model_copy(update={"metadata": {"rubric": meta}})
    verdict = RubricVerifier(base, threshold=argument).verify(task, "A C")
    assert verdict.reward == pytest.approx(2 / 3)
    assert verdict.correct is correct


# -- item kinds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "completion", "score"),
    [
        (regex("r", r"\bfox\b"), "the fox", 1.0),
        (regex("r", r"\bfox\b"), "foxes", 0.0),
        (regex("r", "fox", ignore_case=True), "FOX", 1.0),
        (regex("r", "fox"), "FOX", 0.0),
        (regex("r", "fox", must_match=False), "a dog", 1.0),
        (regex("r", "fox", must_match=False), "a fox", 0.0),
        (regex("r", "fox", min_count=2), "fox fox", 1.0),
        (regex("r", "fox", min_count=2), "fox", 0.0),
        (regex("r", "fox", max_count=2), "fox fox", 1.0),
        (regex("r", "fox", max_count=2), "fox fox fox", 0.0),
        (regex("r", "^## Plan$"), "intro\n## Plan\nbody", 1.0),  # MULTILINE
        ({"name": "n", "kind": "length", "min": 3}, "one two three", 1.0),
        ({"name": "n", "kind": "length", "min": 3}, "one two", 0.0),
        ({"name": "n", "kind": "length", "max": 2}, "one two three", 0.0),
        ({"name": "n", "kind": "length", "min": 2, "max": 2}, "don't well-known", 1.0),
        ({"name": "n", "kind": "length", "unit": "chars", "max": 5}, "  abcde  ", 1.0),
        ({"name": "n", "kind": "length", "unit": "chars", "max": 5}, "abcdef", 0.0),
        ({"name": "n", "kind": "length", "max": 1}, "<think>a b c</think> ok", 1.0),
    ],
)
def test_regex_and_length_items(item, completion, score):
    assert grade([item], completion).components[item["name"]] == score


def section(title: str, name: str = "s", **fields) -> dict:
    return {"name": name, "kind": "section", "title": title, **fields}


@pytest.mark.parametrize(
    ("item", "completion", "score"),
    [
        (section("Plan"), "# Plan\nDo it.", 1.0),
        (section("Plan"), "### plan:\nDo it.", 1.0),  # any level, case, a trailing colon
        (section("Plan"), "## **Plan**\nDo it.", 1.0),
        (section("Plan"), "## Plan\n\n## Next\nDo it.", 0.0),  # empty: the next heading ends it
        (section("Plan"), "## Plan\n### Detail\nDo it.", 1.0),  # a sub-section belongs to it
        (section("Plan"), "## Plan\n### Detail\n## Next\ntext", 0.0),  # only a sub-heading
        (section("Plan"), "Plan: do it.", 0.0),
        (section("Plan", min_words=3), "## Plan\nDo it.", 0.0),
        (section("Plan", min_words=3), "## Plan\nDo it now.", 1.0),
        (section("plan", style="tag"), "<plan>Do it.</plan>", 1.0),
        (section("plan", style="tag"), "<PLAN>\n Do it. \n</PLAN>", 1.0),
        (section("plan", style="tag"), "<plan> </plan>", 0.0),
        (section("plan", style="tag"), "<plan><b></b></plan>", 0.0),  # tags are not words
        (section("plan", style="tag"), "<plan>Do it.", 0.0),  # never closed
        (section("plan", style="tag"), "# plan\nDo it.", 0.0),
        (section("plan", style="heading"), "<plan>Do it.</plan>", 0.0),
        (section("plan"), "<plan>Do it.</plan>", 1.0),  # style any: either form
        (section("plan"), "<plan></plan>\n# plan\nDo it.", 1.0),
    ],
)
def test_section_items(item, completion, score):
    assert grade([item], completion).components["s"] == score


def test_sections_are_linear_in_pathological_input():
    items = [section("note", "t", style="tag"), section("Plan")]
    completion = "<note>" * 20_000 + "</note>" + "\n" + "# Plan\n" * 20_000
    verdict = grade(items, completion)  # 20 000 openers, one closer; 20 000 empty headings
    assert verdict.components == {"t": 0.0, "s": 0.0, "rubric": 0.0}


SCHEMA = {
    "type": "object",
    "properties": {"age": {"type": "integer"}, "tags": {"type": "array"}},
    "required": ["age"],
}


def schema_item(**fields) -> dict:
    return {"name": "j", "kind": "json_schema", "schema": SCHEMA, **fields}


@pytest.mark.parametrize(
    ("item", "completion", "score", "why"),
    [
        (schema_item(), '```json\n{"age": 3}\n```', 1.0, ""),
        (schema_item(), '{"age": 3}', 1.0, ""),  # the whole completion
        (schema_item(), 'Here:\n```\n{"age": 3}\n```', 1.0, ""),  # an unlabelled block
        (schema_item(), '```json\n{"age": "3"}\n```', 0.0, "fails the schema's 'type' rule"),
        (schema_item(), '```json\n{"tags": []}\n```', 0.0, "'required' rule"),
        (schema_item(), '```json\n{"age": 3,}\n```', 0.0, "not valid JSON"),
        (schema_item(), "{'age': 3}", 0.0, "not valid JSON"),
        (schema_item(), '{"age": NaN}', 0.0, "not valid JSON"),
        (schema_item(), "no json here", 0.0, "not valid JSON"),
        (schema_item(), '{"age": 1' + "0" * 5000 + "}", 0.0, "not valid JSON"),  # int limit
        (schema_item(max_chars=50), '{"age": 3, "tags": ["' + "x" * 60 + '"]}', 0.0, "over the"),
        (schema_item(), "[" * 100_000 + "]" * 100_000, 0.0, "over the limit"),
        (schema_item(max_chars=1_000_000), "[" * 100_000 + "]" * 100_000, 0.0, "nested too"),
        (schema_item(), '```json\n{"age": "x"}\n```\n```json\n{"age": 3}\n```', 1.0, ""),
        (schema_item(path="age", schema={"const": 3}), '{"age": 3}', 1.0, ""),
        (schema_item(path="age", schema={"const": 3}), '{"age": 3.0}', 1.0, ""),
        (schema_item(path="age", schema={"const": 3}), '{"age": 4}', 0.0, "field 'age' fails"),
        (schema_item(path="age", schema={"const": 3}), '{"years": 3}', 0.0, "'age' is missing"),
        (schema_item(path="a.1.b", schema={"const": True}), '{"a": [0, {"b": true}]}', 1.0, ""),
        (schema_item(path="a.2", schema={}), '{"a": [0, 1]}', 0.0, "is missing"),
    ],
)
def test_json_schema_items(item, completion, score, why):
    verdict = grade([item], completion)
    assert verdict.status == "ok"
    assert verdict.components["j"] == score
    assert why in verdict.feedback


def test_schema_feedback_never_shows_the_expected_value():
    item = schema_item(path="code", schema={"const": "SECRET-7731"})
    verdict = grade([item], '{"code": "guess"}')
    assert (
        verdict.reward == 0.0
        and "SECRET" not in verdict.feedback
        and "7731" not in verdict.feedback
    )


def sub(name: str = "math", **fields) -> dict:
    return {"name": "v", "kind": "verifier", "verifier": name, **fields}


@pytest.mark.parametrize(
    ("item", "completion", "score"),
    [
        (sub(), "The answer is \\boxed{4}.", 1.0),
        (sub(), "\\boxed{2+2}", 1.0),  # symbolic equivalence, through the math verifier
        (sub(), "\\boxed{5}", 0.0),
        (sub(), "no answer at all", 0.0),  # no_answer from the sub-verifier: a 0, not an error
        (sub(answer="5"), "\\boxed{5}", 1.0),  # checked against the item's own answer
        (sub("exact", kwargs={"case_sensitive": False}, answer="Paris"), "\\boxed{paris}", 1.0),
        (sub(ExactVerifier()), "\\boxed{4}", 1.0),
    ],
)
def test_verifier_items_score_with_the_sub_verifiers_reward(item, completion, score):
    verdict = grade([item], completion)
    assert verdict.status == "ok" and verdict.components["v"] == score


@pytest.mark.parametrize("command", ["raise", "bad_return", "nonsense"])
def test_a_failing_sub_verifier_is_an_error_not_a_zero(command):
    verdict = grade([regex("a", "."), sub(ScriptedVerifier())], f"{command}:")
    assert verdict.status == "error" and verdict.reward == 0.0
    assert "item 'v': verifier 'scripted'" in verdict.feedback


# -- where the rubric comes from ---------------------------------------------------------------


def task_with(rubric) -> Task:
    return TASK.model_copy(update={"metadata": {"rubric": rubric}})


def test_rubric_from_metadata_and_merged_with_the_constructors():
    task = task_with([regex("b", "B", weight=3)])
    assert RubricVerifier().verify(task, "B").reward == 1.0
    merged = RubricVerifier([regex("a", "A")]).verify(task, "B")
    assert merged.components == {"a": 0.0, "b": 1.0, "rubric": 0.75}


@pytest.mark.parametrize(
    ("verifier", "task", "match"),
    [
        (RubricVerifier(), TASK, "task 't/0' has no metadata\\['rubric'\\]"),
        (RubricVerifier(), task_with({"items": []}), r"task 't/0' metadata\['rubric'\]: invalid"),
        (RubricVerifier(), task_with([{"name": "x", "kind": "regex"}]), "items.0.regex.pattern"),
        (RubricVerifier([regex("a", "A")]), task_with([regex("a", "B")]), "several items named"),
    ],
)
def test_a_missing_or_broken_task_rubric_is_an_error_verdict(verifier, task, match):
    verdict = verifier.verify(task, "A B")
    assert verdict.status == "error"
    assert __import__("re").search(match, verdict.feedback)


@pytest.mark.parametrize(
    ("rubric", "match"),
    [
        ([], "items: List should have at least 1 item"),
        ([{"name": "x", "pattern": "a"}], "Unable to extract tag using discriminator 'kind'"),
        ([{"name": "x", "kind": "vibes"}], "does not match any of the expected tags"),
        ([regex("x", "(")], "pattern '\\(' is not a regex"),
        ([regex("x", "a", wieght=2)], "wieght"),
        ([regex("x", "a", weight=-1)], "weight"),
        ([regex("x", "a", gate=True, penalty=True)], "both a gate and a penalty"),
        ([regex("rubric", "a")], "reserved for the total reward"),
        ([regex("x y", "a")], "String should match pattern"),
        ([regex("x", "a"), regex("x", "b")], "several items named 'x'"),
        ([regex("x", "a", min_count=3, max_count=2)], "max_count is below min_count"),
        ([regex("x", "a", must_match=False, min_count=2)], "counts only apply"),
        ([{"name": "n", "kind": "length"}], "give min, max or both"),
        ([{"name": "n", "kind": "length", "min": 5, "max": 2}], "min 5 is above max 2"),
        ([{"name": "n", "kind": "length", "unit": "lines", "max": 2}], "unit"),
        ([section("two words", style="tag")], "cannot be a tag name"),
        ([schema_item(schema={"type": "nope"})], "invalid JSON schema"),
        ([schema_item(max_chars=10**9)], "max_chars"),
        ([sub("mth")], "no verifier named 'mth'; known: code, exact"),
        ([sub("rubric")], "cannot nest the rubric verifier"),
        ([sub(42)], "verifier must be a registered name"),
        ([sub(ExactVerifier(), kwargs={"a": 1})], "kwargs only apply"),
        ([{"name": "g", "kind": "group", "items": []}], "at least 1 item"),
        ([{"name": "g", "kind": "group", "items": [regex("x", "a", gate=True)]}], "top level"),
        ([{"name": "g", "kind": "group", "items": [regex("x", "a", weight=0)]}], "sum to 0"),
        ({"items": [regex("x", "a")], "threshold": 0}, "threshold"),
        ({"items": [regex("x", "a")], "threshold": 1.5}, "threshold"),
        ("regex", "Input should be a valid"),
    ],
)
def test_bad_rubric_specs_fail_at_construction_naming_the_problem(rubric, match):
    with pytest.raises(ValueError, match=match) as excinfo:
        RubricVerifier(rubric)
    assert str(excinfo.value).startswith("RubricVerifier: invalid rubric:")


def test_parse_rubric_accepts_a_spec_a_mapping_or_a_list():
    spec = parse_rubric([regex("a", "A")], where="x")
    assert isinstance(spec, RubricSpec) and spec.threshold == 1.0
    assert parse_rubric(spec, where="x") is spec
    assert parse_rubric({"items": [regex("a", "A")], "threshold": 0.5}, where="x").threshold == 0.5
    assert RubricVerifier(spec).rubric is spec


@pytest.mark.parametrize(("threshold", "timeout"), [(0.0, 1.0), (1.1, 1.0), (None, 0.0)])
def test_bad_constructor_arguments(threshold, timeout):
    with pytest.raises(ValueError, match=r"threshold|timeout"):
        RubricVerifier([regex("a", "A")], threshold=threshold, timeout=timeout)


# -- judging edges --------------------------------------------------------------------------------


def test_empty_answers_and_thinking():
    items = [regex("a", "A")]
    assert grade(items, "").status == "no_answer"
    assert grade(items, "<think>A</think>  ").status == "no_answer"
    assert grade(items, "<think>A</think> B").reward == 0.0  # thinking is not the answer
    assert grade(items, "x" * 300_000).status == "no_answer"  # over MAX_COMPLETION_CHARS


def test_feedback_lists_failed_items_and_never_the_gold():
    task = Task(id="t/1", prompt="p", answer="SECRET-42")
    items = [regex("a", "A", description="mentions A"), regex("b", "B"), sub("exact")]
    verdict = grade(items, "B \\boxed{wrong}", task)
    assert verdict.feedback.startswith("reward 0.333; failed: mentions A: must appear once")
    assert "SECRET" not in verdict.feedback
    assert grade(items, "A B \\boxed{SECRET-42}", task).feedback == "all 3 rubric items pass"


def test_kind_graded_and_pickling_and_bounded_use():
    verifier = RubricVerifier([regex("a", "A")], threshold=0.5)
    assert (verifier.kind, verifier.graded, verifier.name) == ("rubric", True, "rubric")
    copy = pickle.loads(pickle.dumps(verifier))
    assert copy.verify(TASK, "A").reward == 1.0 and copy.threshold == 0.5
    bounded = verifiers.get("rubric")
    task = task_with([regex("a", "A"), regex("b", "B")])
    assert [v.reward for v in bounded.verify_many([task, task], ["A", "A B"])] == [0.5, 1.0]


# -- reference and known-bad completions ----------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "reference"),
    [
        (Task(id="a", prompt="p", answer="text"), "text"),
        (Task(id="a", prompt="p", answer={"k": 1}), '```json\n{\n  "k": 1\n}\n```'),
        (Task(id="a", prompt="p", answer="4", metadata={"reference": "\\boxed{4}"}), "\\boxed{4}"),
    ],
)
def test_reference_completion(task, reference):
    assert RubricVerifier([regex("a", "A")]).reference_completion(task) == reference


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [
        (r"\bfox\b", "fox"),
        (r"(?i)\bred fox\b", "red fox"),
        (r"red\ fox", "red fox"),
        (r"a\.b", "a.b"),
        (r"\d+", None),
        (r"a.b", None),
        (r"fox|dog", None),
        (r"\bfox\bes", None),
        ("", None),
    ],
)
def test_literal_of(pattern, literal):
    assert literal_of(pattern) == literal


ESSAY = [
    regex("sentences", r"\b\w+(?:\s+\w+){3,40}[.!?]", min_count=2, gate=True),
    regex("fox", r"\bfox\b", ignore_case=True),
    regex("dog", r"\bdog\b", ignore_case=True),
    section("Intro", "intro", min_words=5),
    section("summary", "summary", style="tag", min_words=3),
    {"name": "length", "kind": "length", "min": 20, "max": 60},
]
ESSAY_REFERENCE = (
    "## Intro\n\nThe quick fox jumped over the lazy dog today.\n\n"
    "Nobody saw it happen, but the dog woke up.\n\n<summary>A fox met a dog.</summary>"
)


def test_known_bad_completions_game_the_rubric_and_score_low():
    verifier = RubricVerifier(ESSAY)
    task = Task(id="e", prompt="Write about a fox and a dog.", answer=ESSAY_REFERENCE)
    assert verifier.verify(task, verifier.reference_completion(task)).reward == 1.0
    bad = verifier.known_bad_completions(task)
    assert bad["keyword_spam"] == "fox dog"
    assert bad["headings_only"] == "# Intro\n<summary></summary>"
    assert bad["empty_sections"] == "## Intro\n\n \n\n\n<summary>\n \n</summary>"
    assert bad["padding"].startswith(ESSAY_REFERENCE) and len(bad["padding"].split()) > 120
    scores = {name: verifier.verify(task, text).reward for name, text in bad.items()}
    assert scores == {
        "empty": 0.0,
        "whitespace": 0.0,
        "echo_prompt": 0.0,
        "banana": 0.0,
        "empty_box": 0.0,
        "oversized": 0.0,
        "keyword_spam": 0.0,
        "headings_only": 0.0,
        "empty_sections": 0.0,
        "padding": pytest.approx(4 / 5),  # only the length item fails
    }


def test_keyword_spam_exposes_a_rubric_of_keywords_alone():
    verifier = RubricVerifier([regex("fox", r"\bfox\b", min_count=2), regex("dog", r"\bdog\b")])
    task = Task(id="e", prompt="p", answer="A fox, a fox and a dog.")
    spam = verifier.known_bad_completions(task)["keyword_spam"]
    assert spam == "fox fox dog"
    assert verifier.verify(task, spam).reward == 1.0  # `rlvr check` would reject this rubric


def test_extra_known_bad_hook_is_added():
    verifier = RubricVerifier([regex("a", "A")], known_bad=_hook)
    assert verifier.known_bad_completions(TASK)["mine"] == "t/0"
    assert json.dumps(pickle.loads(pickle.dumps(verifier)).known_bad_completions(TASK)["mine"])


def _hook(task: Task) -> dict[str, str]:
    return {"mine": task.id}


@pytest.mark.parametrize(
    ("completion", "answer"),
    [
        ('```json\n{"b": 1, "a": [true]}\n```', '{"a": [true], "b": 1}'),
        ("not json", None),
        ('{"a": "' + "x" * 3000 + '"}', None),  # too long to quote
    ],
)
def test_the_verdict_answer_is_the_canonical_json(completion, answer):
    items = [schema_item(schema=True), regex("a", ".")]
    assert grade(items, completion).answer == answer
    assert grade([regex("a", ".")], '{"a": 1}').answer is None  # no JSON item: free text
