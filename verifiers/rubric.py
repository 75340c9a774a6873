"""The ``rubric`` verifier: a weighted checklist of rules turned into a graded reward.

The rubric (:mod:`rlvr.verifiers.rubric_spec`) comes from the constructor, from the task's
``metadata["rubric"]``, or both (the constructor's items first). Each item scores in [0, 1]
(:mod:`rlvr.verifiers.rubric_items`), and::

    reward = sum(w * s for scored items) / sum(w for scored items)     # 1 if there are none
             - sum(w * (1 - s) for penalty items)
    reward = clip(reward, 0, 1), or 0 if any gate item scores below 1

``correct`` is ``reward >= threshold`` (default 1.0: every item passes). The threshold is, first
that wins: the constructor's ``threshold``, the task rubric's, the constructor rubric's, 1.0.
Components: one per item (a group's sub-items as ``group.item``) and ``rubric``, the reward.
The verdict's ``answer`` is the JSON a ``json_schema`` item read (canonical: sorted keys), so
that majority votes compare answers rather than wordings; ``None`` for free text.

A rubric grades surface properties, so its kind is ``rubric``: hackable (see
:mod:`rlvr.verifiers.kinds`). ``known_bad_completions`` therefore tries the usual hacks against
it: keyword spam that satisfies every ``regex`` item without saying anything, the required
headings alone, empty sections, the headings stacked on one shared body, and padding past every
length limit.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rlvr.types import Task, Verdict
from rlvr.verifiers.base import BaseVerifier
from rlvr.verifiers.extract import strip_think
from rlvr.verifiers.rubric_items import Context, ItemResult, score_item
from rlvr.verifiers.rubric_spec import (
    RESERVED_NAME,
    GroupItem,
    LengthItem,
    RegexItem,
    RubricSpec,
    SectionItem,
    VerifierItem,
    parse_rubric,
)

METADATA_KEY = "rubric"
"""The task metadata key a per-task rubric is read from."""
MAX_FEEDBACK_CHARS = 1_000
_META = set(".^$*+?{}[]|()\\")
_HEADING_LINE = re.compile(r"^[ ]{0,3}#{1,6}[ \t].*$", re.MULTILINE)


class RubricVerifier(BaseVerifier):
    """Grades a completion by a weighted checklist (see the module docstring).

    Args:
        rubric: a :class:`~rlvr.verifiers.rubric_spec.RubricSpec`, or its JSON form (a mapping
            with ``items``, or a list of items); ``None`` to read every rubric from the tasks.
        threshold: reward at or above which a completion is ``correct``; overrides the rubrics'.
        timeout: seconds one verification may take when bounded (sub-verifiers included).
        known_bad: extra known-bad completions for a task (a module-level function, so that the
            verifier still pickles), added to the rubric's own.
    """

    name: ClassVar[str] = "rubric"
    version: ClassVar[str] = "1"
    kind: ClassVar[str] = "rubric"
    graded: ClassVar[bool] = True

    def __init__(
        self,
        rubric: RubricSpec | Mapping[str, Any] | list[Any] | None = None,
        *,
        threshold: float | None = None,
        timeout: float = 5.0,
        known_bad: Callable[[Task], Mapping[str, str]] | None = None,
    ) -> None:
        self.rubric = None if rubric is None else parse_rubric(rubric, where="RubricVerifier")
        if threshold is not None and not (0 < threshold <= 1):
            raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
        if not (math.isfinite(timeout) and timeout > 0):
            raise ValueError(f"timeout must be a finite number > 0 seconds, got {timeout!r}")
        self.threshold = threshold
        self.timeout = timeout
        self.known_bad = known_bad
        self._verifiers: dict[str, Any] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_verifiers": {}}

    # -- the rubric of a task ---------------------------------------------------------------------

    def spec_for(self, task: Task) -> RubricSpec:
        """The rubric ``task`` is graded by; ``ValueError`` if there is none or it is invalid."""
        data = task.metadata.get(METADATA_KEY)
        if data is None:
            if self.rubric is None:
                raise ValueError(
                    f"task {task.id!r} has no metadata[{METADATA_KEY!r}] and the verifier was "
                    "given no rubric"
                )
            return self.rubric
        spec = parse_rubric(data, where=f"task {task.id!r} metadata[{METADATA_KEY!r}]")
        return spec if self.rubric is None else self.rubric.merged(spec)

    def _sub_verifier(self, item: VerifierItem) -> Any:
        if not isinstance(item.verifier, str):
            return item.verifier
        key = f"{item.verifier}:{sorted((k, repr(v)) for k, v in item.kwargs.items())}"
        if key not in self._verifiers:
            from rlvr import verifiers

            self._verifiers[key] = verifiers.get(item.verifier, bounded=False, **item.kwargs)
        return self._verifiers[key]

    # -- judging --------------------------------------------------------------------------------

    def check(self, task: Task, completion: str) -> Verdict:
        try:
            spec = self.spec_for(task)
        except ValueError as exc:
            return Verdict.failure("error", str(exc))
        text = strip_think(completion)
        if not text.strip():
            return Verdict.failure("no_answer", "the answer is empty", components={"rubric": 0.0})
        ctx = Context(task, completion, text, self._sub_verifier)
        results = {item.name: score_item(item, ctx) for item in spec.items}
        errors = [r.error for r in results.values() if r.error]
        if errors:
            return Verdict.failure("error", errors[0])
        components: dict[str, float] = {}
        for item in spec.items:
            components[item.name] = results[item.name].score
            components.update(results[item.name].components)
        threshold = self.threshold if self.threshold is not None else spec.threshold
        answer = ctx.parsed_json()
        failed_gates = [item for item in spec.items if item.gate and results[item.name].score < 1]
        if failed_gates:
            gate = failed_gates[0]
            why = results[gate.name].feedback or f"{gate.label} does not hold"
            feedback = f"gate {gate.name!r} failed, so the reward is 0: {why}"
            return Verdict(
                reward=0.0,
                correct=False,
                components={**components, RESERVED_NAME: 0.0},
                feedback=_clip(feedback),
                answer=answer,
            )
        reward = combine(spec, {name: r.score for name, r in results.items()})
        components[RESERVED_NAME] = reward
        return Verdict(
            reward=reward,
            correct=reward >= threshold,
            components=components,
            feedback=_feedback(spec, results, reward),
            answer=answer,
        )

    # -- hooks for `rlvr check` and scripted policies -------------------------------------------

    def reference_completion(self, task: Task) -> str:
        """``metadata["reference"]``, else the gold when it is text, else the gold as a fenced
        JSON block."""
        reference = task.metadata.get("reference")
        if isinstance(reference, str):
            return reference
        if isinstance(task.answer, str):
            return task.answer
        return "```json\n" + json.dumps(task.answer, indent=2, ensure_ascii=False) + "\n```"

    def known_bad_completions(self, task: Task) -> dict[str, str]:
        bad = super().known_bad_completions(task)
        try:
            spec = self.spec_for(task)
        except ValueError:
            return bad
        bad.update(rubric_hacks(spec, self.reference_completion(task), self.max_completion_chars))
        if self.known_bad is not None:
            bad.update(self.known_bad(task))
        return bad

    def __repr__(self) -> str:
        items = "task metadata" if self.rubric is None else f"{len(self.rubric.items)} items"
        return f"RubricVerifier({items}, threshold={self.threshold})"


def combine(spec: RubricSpec, scores: Mapping[str, float]) -> float:
    """The reward from item scores, gates aside: weighted mean of the scored items minus the
    penalties, clipped to [0, 1]."""
    scored = [item for item in spec.items if not (item.gate or item.penalty)]
    total = math.fsum(item.weight for item in scored)
    base = math.fsum(item.weight * scores[item.name] for item in scored) / total if total else 1.0
    penalty = math.fsum(
        item.weight * (1.0 - scores[item.name]) for item in spec.items if item.penalty
    )
    return min(max(base - penalty, 0.0), 1.0)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_FEEDBACK_CHARS else text[:MAX_FEEDBACK_CHARS] + "…"


def _feedback(spec: RubricSpec, results: Mapping[str, ItemResult], reward: float) -> str:
    failed = [
        results[item.name].feedback or f"{item.label} does not hold"
        for item in spec.items
        if results[item.name].score < 1.0
    ]
    if not failed:
        return f"all {len(spec.items)} rubric items pass"
    return _clip(f"reward {reward:.3f}; failed: " + "; ".join(failed))


# -- adversarial negatives ----------------------------------------------------------------------


def _flat(items: list[Any]) -> list[Any]:
    out = []
    for item in items:
        out.append(item)
        if isinstance(item, GroupItem):
            out += _flat(item.items)
    return out


def literal_of(pattern: str) -> str | None:
    """The text a regex matches when it is a plain word or phrase (``\\bword\\b``,
    ``(?i)\\bred fox\\b``, :func:`re.escape` output), else ``None``."""
    core = re.sub(r"^\(\?[aiLmsux]+\)", "", pattern)
    core = re.sub(r"^(?:\\b)+|(?:\\b)+$", "", core)
    out, i = [], 0
    while i < len(core):
        char = core[i]
        if char == "\\":
            if i + 1 >= len(core) or core[i + 1].isalnum():
                return None  # a class (\d, \w) or an inner \b: not one fixed text
            out.append(core[i + 1])
            i += 2
            continue
        if char in _META:
            return None
        out.append(char)
        i += 1
    return "".join(out) or None


def _heading(section: SectionItem, level: int) -> str:
    """The Markdown heading of ``section``: at its level if it has one, else at ``level``."""
    return f"{'#' * (section.level or level)} {section.title}"


def rubric_hacks(spec: RubricSpec, reference: str, max_chars: int) -> dict[str, str]:
    """Completions that game a rubric: keyword spam, bare or empty sections, headings stacked
    on one shared body (each at a deeper level), padding."""
    items = _flat(spec.items)
    bad: dict[str, str] = {}
    spam = [
        (literal, item.min_count)
        for item in items
        if isinstance(item, RegexItem) and item.must_match
        for literal in [literal_of(item.pattern)]
        if literal
    ]
    if spam:
        bad["keyword_spam"] = " ".join(" ".join([word] * count) for word, count in spam)
    sections = [item for item in items if isinstance(item, SectionItem)]
    if sections:
        bad["headings_only"] = "\n".join(
            f"<{s.title}></{s.title}>" if s.style == "tag" else _heading(s, 1) for s in sections
        )
        bad["empty_sections"] = "\n\n".join(
            f"<{s.title}>\n \n</{s.title}>" if s.style == "tag" else f"{_heading(s, 2)}\n\n \n"
            for s in sections
        )
    headed = [s for s in sections if s.style != "tag"]
    if len(headed) > 1:
        levels = range(headed[0].level or 1, 7)  # each heading one level below the last
        pairs = zip(levels, headed, strict=False)
        stack = "\n".join(f"{'#' * level} {s.title}" for level, s in pairs)
        body = " ".join(_HEADING_LINE.sub("", reference).split())
        bad["stacked_headings"] = f"{stack}\n\n{body}"
    limits = [item for item in items if isinstance(item, LengthItem) and item.max is not None]
    if limits:
        most_words = max((i.max or 0 for i in limits if i.unit == "words"), default=0)
        most_chars = max((i.max or 0 for i in limits if i.unit == "chars"), default=0)
        filler = "More detail follows here. "
        repeats = max((2 * most_words + 10) // 4, (2 * most_chars + 10) // len(filler)) + 1
        padded = reference + "\n\n" + filler * repeats
        if len(padded) <= max_chars:
            bad["padding"] = padded
    return bad
