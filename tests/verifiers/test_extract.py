"""Tests for answer extraction: the policy table, helpers, and fuzzing for speed and safety."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rlvr.verifiers.extract import (
    Extraction,
    _math_spans,
    extract_answer,
    fenced_code,
    find_answer_phrases,
    find_boxed,
    find_numbers,
    find_tagged,
    last_number,
    normalize_text,
    strip_think,
)

B = "\\boxed"

# (text, answer, source, candidates)
EXTRACTION_CASES: list[tuple[str, str | None, str | None, tuple[str, ...]]] = [
    # boxed level
    (f"so {B}{{5}}.", "5", "boxed", ("5",)),
    (f"{B}{{ 42 }}", "42", "boxed", ("42",)),
    (f"{B}{{1}}{B}{{2}}", "2", "boxed", ("1", "2")),
    (f"{B}{{7}} then {B}{{7}}", "7", "boxed", ("7", "7")),
    ("\\fbox{x}", "x", "boxed", ("x",)),
    (f"{B} {{9}}", "9", "boxed", ("9",)),
    (f"{B}{{\\frac{{1}}{{2}}}}", "\\frac{1}{2}", "boxed", ("\\frac{1}{2}",)),
    (f"{B}{{{{a}}{{b}}}}", "{a}{b}", "boxed", ("{a}{b}",)),
    (f"{B}{{\\{{1,2\\}}}}", "\\{1,2\\}", "boxed", ("\\{1,2\\}",)),
    (f"{B}{{{B}{{3}}}}", "3", "boxed", ("3",)),
    (f"{B}{{a {B}{{3}}}}", f"a {B}{{3}}", "boxed", (f"a {B}{{3}}",)),
    (f"{B}{{}}", "", "boxed", ("",)),
    (f"{B}{{}} answer: 5", "", "boxed", ("",)),
    (f"{B}{{ }}{B}{{4}}", "4", "boxed", ("", "4")),
    (f"{B}{{5", "5", "number", ("5",)),
    (f"{B}{{1 {B}{{2}}", "2", "boxed", ("2",)),
    (f"{B}{{1}} {B}{{2", "1", "boxed", ("1",)),
    (f"{B}{{3}}}}", "3", "boxed", ("3",)),
    (f"{B}5 or 6", "5", "boxed", ("5",)),  # LaTeX boxes the 5
    (f"{B} 8 {B}{{39}}", "39", "boxed", ("8", "39")),  # a box without braces boxes one char
    (f"{B}\n{{8}} {B}{{39}}", "39", "boxed", ("8", "39")),
    (f"{B} 7", "7", "boxed", ("7",)),
    (f"{B}x 5", "5", "number", ("5",)),
    ("H2O x2 step3", None, None, ()),
    (f"<answer>9</answer> {B}{{8}}", "8", "boxed", ("8",)),
    (f"The answer is 3. {B}{{4}}", "4", "boxed", ("4",)),
    # tag level
    ("<answer>12</answer>", "12", "tag", ("12",)),
    ("<ANSWER> yes </Answer>", "yes", "tag", ("yes",)),
    ("<answer>1</answer><answer>2</answer>", "2", "tag", ("1", "2")),
    ("<answer><answer>5</answer></answer>", "5", "tag", ("5",)),
    ("<answer></answer> 7", "", "tag", ("",)),
    ("<answer>5 the answer is 6", "6", "phrase", ("6",)),
    ("</answer>3", "3", "number", ("3",)),
    ("the answer is 2 <answer>3</answer>", "3", "tag", ("3",)),
    # phrase level
    ("The answer is 17.", "17", "phrase", ("17",)),
    ("the answer is $\\frac{1}{2}$", "\\frac{1}{2}", "phrase", ("\\frac{1}{2}",)),
    ("Final answer: **Paris**", "Paris", "phrase", ("Paris",)),
    ("**Final Answer:** 12", "12", "phrase", ("12",)),
    ("**Answer**: 8", "8", "phrase", ("8",)),
    ("The final answer is 3\nand 99", "3", "phrase", ("3",)),
    ("Answer: 1\nAnswer: 2", "2", "phrase", ("2",)),
    ("The answer is: 4", "4", "phrase", ("4",)),
    ("answer:\n5", "5", "number", ("5",)),
    ("the answer isn't 4", "4", "number", ("4",)),
    ("reanswer: 4 x", "4", "number", ("4",)),
    # math level: the last number sits inside a math span
    ("$\\frac{1}{2}$", "\\frac{1}{2}", "math", ("\\frac{1}{2}",)),
    ("So x = $\\frac{3}{4}$.", "\\frac{3}{4}", "math", ("\\frac{3}{4}",)),
    ("$$ y = 2x + 1 = 7 $$", "7", "math", ("7",)),
    ("\\[ \\sqrt{2} \\]", "\\sqrt{2}", "math", ("\\sqrt{2}",)),
    ("first $\\frac{1}{3}$ then $\\frac{1}{2}$", "\\frac{1}{2}", "math", ("\\frac{1}{2}",)),
    ("$1, 2, 3$", "1, 2, 3", "math", ("1, 2, 3",)),
    ("it is $\\frac{1}{3}$ or 1/2", "1/2", "number", ("1/2",)),
    ("costs $5 and $7", "7", "number", ("7",)),
    ("$\\frac12$", "\\frac12", "math", ("\\frac12",)),
    ("so \\(x = \\tfrac34\\)", "\\tfrac34", "math", ("\\tfrac34",)),
    ("$\\frac{1}{2}$, not $\\frac13$", "\\frac13", "math", ("\\frac13",)),
    # a number inside a LaTeX term stands for the term, with or without math delimiters
    ("x = \\dfrac{3}{4} here", "\\dfrac{3}{4}", "number", ("\\dfrac{3}{4}",)),
    ("x = \\frac12", "\\frac12", "number", ("\\frac12",)),
    ("-\\frac{\\sqrt{3}}{2}", "-\\frac{\\sqrt{3}}{2}", "number", ("-\\frac{\\sqrt{3}}{2}",)),
    ("it is \\sqrt{16}", "\\sqrt{16}", "number", ("\\sqrt{16}",)),
    ("so 3 \\sqrt{5}.", "3 \\sqrt{5}", "number", ("3 \\sqrt{5}",)),
    ("\\sqrt[3]{27}", "\\sqrt[3]{27}", "number", ("\\sqrt[3]{27}",)),
    ("x = 2^{10}", "2^{10}", "number", ("2^{10}",)),
    ("about 10^-3", "10^-3", "number", ("10^-3",)),
    ("\\frac{1}{2} and then 9", "9", "number", ("9",)),
    # the exponent of a one-letter base is not the answer: e^{-1} is not -1
    ("so x = e^{-1}", "e^{-1}", "number", ("e^{-1}",)),
    ("so x = e^-1", "e^-1", "number", ("e^-1",)),
    ("area \\pi^2", "\\pi^2", "number", ("\\pi^2",)),
    ("we get y^{1/2} = 4", "4", "number", ("4",)),
    ("step^2 is 9", "9", "number", ("9",)),
    ("9 and \\sqrtx", "9", "number", ("9",)),
    # number level
    ("I got 3 then 4", "4", "number", ("4",)),
    ("total -12.5 units", "-12.5", "number", ("-12.5",)),
    ("it is 3/4", "3/4", "number", ("3/4",)),
    ("pay 1,234,567 now", "1,234,567", "number", ("1,234,567",)),
    ("no numbers here", None, None, ()),
    ("", None, None, ()),
    # thinking
    (f"<think>{B}{{1}}</think>{B}{{2}}", "2", "boxed", ("2",)),
    ("<think>the answer is 1</think>so 5", "5", "number", ("5",)),
    ("reasoning 1 2 3</think> final: 9", "9", "number", ("9",)),
    (f"{B}{{1}}</think>nothing", None, None, ()),
    (f"ok 4 <think>{B}{{5}}", "4", "number", ("4",)),
    (f"<THINK>{B}{{1}}</THINK>", None, None, ()),
    ("a</think>b 1<think>c 2</think>d 3", "3", "number", ("3",)),
]


@pytest.mark.parametrize(("text", "answer", "source", "candidates"), EXTRACTION_CASES)
def test_extract_answer_table(
    text: str, answer: str | None, source: str | None, candidates: tuple[str, ...]
) -> None:
    assert extract_answer(text) == Extraction(answer, source, candidates)  # type: ignore[arg-type]


def test_table_is_large_enough() -> None:
    assert len(EXTRACTION_CASES) >= 40


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a<think>b</think>c", "ac"),
        ("x</think>y", "y"),
        ("x</think>y</think>z", "z"),
        ("a<think>b", "a"),
        ("a<think>b<think>c</think>d", "ad"),
        ("plain", "plain"),
        ("a</think>b<think>c", "b"),
    ],
)
def test_strip_think(text: str, expected: str) -> None:
    assert strip_think(text) == expected


def test_find_boxed_order_and_unbalanced() -> None:
    assert find_boxed(f"{B}{{a}} x \\fbox{{b{{c}}}} {B}{{d") == ["a", "b{c}"]
    assert find_boxed("nothing") == []


def test_find_tagged_custom_tag() -> None:
    assert find_tagged("<final>1</final><answer>2</answer>", tag="final") == ["1"]
    with pytest.raises(ValueError):
        find_tagged("x", tag="a.*")


def test_find_answer_phrases_all() -> None:
    assert find_answer_phrases("The answer is 1.\nFinal answer is $2$\nanswer:") == ["1", "2"]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("1,234,567 and 1,23", ["1,234,567", "1", "23"]),
        ("-3/4, 0.5, .25 and 7.", ["-3/4", "0.5", ".25", "7"]),
        ("3-5 and x2 and 1.5e-2", ["3", "5", "1.5e-2"]),
        ("(1,2,3)", ["1", "2", "3"]),
        ("1,234,56", ["1", "234", "56"]),
        ("v1.2.3", []),
    ],
)
def test_find_numbers(text: str, numbers: list[str]) -> None:
    assert find_numbers(text) == numbers
    assert last_number(text) == (numbers[-1] if numbers else None)


FENCED = "```py\nprint(1)\n```\ntext\n```\nplain\n```\n~~~python3\nlast_py\n~~~\n"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (FENCED, None, "last_py"),
        (FENCED, "python", "last_py"),
        (FENCED.replace("~~~python3\nlast_py\n~~~\n", ""), "python", "print(1)"),
        (FENCED, "js", None),
        ("no code", None, None),
        ("```python\nunclosed\ncode", "python", "unclosed\ncode"),
        ("````\na\n```\nb\n````", None, "a\n```\nb"),
        ("``` x `y`\nnot a fence\n```", None, ""),
    ],
)
def test_fenced_code(text: str, language: str | None, expected: str | None) -> None:
    assert fenced_code(text, language) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  a   b \n c ", "a b c"),
        ("$5$", "5"),
        ("$$x$$", "x"),
        ("\\(x\\)", "x"),
        ("\\[x\\]", "x"),
        ("\\text{Paris}.", "Paris"),
        ("$\\text{ yes }$.", "yes"),
        ("$a$ and $b$", "$a$ and $b$"),
        ("\\text{a}\\text{b}", "\\text{a}\\text{b}"),
    ],
)
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


# -- fuzzing ----------------------------------------------------------------------------------

PIECES = st.sampled_from(
    [
        B + "{",
        "\\fbox{",
        "{",
        "}",
        "\\",
        "<think>",
        "</think>",
        "<answer>",
        "</answer>",
        "the answer is ",
        "Answer:",
        "\n",
        "1,234",
        "-3/4",
        ".5",
        "```",
        "$",
        "**",
        "\x00",
        "\x1b",
        "\\frac",
        "\\sqrt",
        "^",
        "2",
    ]
)
ADVERSARIAL = st.sampled_from(
    [
        B + "{" * 10_000,
        (B + "{") * 10_000,
        "{" * 20_000 + "}" * 20_000,
        "<answer>" * 10_000,
        "<think>" * 5_000,
        "1," * 20_000,
        "answer" + " " * 50_000 + "x",
        "```\n" * 10_000,
        "\\frac{" * 20_000,
        "\\(" * 130_000 + "39",
        "\\[" * 100_000 + "\\]",
        "$a\n" * 80_000,
        "\\frac{1}" * 20_000,
        "\\sqrt{" + "x" * 150 + "\\frac{" * 10_000 + "1",
        "1^{" * 20_000,
        "\\frac" + "{" + "a" * 99 + "{" * 30_000,
    ]
)
TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=60).map("".join),
    ADVERSARIAL,
)


def _timed(text: str) -> Extraction:
    # CPU time, not wall time: a busy machine must not fail this; a blow-up still does
    start = time.process_time()
    result = extract_answer(text)
    normalize_text(text)
    fenced_code(text)
    assert time.process_time() - start < 0.5
    return result


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_extract_never_raises_and_is_fast(text: str) -> None:
    result = _timed(text)
    assert result.answer is None or isinstance(result.answer, str)
    if result.answer is not None:
        assert result.answer in strip_think(text)
        assert result.answer in result.candidates
    else:
        assert result.source is None and result.candidates == ()


@settings(max_examples=20, deadline=None)
@given(ADVERSARIAL, st.text(max_size=20))
def test_adversarial_inputs_are_fast(text: str, suffix: str) -> None:
    _timed(text + suffix)


SIMPLE = st.text(alphabet="abcxyz0123456789+-*/=^_ ,.()[]", max_size=8)


@st.composite
def balanced(draw: st.DrawFn, depth: int = 3) -> str:
    parts = draw(st.lists(SIMPLE, min_size=1, max_size=3))
    if depth > 0 and draw(st.booleans()):
        parts.insert(1, "{" + draw(balanced(depth - 1)) + "}")
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="\\<{}"), max_size=50), balanced())
def test_box_contents_round_trip(prefix: str, s: str) -> None:
    result = extract_answer(prefix + B + "{" + s + "}")
    assert result.source == "boxed"
    assert result.answer == s.strip()


_REGEX_SPANS = re.compile(
    r"\$\$([^$]{1,4000})\$\$|\$([^$\n]{1,4000})\$|\\\((.{1,4000}?)\\\)|\\\[(.{1,4000}?)\\\]",
    re.DOTALL,
)
SPAN_PIECES = st.sampled_from(["$", "$$", "\\(", "\\)", "\\[", "\\]", "\n", "a", "1", "\\", "x=2"])


@settings(max_examples=500, deadline=None)
@given(st.lists(SPAN_PIECES, max_size=30).map("".join))
def test_math_spans_are_the_regex_alternation_in_linear_time(text: str) -> None:
    """The bisecting scanner finds the spans the (quadratic) regex alternation finds."""
    expected = []
    for match in _REGEX_SPANS.finditer(text):
        group = next(i for i, g in enumerate(match.groups(), 1) if g is not None)
        expected.append((match.start(), match.end(), match.start(group), match.end(group)))
    assert list(_math_spans(text)) == expected
