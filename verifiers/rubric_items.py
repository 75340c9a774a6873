"""Scoring one rubric item against a completion (see :mod:`rlvr.verifiers.rubric_spec`).

Every scorer returns an :class:`ItemResult`: a score in [0, 1], feedback saying why it is not 1
(never the gold answer, nor a value the schema expects), and ``error`` when a sub-verifier
itself failed. Work is bounded: regex matches are counted only as far as the item needs, JSON is
parsed only under the item's ``max_chars``, and nesting too deep to parse or validate fails the
item instead of the verifier.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rlvr.types import Task, Verdict
from rlvr.verifiers.extract import fenced_code
from rlvr.verifiers.rubric_spec import (
    GroupItem,
    JsonSchemaItem,
    LengthItem,
    OverlapItem,
    RegexItem,
    SectionItem,
    VerifierItem,
)

WORD = re.compile(r"\w+(?:['’-]\w+)*")
"""A word: letters or digits, with inner apostrophes or hyphens (``don't``, ``well-known``)."""
_HEADING = re.compile(r"^[ ]{0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$", re.MULTILINE)
_TAGS = re.compile(r"<[^<>]{0,200}>")
_FEEDBACK_CHARS = 160


@dataclass
class ItemResult:
    """An item's score and why it is not 1; ``components`` holds a group's sub-item scores."""

    score: float
    feedback: str = ""
    error: str | None = None
    components: dict[str, float] = field(default_factory=dict)


def count_words(text: str) -> int:
    """The number of words in ``text`` (see :data:`WORD`)."""
    return sum(1 for _ in WORD.finditer(text))


def normalize_title(text: str) -> str:
    """A heading or title compared loosely: case, emphasis marks, a trailing colon, spacing."""
    return " ".join(text.strip().strip("*_").strip().rstrip(":").split()).casefold()


def _cut(text: str) -> str:
    return text if len(text) <= _FEEDBACK_CHARS else text[:_FEEDBACK_CHARS] + "…"


@dataclass
class Context:
    """What the scorers read: the task, the raw completion and its text without thinking."""

    task: Task
    completion: str
    text: str
    get_verifier: Callable[[VerifierItem], Any]
    _json: dict[int, tuple[Any, str | None]] = field(default_factory=dict)

    def json_answer(self, max_chars: int) -> tuple[Any, str | None]:
        """``(value, None)``: the answer's JSON; ``(None, why)`` when there is none."""
        if max_chars not in self._json:
            self._json[max_chars] = _parse_json_answer(self.text, max_chars)
        return self._json[max_chars]

    def parsed_json(self, limit: int = 2_000) -> str | None:
        """The JSON a ``json_schema`` item read, as canonical text (sorted keys), if it is at
        most ``limit`` characters: what the answer *is*, for majority votes and reports."""
        for value, why in self._json.values():
            if why is None:
                text = json.dumps(value, sort_keys=True, ensure_ascii=False)
                return text if len(text) <= limit else None
        return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _loads(source: str) -> Any:
    return json.loads(source, parse_constant=_reject_constant)


def _parse_json_answer(text: str, max_chars: int) -> tuple[Any, str | None]:
    """The last fenced ``json`` block, else the whole text, else the last fenced block."""
    candidates = [fenced_code(text, "json"), text.strip(), fenced_code(text)]
    seen: list[str] = []
    why: str | None = None
    for source in candidates:
        if source is None or not source.strip() or source in seen:
            continue
        seen.append(source)
        if len(source) > max_chars:
            return None, f"the JSON is {len(source):,} characters, over the limit of {max_chars:,}"
        try:
            return _loads(source), None
        except RecursionError:
            return None, "the JSON is nested too deeply"
        except ValueError as exc:  # JSONDecodeError, huge integers, NaN
            why = why or f"not valid JSON: {_cut(str(exc))}"
    return None, why or "no JSON found: give it in a ```json fenced block"


def _at_path(value: Any, path: str) -> tuple[Any, bool]:
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None, False
    return value, True


# -- scorers ----------------------------------------------------------------------------------


def score_regex(item: RegexItem, ctx: Context) -> ItemResult:
    pattern = item.compiled()
    if not item.must_match:
        if pattern.search(ctx.text) is None:
            return ItemResult(1.0)
        return ItemResult(0.0, f"{item.label}: must not appear, but does")
    enough = item.min_count if item.max_count is None else item.max_count + 1
    count = 0
    for _ in pattern.finditer(ctx.text):
        count += 1
        if count >= enough:
            break
    if count < item.min_count:
        need = "once" if item.min_count == 1 else f"at least {item.min_count} times"
        return ItemResult(0.0, f"{item.label}: must appear {need}, found {count}")
    if item.max_count is not None and count > item.max_count:
        return ItemResult(0.0, f"{item.label}: must appear at most {item.max_count} times")
    return ItemResult(1.0)


def score_length(item: LengthItem, ctx: Context) -> ItemResult:
    size = count_words(ctx.text) if item.unit == "words" else len(ctx.text.strip())
    low = item.min if item.min is not None else 0
    high = item.max if item.max is not None else float("inf")
    if low <= size <= high:
        return ItemResult(1.0)
    if item.max is None:
        bounds = f"at least {low}"
    elif item.min is None:
        bounds = f"at most {item.max}"
    else:
        bounds = f"{low} to {item.max}"
    return ItemResult(0.0, f"{item.label}: has {size:,} {item.unit}, needs {bounds}")


def _heading_sections(text: str, title: str) -> list[str]:
    """The bodies (heading lines removed) of the headings titled ``title``: each runs to the
    next heading of the same or a higher level. One pass, with a stack of open headings."""
    spans: list[tuple[int, int]] = []
    open_: list[tuple[int, int, bool]] = []  # (level, body start, titled)
    for heading in _HEADING.finditer(text):
        level = len(heading.group(1))
        while open_ and open_[-1][0] >= level:
            _, start, titled = open_.pop()
            if titled:
                spans.append((start, heading.start()))
        open_.append((level, heading.end(), normalize_title(heading.group(2)) == title))
    spans += [(start, len(text)) for _, start, titled in open_ if titled]
    return [_HEADING.sub("", text[start:end]) for start, end in spans]


def _tag_sections(text: str, title: str) -> list[str]:
    """The bodies of ``<title>…</title>`` blocks, paired left to right without overlap (linear
    in the text, however many unclosed tags it has)."""
    name = re.escape(title)
    opens = re.finditer(rf"<{name}(?:\s[^<>]{{0,200}})?>", text, re.IGNORECASE)
    closes = [m.start() for m in re.finditer(rf"</{name}\s*>", text, re.IGNORECASE)]
    bodies, position = [], 0
    for opener in opens:
        if opener.start() < position:
            continue
        after = bisect.bisect_left(closes, opener.end())
        if after == len(closes):
            break
        bodies.append(_TAGS.sub(" ", text[opener.end() : closes[after]]))
        position = closes[after]
    return bodies


def score_section(item: SectionItem, ctx: Context) -> ItemResult:
    bodies: list[str] = []
    if item.style in ("heading", "any"):
        bodies += _heading_sections(ctx.text, normalize_title(item.title))
    if item.style in ("tag", "any") and re.fullmatch(r"[A-Za-z][\w-]*", item.title):
        bodies += _tag_sections(ctx.text, item.title)
    if not bodies:
        return ItemResult(0.0, f"{item.label}: no section titled {item.title!r}")
    if max(count_words(body) for body in bodies) >= item.min_words:
        return ItemResult(1.0)
    need = "is empty" if item.min_words == 1 else f"has under {item.min_words} words"
    return ItemResult(0.0, f"{item.label}: the section {item.title!r} {need}")


def score_json_schema(item: JsonSchemaItem, ctx: Context) -> ItemResult:
    value, why = ctx.json_answer(item.max_chars)
    if why is not None:
        return ItemResult(0.0, f"{item.label}: {why}")
    where = "the JSON"
    if item.path is not None:
        where = f"field {item.path!r}"
        value, found = _at_path(value, item.path)
        if not found:
            return ItemResult(0.0, f"{item.label}: {where} is missing")
    from jsonschema.exceptions import best_match

    try:
        error = best_match(item.validator().iter_errors(value))
    except RecursionError:
        return ItemResult(0.0, f"{item.label}: {where} is nested too deeply to check")
    if error is None:
        return ItemResult(1.0)
    at = "" if not error.absolute_path else f" at {error.json_path}"
    return ItemResult(0.0, f"{item.label}: {where} fails the schema's {error.validator!r} rule{at}")


def score_verifier(item: VerifierItem, ctx: Context) -> ItemResult:
    task = ctx.task if item.answer is None else ctx.task.model_copy(update={"answer": item.answer})
    name = item.verifier if isinstance(item.verifier, str) else item.verifier.name
    try:
        verdict = ctx.get_verifier(item).verify(task, ctx.completion)
    except Exception as exc:
        return ItemResult(0.0, error=f"item {item.name!r}: verifier {name!r} raised {exc!r}")
    if not isinstance(verdict, Verdict):
        return ItemResult(0.0, error=f"item {item.name!r}: verifier {name!r} gave no Verdict")
    if verdict.status in ("timeout", "error"):
        return ItemResult(
            0.0, error=f"item {item.name!r}: verifier {name!r} {verdict.status}: {verdict.feedback}"
        )
    feedback = "" if verdict.reward >= 1.0 else f"{item.label}: {_cut(verdict.feedback)}"
    return ItemResult(verdict.reward, feedback)


def copied_share(text: str, source: str, n: int) -> float:
    """The share of ``text``'s words that lie in runs of ``n`` words also found, in that order,
    in ``source`` (words as :data:`WORD` reads them, case aside). Linear in both texts."""
    words = [word.casefold() for word in WORD.findall(text)]
    if len(words) < n:
        return 0.0
    known = [word.casefold() for word in WORD.findall(source)]
    runs = {tuple(known[i : i + n]) for i in range(len(known) - n + 1)}
    copied = end = 0
    for i in range(len(words) - n + 1):
        if tuple(words[i : i + n]) in runs:
            copied += i + n - max(i, end)
            end = i + n
    return copied / len(words)


def score_overlap(item: OverlapItem, ctx: Context) -> ItemResult:
    source = ctx.task.prompt if item.source is None else item.source
    share = copied_share(ctx.text, source, item.n)
    if share <= item.max_share:
        return ItemResult(1.0)
    origin = "the prompt" if item.source is None else "the source"
    return ItemResult(
        0.0,
        f"{item.label}: {share:.0%} of the words are copied from {origin} in runs of {item.n} "
        f"words, over {item.max_share:.0%}",
    )


def score_group(item: GroupItem, ctx: Context) -> ItemResult:
    results = {sub.name: score_item(sub, ctx) for sub in item.items}
    errors = [r.error for r in results.values() if r.error]
    if errors:
        return ItemResult(0.0, error=errors[0])
    total = sum(sub.weight for sub in item.items)
    score = sum(sub.weight * results[sub.name].score for sub in item.items) / total
    components: dict[str, float] = {}
    for sub in item.items:
        components[f"{item.name}.{sub.name}"] = results[sub.name].score
        components.update({f"{item.name}.{k}": v for k, v in results[sub.name].components.items()})
    failed = [r.feedback for r in results.values() if r.score < 1.0 and r.feedback]
    feedback = f"{item.label}: {'; '.join(failed)}" if failed else ""
    return ItemResult(min(max(score, 0.0), 1.0), feedback, components=components)


_SCORERS: dict[str, Callable[[Any, Context], ItemResult]] = {
    "regex": score_regex,
    "length": score_length,
    "section": score_section,
    "json_schema": score_json_schema,
    "verifier": score_verifier,
    "overlap": score_overlap,
    "group": score_group,
}


def score_item(item: Any, ctx: Context) -> ItemResult:
    """Score one item of any kind."""
    return _SCORERS[item.kind](item, ctx)
