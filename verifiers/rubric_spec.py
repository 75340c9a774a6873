"""The rubric specification: a weighted checklist of items, validated by pydantic.

A rubric is a mapping ``{"items": [...], "threshold": 1.0}`` (or just the list of items). Every
item has a ``name`` (its component in the verdict), a ``kind``, a ``weight`` and may be a
``gate`` or a ``penalty``:

=============  ===================================================================================
kind           passes when
=============  ===================================================================================
``regex``      ``pattern`` matches ``min_count``..``max_count`` times (``must_match: false``:
               never matches); with ``fold``, in the text with look-alike letters folded
``length``     the answer has ``min``..``max`` ``words`` or ``chars``
``section``    a Markdown heading (of ``level``, if given) or ``<tag>…</tag>`` block titled
               ``title`` has ``min_words`` (with ``subsections: false``, before any sub-heading)
``json_schema`` the answer's JSON (a fenced ``json`` block, else the whole answer), or the value
               at ``path`` in it, validates against ``schema``
``verifier``   scored by another verifier (by registered name, or an instance in Python): its
               reward is the item's score, checked against ``answer`` or the task's gold
``overlap``    at most ``max_share`` of the answer's words lie in runs of ``n`` words copied from
               ``source`` (default: the task's prompt)
``group``      the weighted mean of its sub-``items`` (partial credit inside one item)
=============  ===================================================================================

Rubrics from task metadata are plain JSON; errors name the item and field that is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable, Iterator
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

RESERVED_NAME = "rubric"
"""The component that carries the total reward; no item may take this name."""
NAME_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_:\-]*$"
MAX_PATTERN_CHARS = 2_000
DEFAULT_MAX_JSON_CHARS = 100_000
MAX_JSON_CHARS = 1_000_000
MAX_SOURCE_CHARS = 200_000
ITEM_KINDS = ("regex", "length", "section", "json_schema", "verifier", "overlap", "group")


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(
        min_length=1,
        max_length=64,
        pattern=NAME_PATTERN,
        description="The item's component name in the verdict (letters, digits, _ : -).",
    )
    weight: float = Field(1.0, ge=0, allow_inf_nan=False, description="Share of the reward.")
    gate: bool = Field(False, description="If it fails, the whole reward is 0.")
    penalty: bool = Field(
        False, description="Not scored: subtracts weight * (1 - score) from the reward."
    )
    description: str = Field(
        "", max_length=500, description="What the item asks for; shown in feedback on failure."
    )

    @model_validator(mode="after")
    def _role(self) -> _Item:
        if self.name == RESERVED_NAME:
            raise ValueError(f"the item name {RESERVED_NAME!r} is reserved for the total reward")
        if self.gate and self.penalty:
            raise ValueError(f"item {self.name!r} is both a gate and a penalty; choose one")
        return self

    @property
    def label(self) -> str:
        """How feedback names the item."""
        return self.description or self.name


class RegexItem(_Item):
    """Passes when ``pattern`` matches between ``min_count`` and ``max_count`` times (searched
    with ``re.MULTILINE``), or, with ``must_match: false``, when it never matches. With
    ``fold``, it searches the text as :func:`~rlvr.verifiers.rubric_items.fold_text` reads it,
    so that a zero-width space or a Cyrillic letter does not hide a word."""

    kind: Literal["regex"] = "regex"
    pattern: str = Field(min_length=1, max_length=MAX_PATTERN_CHARS)
    must_match: bool = True
    ignore_case: bool = False
    fold: bool = Field(
        False,
        description="Search the text with accents and zero-width characters dropped and "
        "look-alike letters of other alphabets made Latin (see fold_text).",
    )
    min_count: int = Field(1, ge=1)
    max_count: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _valid(self) -> RegexItem:
        try:
            re.compile(self.pattern)
        except re.error as exc:
            raise ValueError(
                f"item {self.name!r}: pattern {self.pattern!r} is not a regex: {exc}"
            ) from None
        if self.max_count is not None and self.max_count < self.min_count:
            raise ValueError(f"item {self.name!r}: max_count is below min_count")
        if not self.must_match and (self.min_count != 1 or self.max_count is not None):
            raise ValueError(f"item {self.name!r}: counts only apply when must_match is true")
        return self

    def compiled(self) -> re.Pattern[str]:
        flags = re.MULTILINE | (re.IGNORECASE if self.ignore_case else 0)
        return re.compile(self.pattern, flags)


class LengthItem(_Item):
    """Passes when the answer has between ``min`` and ``max`` words (or characters)."""

    kind: Literal["length"] = "length"
    unit: Literal["words", "chars"] = "words"
    min: int | None = Field(None, ge=0)
    max: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _bounds(self) -> LengthItem:
        if self.min is None and self.max is None:
            raise ValueError(f"item {self.name!r}: give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"item {self.name!r}: min {self.min} is above max {self.max}")
        return self


class SectionItem(_Item):
    """Passes when a section titled ``title`` (a Markdown heading, of ``level`` if given, or a
    ``<title>…</title>`` block) holds at least ``min_words`` words; with ``subsections: false``,
    words of its own, before any sub-heading."""

    kind: Literal["section"] = "section"
    title: str = Field(min_length=1, max_length=100)
    style: Literal["heading", "tag", "any"] = "any"
    min_words: int = Field(1, ge=1)
    level: int | None = Field(None, ge=1, le=6, description="The heading's level (## is 2).")
    subsections: bool = Field(
        True, description="Whether the words under its sub-headings count toward it."
    )

    @model_validator(mode="after")
    def _tag_name(self) -> SectionItem:
        if self.style == "tag" and not re.fullmatch(r"[A-Za-z][\w-]*", self.title):
            raise ValueError(f"item {self.name!r}: {self.title!r} cannot be a tag name")
        return self


class JsonSchemaItem(_Item):
    """Passes when the answer parses as JSON (a fenced ``json`` block, else the whole answer)
    and it, or its value at ``path`` (dot-separated keys or list indices), validates against
    ``schema`` (JSON Schema draft 2020-12). Answers over ``max_chars`` are not parsed."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    kind: Literal["json_schema"] = "json_schema"
    json_schema: dict[str, Any] | bool = Field(alias="schema")
    path: str | None = Field(None, min_length=1, max_length=200)
    max_chars: int = Field(DEFAULT_MAX_JSON_CHARS, ge=1, le=MAX_JSON_CHARS)

    @model_validator(mode="after")
    def _valid_schema(self) -> JsonSchemaItem:
        try:
            validator_for(schema_key(self.json_schema))
        except ValueError as exc:
            raise ValueError(f"item {self.name!r}: {exc}") from None
        return self

    def validator(self) -> Any:
        return validator_for(schema_key(self.json_schema))


class VerifierItem(_Item):
    """Scored by another verifier: its reward on the completion is the item's score."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    kind: Literal["verifier"] = "verifier"
    verifier: Any = Field(description="A registered verifier name, or (in Python) an instance.")
    kwargs: dict[str, Any] = Field(default_factory=dict)
    answer: Any = Field(None, description="The gold to check against; default: the task's.")

    @model_validator(mode="after")
    def _known(self) -> VerifierItem:
        if isinstance(self.verifier, str):
            from rlvr import verifiers

            if self.verifier == RESERVED_NAME:
                raise ValueError(f"item {self.name!r}: a rubric cannot nest the rubric verifier")
            if self.verifier not in verifiers.names():
                raise ValueError(
                    f"item {self.name!r}: no verifier named {self.verifier!r}; "
                    f"known: {', '.join(verifiers.names())}"
                )
        elif not callable(getattr(self.verifier, "verify", None)):
            raise ValueError(
                f"item {self.name!r}: verifier must be a registered name or an object with "
                f"verify(task, completion), got {type(self.verifier).__name__}"
            )
        elif self.kwargs:
            raise ValueError(f"item {self.name!r}: kwargs only apply to a verifier given by name")
        return self


class OverlapItem(_Item):
    """Passes when at most ``max_share`` of the answer's words lie in runs of ``n`` words that
    also occur, in that order, in ``source`` (default: the task's prompt); case and punctuation
    aside. It catches copying: a summary that repeats its document, an echoed prompt."""

    kind: Literal["overlap"] = "overlap"
    source: str | None = Field(
        None, max_length=MAX_SOURCE_CHARS, description="The text not to copy; default: the prompt."
    )
    n: int = Field(6, ge=2, le=50, description="Words in a run that counts as copied.")
    max_share: float = Field(
        0.5, ge=0, lt=1, description="The largest share of the answer's words that may be copied."
    )


class GroupItem(_Item):
    """The weighted mean of its sub-items: partial credit within one item."""

    kind: Literal["group"] = "group"
    items: list[Item] = Field(min_length=1)

    @model_validator(mode="after")
    def _parts(self) -> GroupItem:
        check_unique(self.items, f"group {self.name!r}")
        for item in self.items:
            if item.gate or item.penalty:
                raise ValueError(
                    f"item {item.name!r} in group {self.name!r}: gates and penalties belong at "
                    "the top level of a rubric"
                )
        if sum(item.weight for item in self.items) <= 0:
            raise ValueError(f"group {self.name!r}: the weights of its items sum to 0")
        return self


Item = Annotated[
    RegexItem | LengthItem | SectionItem | JsonSchemaItem | VerifierItem | OverlapItem | GroupItem,
    Field(discriminator="kind"),
]
GroupItem.model_rebuild()


def check_unique(items: list[Any], where: str) -> None:
    """Raise ``ValueError`` if two items share a name."""
    names = [item.name for item in items]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{where} has several items named {', '.join(map(repr, duplicates))}")


class RubricSpec(BaseModel):
    """A rubric: its items and the reward at or above which a completion is ``correct``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    items: list[Item] = Field(min_length=1)
    threshold: float = Field(1.0, gt=0, le=1, description="Reward needed to count as correct.")

    @model_validator(mode="before")
    @classmethod
    def _bare_list(cls, data: Any) -> Any:
        return {"items": data} if isinstance(data, list) else data

    @model_validator(mode="after")
    def _unique(self) -> RubricSpec:
        check_unique(self.items, "the rubric")
        return self

    def merged(self, other: RubricSpec) -> RubricSpec:
        """This rubric's items then ``other``'s; ``other``'s threshold if it sets one."""
        items = [*self.items, *other.items]
        check_unique(items, "the combined rubric (constructor and task metadata)")
        threshold = other.threshold if "threshold" in other.model_fields_set else self.threshold
        return RubricSpec(items=items, threshold=threshold)


def parse_rubric(data: Any, *, where: str) -> RubricSpec:
    """``data`` as a :class:`RubricSpec`; a ``ValueError`` that names ``where`` and each wrong
    field otherwise."""
    if isinstance(data, RubricSpec):
        return data
    try:
        return RubricSpec.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '(top)'}: "
            + error["msg"].removeprefix("Value error, ")
            for error in exc.errors()
        )
        raise ValueError(f"{where}: invalid rubric: {problems}") from None


def schema_key(schema: dict[str, Any] | bool) -> str:
    """A hashable form of a JSON schema (for caching its validator)."""
    try:
        return json.dumps(schema, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the JSON schema is not JSON: {exc}") from None


def json_key(value: Any) -> Hashable:
    """A hashable form of a JSON value, equal for values JSON Schema deems equal (``1`` and
    ``1.0``; not ``true`` and ``1``; objects whatever their key order)."""
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, dict):
        return ("object", frozenset((key, json_key(item)) for key, item in value.items()))
    return ("array", tuple(json_key(item) for item in value))


def _unique_items(validator: Any, unique: bool, instance: Any, schema: Any) -> Iterator[Any]:
    """``uniqueItems`` in linear time (jsonschema's own is quadratic in an array of mixed
    types, which an answer can be made of)."""
    from jsonschema.exceptions import ValidationError

    if unique and validator.is_type(instance, "array"):
        keys = [json_key(item) for item in instance]
        if len(set(keys)) < len(keys):
            yield ValidationError("the array has non-unique elements")


@lru_cache(maxsize=1)
def _validator_class() -> Any:
    from jsonschema import Draft202012Validator
    from jsonschema.validators import extend

    return extend(Draft202012Validator, {"uniqueItems": _unique_items})


@lru_cache(maxsize=256)
def validator_for(key: str) -> Any:
    """A draft 2020-12 validator for the schema ``key`` (see :func:`schema_key`), its
    ``uniqueItems`` linear (see :func:`_unique_items`)."""
    from jsonschema.exceptions import SchemaError

    schema = json.loads(key)
    cls = _validator_class()
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        raise ValueError(f"invalid JSON schema: {exc.message}") from None
    return cls(schema)
