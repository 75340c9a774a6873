"""Scoring one rubric item against a completion (see :mod:`rlvr.verifiers.rubric_spec`).

Every scorer returns an :class:`ItemResult`: a score in [0, 1], feedback saying why it is not 1
(never the gold answer, nor a value the schema expects), and ``error`` when a sub-verifier
itself failed. Work is bounded: regex matches are counted only as far as the item needs, JSON is
parsed only under the item's ``max_chars``, and nesting too deep to parse or validate fails the
item instead of the verifier.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import re
import unicodedata
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

WORD = re.compile(r"[^\W_]+(?:['’](?i:s|t|d|m|re|ll|ve)(?![^\W_]))?")
"""A word: a run of letters or digits, with a contraction's ending (``don't``, ``it's``). Any
other character, a hyphen, an underscore, a dot, separates words, so that joining words
(``grew-up-along-the-banks``) does not hide them from the ``overlap`` item or a count."""
_HYPHEN = re.compile(r"(?<=[^\W_])[-‐](?=[^\W_])")
COMPOUND_SHARE = 0.1
"""The most a word count saves for hyphenated compounds (``well-known`` counts as one word),
as a share of the words: joining words with hyphens cannot shrink a count by more."""
MIXED_SCRIPT = r"\b(?=[^\W_]*[A-Za-z])(?=[^\W_]*[^\W\d_A-Za-z])"
"""Matches where a word of :func:`fold_text`'s output mixes ASCII letters with others: a
look-alike the folding does not know (``hʊng``, with the IPA letter ``ʊ``). A word of another
alphabet (``Привет``) does not match."""
_LATIN = {
    **dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnoprstuvwyz", strict=True)),  # small caps
    **dict(zip("ıȷɑɡɩʋĸøłđðØŁĐ×", "ijagiukolddOLDx", strict=True)),
    **{"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "Th"},
}
"""Latin letters without an ASCII form, or that look like another (and ``×``): always folded."""
_LOOKALIKES = str.maketrans(
    {
        **dict(zip("АВСЕНІЈКМОРЅТХУҮԚԜҺӀԀЬ", "ABCEHIJKMOPSTXYYQWHIDB", strict=True)),  # Cyrillic
        **dict(zip("асеһіјкморԛѕухԝԁӏүѵѡьп", "acehijkmopqsyxwdlyvwbn", strict=True)),
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),  # Greek
        **dict(zip("αεικνορτυχγωϲϳη", "aeikvoptuxywcjn", strict=True)),
        **dict(zip("օսհոց", "ouhng", strict=True)),  # Armenian
    }
)
"""Letters of other alphabets that look like Latin ones: folded in a word that has no other
non-ASCII letter (``thе``, ``јоvіаl``), so that a real Cyrillic or Greek word stays whole."""
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
"""Hangul fillers: letters (so word characters) that print as blank space."""
_MAX_FOLD_TABLE = 1 << 16
_RUN = re.compile(r"[^\W_]+")
_HEADING = re.compile(r"^[ ]{0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$", re.MULTILINE)
_TAGS = re.compile(r"<[^<>]{0,200}>")
_FEEDBACK_CHARS = 160
_MAX_SCHEMA_ERRORS = 50
"""Schema errors read before the most relevant is chosen: a long wrong array stops early."""


@dataclass
class ItemResult:
    """An item's score and why it is not 1; ``components`` holds a group's sub-item scores."""

    score: float
    feedback: str = ""
    error: str | None = None
    components: dict[str, float] = field(default_factory=dict)


class _FoldTable(dict[int, str | None]):
    """A :meth:`str.translate` table that works out each character's folding when first met
    (and remembers up to ``_MAX_FOLD_TABLE`` of them)."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        if char in _LATIN:
            folded: str | None = _LATIN[char]
        elif unicodedata.category(char) in ("Cf", "Mn", "Me"):
            folded = None  # zero-width and format characters, accents
        else:
            folded = " " if char in _BLANK_LETTERS else char
        if len(self) < _MAX_FOLD_TABLE:
            self[code] = folded
        return folded


_FOLD = _FoldTable()


def _latinise(run: re.Match[str]) -> str:
    """A run of letters and digits with its look-alike letters made Latin, if every letter of
    it is ASCII or a look-alike."""
    word = run.group()
    if word.isascii():
        return word
    latin = word.translate(_LOOKALIKES)
    return latin if latin.isascii() else word


def fold_text(text: str) -> str:
    """``text`` as the checks read it: compatibility forms folded (NFKC: full-width letters and
    digits, ligatures), accents, zero-width and other format characters dropped, Latin letters
    spelled in ASCII (``ß``, small capitals), and in a word of Latin and look-alike letters
    only, the look-alikes made Latin (Cyrillic ``е``, Greek ``υ``). Word counts, the ``overlap``
    item and ``regex`` items with ``fold`` read it."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text).translate(_FOLD)
    return _RUN.sub(_latinise, unicodedata.normalize("NFC", decomposed))


def count_words(text: str) -> int:
    """The number of words in ``text`` (see :data:`WORD`), read by :func:`fold_text`; a
    hyphenated compound counts as one word, up to :data:`COMPOUND_SHARE` of the words."""
    return _count_folded(fold_text(text))


def _count_folded(folded: str) -> int:
    words = sum(1 for _ in WORD.finditer(folded))
    joins = sum(1 for _ in _HYPHEN.finditer(folded))
    return words - min(joins, math.ceil(COMPOUND_SHARE * words))


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
    _folded: str | None = None

    @property
    def folded(self) -> str:
        """The text as :func:`fold_text` reads it (worked out once)."""
        if self._folded is None:
            self._folded = fold_text(self.text)
        return self._folded

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
    text = ctx.folded if item.fold else ctx.text
    if not item.must_match:
        if pattern.search(text) is None:
            return ItemResult(1.0)
        return ItemResult(0.0, f"{item.label}: must not appear, but does")
    enough = item.min_count if item.max_count is None else item.max_count + 1
    count = 0
    for _ in pattern.finditer(text):
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
    size = _count_folded(ctx.folded) if item.unit == "words" else len(ctx.text.strip())
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


def _heading_sections(text: str, item: SectionItem) -> list[str]:
    """The bodies (heading lines removed) of the headings titled like ``item`` (at its
    ``level``, if it has one): each runs to the next heading of the same or a higher level, or
    with ``subsections`` false, to the next heading. One pass, with a stack of open headings."""
    title = normalize_title(item.title)
    spans: list[tuple[int, int]] = []
    open_: list[tuple[int, int, bool]] = []  # (level, body start, titled)
    for heading in _HEADING.finditer(text):
        level = len(heading.group(1))
        while open_ and (open_[-1][0] >= level or not item.subsections):
            _, start, titled = open_.pop()
            if titled:
                spans.append((start, heading.start()))
        titled = normalize_title(heading.group(2)) == title and item.level in (None, level)
        open_.append((level, heading.end(), titled))
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
        bodies += _heading_sections(ctx.text, item)
    if item.style in ("tag", "any") and re.fullmatch(r"[A-Za-z][\w-]*", item.title):
        bodies += _tag_sections(ctx.text, item.title)
    if not bodies:
        title = item.title if item.level is None else f"{'#' * item.level} {item.title}"
        return ItemResult(0.0, f"{item.label}: no section titled {title!r}")
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
        errors = item.validator().iter_errors(value)
        error = best_match(itertools.islice(errors, _MAX_SCHEMA_ERRORS))
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
    in ``source`` (words as :data:`WORD` reads them in :func:`fold_text`'s output, case aside).
    Linear in both texts."""
    words = [word.casefold() for word in WORD.findall(fold_text(text))]
    if len(words) < n:
        return 0.0
    known = [word.casefold() for word in WORD.findall(fold_text(source))]
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
