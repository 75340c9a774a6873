"""Answer extraction from untrusted model output.

Policy, applied by :func:`extract_answer`:

1. Thinking is dropped first (:func:`strip_think`): every ``<think>…</think>`` block goes. A
   ``</think>`` with no opener (chat templates put ``<think>`` in the prompt) means everything
   before it was thinking, so only the text after the *last* ``</think>`` is kept. An unclosed
   ``<think>`` means everything after it is thinking.
2. The highest-priority marker present decides, and lower levels are never consulted:
   ``\\boxed{…}``/``\\fbox{…}`` > ``<answer>…</answer>`` > an answer phrase ("the answer is",
   "final answer:", …) > the last number in the text. A number that is part of a LaTeX term
   (``\\frac{3}{4}``, ``\\frac34``, ``\\sqrt{16}``, ``2^{10}``, ``e^{-1}``, also without math
   delimiters) stands for the whole term: ``x = \\dfrac{3}{4}`` answers ``\\dfrac{3}{4}``, never
   ``4``. When
   that number or term sits inside a math span (``$…$``, ``$$…$$``, ``\\(…\\)``,
   ``\\[…\\]``), the span is the answer (after its last ``=``, if any): ``So x =
   $\\frac{3}{4}$`` answers ``\\frac{3}{4}``.
   A ``\\boxed`` without braces boxes its next character, as LaTeX does (``\\boxed 8``), and
   a brace on the next line still opens its box.
3. At the boxed and tag levels *all* candidates are kept and ``answer`` is the last one; callers
   treat several *different* candidates as several final answers (wrong). The phrase and number
   levels yield one candidate: the last phrase, the last number.
4. An empty ``\\boxed{}`` (or ``<answer></answer>``) is an explicit empty answer: ``answer == ""``.
   It does not fall through to lower levels; callers turn it into ``no_answer``.
5. No marker and no number: ``answer is None``.

Every helper is a linear scan or uses regexes without nested quantifiers, and nothing recurses on
input depth, so adversarial input (``"\\boxed{" * 10_000``) costs linear time.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

Source = Literal["boxed", "tag", "phrase", "math", "number"]

_THINK_RE = re.compile(r"<(/?)think>", re.IGNORECASE)
_BOX_RE = re.compile(r"\\(?:boxed|fbox)\s*\{")
_ANY_BOX_RE = re.compile(r"\\(?:boxed|fbox)(?![A-Za-z])\s*(?:\{|([^\s{}\\]))")
"""A box with braces, or without: ``\\boxed 8`` boxes its next character, as in LaTeX."""
_PHRASE_RE = re.compile(
    r"(?:\bthe[ \t]+answer[ \t]+is\b|\bfinal[ \t]+answer[ \t]+is\b"
    r"|\bfinal[ \t]+answer(?:[ \t]*\*\*)?[ \t]*:|\banswer(?:[ \t]*\*\*)?[ \t]*:)([^\n]*)",
    re.IGNORECASE,
)
_NUMBER_RE = re.compile(
    r"(?<![A-Za-z0-9_./])[-−]?"
    r"(?:[0-9]+/[0-9]+"
    r"|[0-9]{1,3}(?:,[0-9]{3})+(?![0-9]|,[0-9])(?:\.[0-9]+)?"
    r"|[0-9]+(?:\.[0-9]+)?"
    r"|\.[0-9]+)"
    r"(?:[eE][-+]?[0-9]+)?"
)
_TERM_ARG = (
    r"(?:\{[^{}\n]{1,200}\}"  # {…}
    r"|\{[^{}\n]{0,100}\{[^{}\n]{0,100}\}[^{}\n]{0,100}\}"  # {…{…}…}
    r"|[ \t]*[0-9])"  # a single digit: \frac12
)
_TERM_COMMAND = r"[-−]?\\(?:[dt]?frac|sqrt)(?![A-Za-z])"
_LETTER_BASE = r"(?:(?<![A-Za-z0-9_\\])[A-Za-z]|\\pi(?![A-Za-z]))(?=[ \t]*\^)"
"""A one-letter (or ``\\pi``) base of a power: ``e^{-1}`` is a term, not the number -1."""
_TERM_START_RE = re.compile(_TERM_COMMAND + "|" + _LETTER_BASE + "|" + _NUMBER_RE.pattern)
_TERM_RE = re.compile(
    rf"(?:{_LETTER_BASE}"
    rf"|[-−]?\\[dt]?frac(?![A-Za-z])[ \t]*{_TERM_ARG}[ \t]*{_TERM_ARG}"
    rf"|(?:{_NUMBER_RE.pattern}[ \t]*)?[-−]?\\sqrt(?![A-Za-z])(?:\[[0-9]{{1,3}}\])?"
    rf"[ \t]*{_TERM_ARG}"
    rf"|{_NUMBER_RE.pattern})"
    rf"(?:[ \t]*\^[ \t]*(?:{_TERM_ARG}|[-−]?[0-9]))?"
)
_TERM_WINDOW = 400
"""How far before the last number a LaTeX term holding it may start."""
MAX_SPAN_CHARS = 4000
"""The longest content a math span may have."""
_SPAN_MARK_RE = re.compile(r"\$|\\[()\[\]]|\n")
_WS_RE = re.compile(r"\s+")
_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_WRAPPERS = ("\\text{", "\\textbf{", "\\textrm{", "\\mathrm{", "\\mbox{")
_LANGUAGE_ALIASES: dict[str, frozenset[str]] = {
    "python": frozenset({"python", "py", "python3", "py3"}),
    "javascript": frozenset({"javascript", "js"}),
    "typescript": frozenset({"typescript", "ts"}),
    "bash": frozenset({"bash", "sh", "shell"}),
    "cpp": frozenset({"cpp", "c++", "cxx"}),
}


@dataclass(frozen=True)
class Extraction:
    """What :func:`extract_answer` found: the answer, the level it came from, all candidates."""

    answer: str | None
    source: Source | None
    candidates: tuple[str, ...]


def strip_think(text: str) -> str:
    """Drop thinking: ``<think>…</think>`` blocks, text before an orphan ``</think>``, and
    everything after an unclosed ``<think>``. Tags are matched case-insensitively."""
    tags = list(_THINK_RE.finditer(text))
    if not tags:
        return text
    pieces: list[str] = []
    pos = 0
    inside = False
    for tag in tags:
        if not tag.group(1):  # <think>: a nested opener is just more thinking
            if not inside:
                pieces.append(text[pos : tag.start()])
                inside = True
        elif inside:
            pos = tag.end()
            inside = False
        else:  # orphan </think>: keep only what follows the last </think>
            last_close = max(t.end() for t in tags if t.group(1))
            tail = text[last_close:]
            opener = _THINK_RE.search(tail)  # the tail has no closers: an opener is unclosed
            return tail if opener is None else tail[: opener.start()]
    if not inside:
        pieces.append(text[pos:])
    return "".join(pieces)


def _match_braces(text: str) -> dict[int, int]:
    """Map each ``{`` index to its matching ``}`` index in one scan; ``\\{``/``\\}`` are literal."""
    matches: dict[int, int] = {}
    stack: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            stack.append(i)
        elif c == "}" and stack:
            matches[stack.pop()] = i
        i += 1
    return matches


def find_boxed(text: str) -> list[str]:
    """Contents of every outermost ``\\boxed{…}``/``\\fbox{…}``, in order, braces matched.

    An unbalanced box is ignored (a box inside it can still count). A box whose content is only
    another box is unwrapped (``\\boxed{\\boxed{5}}`` gives ``"5"``).
    """
    boxes = list(_ANY_BOX_RE.finditer(text))
    if not boxes:
        return []
    matches = _match_braces(text)
    found: list[str] = []
    covered = -1
    for box in boxes:
        if box.start() < covered:
            continue
        if box.group(1) is not None:  # \boxed 8: one character
            found.append(box.group(1))
            continue
        open_ = box.end() - 1
        close = matches.get(open_)
        if close is None:
            continue
        covered = close
        lo, hi = open_ + 1, close
        while True:  # unwrap a box that is the whole content; index arithmetic only
            inner = _BOX_RE.match(text, lo + _leading_ws(text, lo, hi))
            if inner is None or matches.get(inner.end() - 1) is None:
                break
            inner_close = matches[inner.end() - 1]
            if text[inner_close + 1 : hi].strip():
                break
            lo, hi = inner.end(), inner_close
        found.append(text[lo:hi].strip())
    return found


def _leading_ws(text: str, lo: int, hi: int) -> int:
    k = lo
    while k < hi and text[k].isspace():
        k += 1
    return k - lo


def find_tagged(text: str, tag: str = "answer") -> list[str]:
    """Contents of ``<tag>…</tag>`` pairs (case-insensitive), in order, stripped.

    A closer pairs with the nearest opener before it; stray closers are ignored.
    """
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", tag):
        raise ValueError(f"tag must be a simple name like 'answer', got {tag!r}")
    tag_re = re.compile(rf"<(/?){re.escape(tag)}[ \t]*>", re.IGNORECASE)
    found: list[str] = []
    open_end = -1
    for m in tag_re.finditer(text):
        if not m.group(1):
            open_end = m.end()
        elif open_end >= 0:
            found.append(text[open_end : m.start()].strip())
            open_end = -1
    return found


def _unwrap_dollars(s: str) -> str:
    """``$x$`` or ``$$x$$`` -> ``x`` when no other ``$`` is inside; else ``s`` unchanged."""
    for k in (2, 1):
        if len(s) >= 2 * k and s[:k] == s[-k:] == "$" * k and "$" not in s[k:-k]:
            return s[k:-k].strip()
    return s


def _clean_phrase(s: str) -> str:
    s = s.strip().lstrip(":").strip()
    for _ in range(3):
        before = s
        s = s.strip()
        if s.endswith("."):
            s = s[:-1].rstrip()
        if s.startswith("**"):
            s = s[2:]
        if s.endswith("**"):
            s = s[:-2]
        s = _unwrap_dollars(s)
        if s == before:
            break
    return s.strip()


def find_answer_phrases(text: str) -> list[str]:
    """Text after "the answer is", "final answer is", "final answer:", "answer:" (any case) up
    to the end of the line, cleaned of a trailing period and surrounding ``$``/``**``. Phrases with
    nothing after them are skipped."""
    found = []
    for m in _PHRASE_RE.finditer(text):
        cleaned = _clean_phrase(m.group(1))
        if cleaned:
            found.append(cleaned)
    return found


def find_numbers(text: str) -> list[str]:
    """Numbers in ``text`` as written: integers, decimals, negatives, ``a/b`` fractions, valid
    thousands separators (``1,234`` yes; ``1,23`` is the two numbers 1 and 23), ``1e3``."""
    return [m.group(0) for m in _NUMBER_RE.finditer(text)]


def last_number(text: str) -> str | None:
    """The last number in ``text`` (see :func:`find_numbers`), or ``None``."""
    last = _last_number_match(text)
    return None if last is None else last.group(0)


def _last_number_match(text: str) -> re.Match[str] | None:
    last: re.Match[str] | None = None
    for match in _NUMBER_RE.finditer(text):
        last = match
    return last


def _last_term(text: str) -> tuple[int, str] | None:
    """``(start, text)`` of the last number, or of the outermost LaTeX term (a fraction, root or
    power, of a number or of a one-letter base) that holds the last number or the last
    ``\\frac``/``\\sqrt``; ``None`` when there is neither. Terms are only tried at starts within a
    bounded window, so this stays linear."""
    number = _last_number_match(text)
    command = max((m.start() for m in _last_commands(text)), default=-1)
    anchor = max(number.start() if number else -1, command)
    if anchor < 0:
        return None
    best: re.Match[str] | None = None
    for start in _TERM_START_RE.finditer(text, max(0, anchor - _TERM_WINDOW), anchor + 8):
        if start.start() > anchor:
            break
        term = _TERM_RE.match(text, start.start())
        if (
            term is not None
            and term.end() > anchor
            and (best is None or term.start() < best.start())
        ):
            best = term
    if best is not None:
        return best.start(), best.group(0)
    return (number.start(), number.group(0)) if number else None


def _last_commands(text: str) -> list[re.Match[str]]:
    """The last ``\\frac``-like and ``\\sqrt`` commands in ``text`` (at most one each)."""
    found = []
    for name in ("\\sqrt", "\\frac", "\\dfrac", "\\tfrac"):
        at = text.rfind(name)
        if at >= 0:
            match = _TERM_START_RE.match(text, at)
            if match is not None:
                found.append(match)
    return found


def math_span_at(text: str, position: int) -> str | None:
    """The content of the math span (``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``) around
    ``position``, after its last ``=``; ``None`` when ``position`` is in no span."""
    for start, end, lo, hi in _math_spans(text):
        if start <= position < end:
            content = text[lo:hi].rsplit("=", 1)[-1].strip()
            return content or None
        if start > position:
            break
    return None


def _math_spans(text: str) -> Iterator[tuple[int, int, int, int]]:
    """``(start, end, content start, content end)`` of each math span, left to right, as a
    regex alternation ``$$…$$ | $…$ | \\(…\\) | \\[…\\]`` (content 1 to
    :data:`MAX_SPAN_CHARS` characters; no ``$`` inside dollars, no newline inside single
    dollars; the first closer ends a bracket span) would find them. Each opener finds its
    closer by bisection, so this is O(n log n) whatever the input (a regex rescans up to
    ``MAX_SPAN_CHARS`` characters from every opener)."""
    marks: dict[str, list[int]] = {"$": [], "\\(": [], "\\)": [], "\\[": [], "\\]": [], "\n": []}
    for mark in _SPAN_MARK_RE.finditer(text):
        marks[mark.group()].append(mark.start())

    def after(kind: str, index: int) -> int | None:
        positions = marks[kind]
        at = bisect.bisect_left(positions, index)
        return positions[at] if at < len(positions) else None

    resume = 0
    openers = heapq.merge(marks["$"], marks["\\("], marks["\\["])
    for start in openers:
        if start < resume:
            continue
        span = _span_at(text, start, after)
        if span is not None:
            resume = span[1]
            yield span


def _span_at(
    text: str, start: int, after: Callable[[str, int], int | None]
) -> tuple[int, int, int, int] | None:
    """The span opening at ``start``, or ``None``; ``after(kind, i)`` is the first mark of
    that kind at or after ``i``."""
    if text.startswith("$$", start):
        close = after("$", start + 2)
        if (
            close is not None
            and text.startswith("$$", close)
            and 1 <= close - start - 2 <= MAX_SPAN_CHARS
        ):
            return start, close + 2, start + 2, close
    if text.startswith("$", start):
        close, newline = after("$", start + 1), after("\n", start + 1)
        if (
            close is not None
            and (newline is None or newline > close)
            and 1 <= close - start - 1 <= MAX_SPAN_CHARS
        ):
            return start, close + 1, start + 1, close
        return None
    closer = "\\)" if text.startswith("\\(", start) else "\\]"
    close = after(closer, start + 3)
    if close is not None and close - start - 2 <= MAX_SPAN_CHARS:
        return start, close + 2, start + 2, close
    return None


def fenced_code(text: str, language: str | Iterable[str] | None = None) -> str | None:
    """The content of the last fenced code block (```` ``` ```` or ``~~~``), or ``None``.

    With ``language``, only blocks whose info string's first word matches it (case-insensitive,
    with common aliases: ``python`` also matches ``py``/``python3``). An unclosed fence runs to the
    end of the text, as in CommonMark.
    """
    wanted: frozenset[str] | None = None
    if language is not None:
        names = [language] if isinstance(language, str) else list(language)
        wanted = frozenset().union(
            *(_LANGUAGE_ALIASES.get(n.lower(), frozenset({n.lower()})) for n in names)
        )
    best: str | None = None
    fence: str | None = None
    info = ""
    body: list[str] = []
    for line in text.split("\n"):
        if fence is None:
            m = _FENCE_RE.fullmatch(line)
            if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
                fence, info, body = m.group(1), m.group(2).strip(), []
            continue
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if len(stripped) >= len(fence) and stripped == fence[0] * len(stripped) and indent <= 3:
            best = _keep(best, info, body, wanted)
            fence = None
            continue
        body.append(line)
    if fence is not None:
        best = _keep(best, info, body, wanted)
    return best


def _keep(
    best: str | None, info: str, body: list[str], wanted: frozenset[str] | None
) -> str | None:
    lang = info.split()[0].lower() if info.split() else ""
    if wanted is not None and lang not in wanted:
        return best
    return "\n".join(body)


def extract_answer(text: str) -> Extraction:
    """Apply the module's extraction policy to one completion."""
    text = strip_think(text)
    boxes = find_boxed(text)
    if boxes:
        return Extraction(boxes[-1], "boxed", tuple(boxes))
    tags = find_tagged(text)
    if tags:
        return Extraction(tags[-1], "tag", tuple(tags))
    phrases = find_answer_phrases(text)
    if phrases:
        return Extraction(phrases[-1], "phrase", (phrases[-1],))
    last = _last_term(text)
    if last is None:
        return Extraction(None, None, ())
    start, term = last
    span = math_span_at(text, start)
    if span is not None:
        return Extraction(span, "math", (span,))
    return Extraction(term, "number", (term,))


def normalize_text(s: str) -> str:
    """Canonical form for exact comparison: stripped, whitespace collapsed, and unwrapped from
    surrounding ``$…$``/``$$…$$``, ``\\(…\\)``, ``\\[…\\]``, ``\\text{…}`` (and kin) and a
    trailing period. Unwrapping is repeated a bounded number of times."""
    s = _WS_RE.sub(" ", s).strip()
    for _ in range(8):
        before = s
        if s.endswith("."):
            s = s[:-1].rstrip()
        s = _unwrap_dollars(s)
        if len(s) >= 4 and s[:2] in ("\\(", "\\[") and s[-2:] == ("\\)" if s[1] == "(" else "\\]"):
            s = s[2:-2].strip()
        for wrapper in _WRAPPERS:
            if s.startswith(wrapper) and s.endswith("}"):
                inner = s[len(wrapper) - 1 :]
                if _match_braces(inner).get(0) == len(inner) - 1:
                    s = inner[1:-1].strip()
                break
        if s == before:
            break
    return s
