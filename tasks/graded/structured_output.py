"""Structured output: copy the facts about an invented entity into a JSON object.

=====  ======  ==============================================  =============  ===========
level  fields  value types                                     fact order     distractors
=====  ======  ==============================================  =============  ===========
1      3       string, one-of string, integer                  field order    0
2      4       + number                                        shuffled       0
3      5       + boolean                                       shuffled       1
4      6       + array of strings (any order)                  shuffled       2
5      8       + object, and a year stated as "k years after"  shuffled       3
=====  ======  ==============================================  =============  ===========

The entity (a starship, a creature or a company) and every value are invented, so the answer
must come from the prompt. Distractors are facts about a second entity of the same kind.

The gold answer is the JSON object; the rubric (``metadata["rubric"]``, graded by the ``rubric``
verifier) is:

- ``json_object`` (gate): the answer is a JSON object (in a ```` ```json ```` block, or the
  whole answer); anything else scores 0;
- ``schema`` (weight 1): exactly the asked fields, with the asked types;
- ``fields`` (weight 3): one sub-item per field, each right when its value equals the fact (an
  array may list its items in any order);
- ``concise`` (penalty 0.5): the answer is at most ``max(400, 3 x the reference)`` characters.

JSON over ``max(2000, 10 x the reference)`` characters is not read (the gate fails), which keeps
every verdict fast however long an array an answer is padded with.

So an answer with the right shape and ``k`` of ``n`` values right scores ``(1 + 3 k / n) / 4``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rlvr.tasks.base import Problem, ProceduralSource
from rlvr.types import Task

ONSETS = "b br d dr f g gr k kl l m n p r s st t tr v z".split()  # noqa: SIM905
VOWELS = "a e i o u ae ei ou".split()  # noqa: SIM905
CODAS = "n r l s th nd rn m x k".split()  # noqa: SIM905
LEVELS = {1: (3, False, 0), 2: (4, True, 0), 3: (5, True, 1), 4: (6, True, 2), 5: (8, True, 3)}
"""level: (fields, shuffled facts, distractor facts)."""
FIELDS_WEIGHT, SCHEMA_WEIGHT, CONCISE_PENALTY = 3.0, 1.0, 0.5
MIN_READ_CHARS, READ_FACTOR = 2_000, 10
"""JSON over ``max(MIN_READ_CHARS, READ_FACTOR x the reference)`` characters is not read."""
SHIP_CLASSES = ("freighter", "cruiser", "scout", "courier", "hauler", "tender")
RANKS = ("captain", "commander", "commodore", "admiral")
HABITATS = ("forest", "desert", "tundra", "reef", "marsh", "caves")
FOODS = ("berries", "fish", "insects", "roots", "seeds", "moss", "fungi", "shellfish")
PROFESSIONS = ("botanist", "explorer", "surgeon", "geologist", "painter", "sailor")
SECTORS = ("shipping", "mining", "textiles", "software", "farming", "banking")
JSON_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}


def invent(rng: random.Random, syllables: int = 2) -> str:
    """An invented, capitalised word."""
    parts = [rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables)]
    return ("".join(parts) + rng.choice(CODAS)).capitalize()


def person(rng: random.Random) -> str:
    return f"{invent(rng, rng.randint(1, 2))} {invent(rng, 2)}"


@dataclass(frozen=True)
class Attribute:
    """One field of a theme: its key, JSON type, what the prompt calls it, and how a fact states
    it (``{e}``: the entity, ``{v}``: the value; ``{v:yes|no}`` for booleans)."""

    key: str
    type: str
    asks: str
    says: str

    def draw(self, rng: random.Random) -> Any:
        return DRAWS[self.key](rng)


def _decimal(low: int, high: int) -> Callable[[random.Random], float]:
    return lambda rng: rng.randint(low, high) / 100


def _some(rng: random.Random) -> list[str]:
    count = rng.randint(2, 4)
    names: set[str] = set()
    while len(names) < count:
        names.add(invent(rng, rng.randint(1, 2)))
    return sorted(names)


def _theme(*rows: tuple[str, str, str, str]) -> list[Attribute]:
    return [Attribute(*row) for row in rows]


THEMES: dict[str, tuple[str, list[Attribute]]] = {
    "starship": (
        "the starship",
        _theme(
            ("class", "string", "its class", "{e} is a {v}."),
            ("crew", "integer", "the size of its crew", "{e} carries a crew of {v}."),
            ("top_speed", "number", "its top speed in Mm/s", "{e} reaches {v} Mm/s."),
            ("armed", "boolean", "whether it is armed", "{e} {v:is armed|carries no weapons}."),
            ("ports", "array", "the planets it calls at", "{e} calls at {v}."),
            ("captain", "object", "its captain", "{e} is commanded by {v[rank]} {v[name]}."),
            ("launched", "integer", "the year it was launched", "{e} was launched in {v}."),
        ),
    ),
    "creature": (
        "the creature",
        _theme(
            ("habitat", "string", "its habitat", "{e} lives in the {v}."),
            ("legs", "integer", "its number of legs", "{e} has {v} legs."),
            ("mass_kg", "number", "its mass in kilograms", "{e} weighs {v} kilograms."),
            (
                "nocturnal",
                "boolean",
                "whether it is nocturnal",
                "{e} {v:hunts at night|is diurnal}.",
            ),
            ("diet", "array", "what it eats", "{e} eats {v}."),
            (
                "discoverer",
                "object",
                "who first described it",
                "{e} was found by {v[name]}, a {v[job]}.",
            ),
            ("described", "integer", "the year it was first described", "{e} was named in {v}."),
        ),
    ),
    "company": (
        "the company",
        _theme(
            ("sector", "string", "its sector", "{e} works in {v}."),
            ("employees", "integer", "its number of employees", "{e} employs {v} people."),
            (
                "revenue",
                "number",
                "its yearly revenue in millions",
                "{e} earns {v} million a year.",
            ),
            ("listed", "boolean", "whether it is publicly listed", "{e} {v:is listed|is private}."),
            ("offices", "array", "the cities it has offices in", "{e} has offices in {v}."),
            ("ceo", "object", "its chief executive", "{e} is led by {v[name]}, aged {v[age]}."),
            ("founded", "integer", "the year it was founded", "{e} was founded in {v}."),
        ),
    ),
}
DRAWS: dict[str, Callable[[random.Random], Any]] = {
    "class": lambda r: r.choice(SHIP_CLASSES),
    "crew": lambda r: r.randint(3, 400),
    "top_speed": _decimal(100, 9999),
    "armed": lambda r: r.random() < 0.5,
    "ports": _some,
    "captain": lambda r: {"name": person(r), "rank": r.choice(RANKS)},
    "launched": lambda r: r.randint(2150, 2390),
    "habitat": lambda r: r.choice(HABITATS),
    "legs": lambda r: 2 * r.randint(0, 6),
    "mass_kg": _decimal(5, 90000),
    "nocturnal": lambda r: r.random() < 0.5,
    "diet": lambda r: sorted(r.sample(FOODS, r.randint(2, 4))),
    "discoverer": lambda r: {"name": person(r), "job": r.choice(PROFESSIONS)},
    "described": lambda r: r.randint(1700, 2020),
    "sector": lambda r: r.choice(SECTORS),
    "employees": lambda r: r.randint(5, 90000),
    "revenue": _decimal(10, 999999),
    "listed": lambda r: r.random() < 0.5,
    "offices": _some,
    "ceo": lambda r: {"name": person(r), "age": r.randint(28, 80)},
    "founded": lambda r: r.randint(1820, 2020),
}


def _show(value: Any) -> str:
    if isinstance(value, float):
        return json.dumps(value)
    return str(value)


def state(attribute: Attribute, entity: str, value: Any, derived: bool = False) -> str:
    """The fact sentence for ``value``; ``derived`` years read "k years after y"."""
    template = attribute.says
    if attribute.type == "boolean":
        head, _, options = template.partition("{v:")
        options, _, tail = options.partition("}")
        yes, _, no = options.partition("|")
        return (head + (yes if value else no) + tail).format(e=entity)
    if attribute.type == "array":
        items = [str(v) for v in value]
        return template.format(e=entity, v=", ".join(items[:-1]) + " and " + items[-1])
    if attribute.type == "object":
        return template.format(e=entity, v=value)
    if derived:
        years = value % 37 + 3
        return template.replace(" in {v}", " {v}").format(
            e=entity, v=f"{years} years after {value - years}"
        )
    return template.format(e=entity, v=_show(value))


def value_schema(attribute: Attribute, value: Any) -> dict[str, Any]:
    """The schema a right value satisfies: equal to the fact (arrays in any order)."""
    if attribute.type == "array":
        return {
            "type": "array",
            "items": {"enum": value},
            "minItems": len(value),
            "maxItems": len(value),
            "uniqueItems": True,
        }
    return {"const": value}


def type_schema(attribute: Attribute, value: Any) -> dict[str, Any]:
    """The schema of the asked type (objects: their keys and the types of their values)."""
    if attribute.type == "array":
        return {"type": "array", "items": {"type": "string"}}
    if attribute.type == "object":
        properties = {
            k: {"type": "integer" if isinstance(v, int) else "string"} for k, v in value.items()
        }
        return {
            "type": "object",
            "properties": properties,
            "required": sorted(value),
            "additionalProperties": False,
        }
    return {"type": JSON_TYPES[attribute.type]}  # fmt: skip


def describe_type(attribute: Attribute, value: Any) -> str:
    if attribute.type == "array":
        return "array of strings"
    if attribute.type == "object":
        keys = ", ".join(
            f'"{k}" ({"integer" if isinstance(v, int) else "string"})' for k, v in value.items()
        )
        return f"object with {keys}"  # fmt: skip
    return attribute.type


class StructuredOutputSource(ProceduralSource):
    """Facts about an invented entity in, a JSON object with the asked fields out."""

    family: ClassVar[str] = "structured-output"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        count, shuffled, distractors = LEVELS[difficulty]
        theme = rng.choice(sorted(THEMES))
        noun, attributes = THEMES[theme]
        chosen = attributes[: count - 1]
        name = invent(rng, rng.randint(2, 3))
        other = invent(rng, rng.randint(2, 3))
        while other == name:
            other = invent(rng, 3)
        answer: dict[str, Any] = {"name": name}
        answer.update({a.key: a.draw(rng) for a in chosen})
        derived = chosen[-1].key if difficulty == 5 else None
        facts = [state(a, name, answer[a.key], a.key == derived) for a in chosen]
        if shuffled:
            rng.shuffle(facts)
        for attribute in rng.sample(chosen, distractors):
            value = attribute.draw(rng)
            facts.insert(rng.randint(0, len(facts)), state(attribute, other, value))
        fields = [f'- "name" (string): the name of {noun} {name}'] + [
            f'- "{a.key}" ({describe_type(a, answer[a.key])}): {a.asks}' for a in chosen
        ]
        prompt = (
            "Here are some facts:\n\n"
            + "\n".join(f"- {fact}" for fact in facts)
            + f"\n\nGive a JSON object about {noun} {name} with exactly these fields:\n"
            + "\n".join(fields)
            + "\n\nCopy names exactly as written. Put the JSON object in a ```json fenced block."
        )
        rubric = build_rubric(chosen, answer)
        return Problem(prompt, answer, {"theme": theme, "rubric": rubric})


def build_rubric(chosen: list[Attribute], answer: dict[str, Any]) -> dict[str, Any]:
    """The task's rubric (see the module docstring), as JSON."""
    properties = {"name": {"type": "string"}}
    properties.update({a.key: type_schema(a, answer[a.key]) for a in chosen})
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    by_key = {a.key: a for a in chosen}
    reference = len(reference_completion(answer))
    read = max(MIN_READ_CHARS, READ_FACTOR * reference)
    fields = [
        {
            "name": key,
            "kind": "json_schema",
            "path": key,
            "schema": value_schema(by_key[key], value) if key in by_key else {"const": value},
            "max_chars": read,
            "description": f'the value of "{key}"',
        }
        for key, value in answer.items()
    ]
    return {
        "items": [
            {
                "name": "json_object",
                "kind": "json_schema",
                "schema": {"type": "object"},
                "max_chars": read,
                "gate": True,
                "description": "a JSON object",
            },
            {
                "name": "schema",
                "kind": "json_schema",
                "schema": schema,
                "max_chars": read,
                "weight": SCHEMA_WEIGHT,
                "description": "the asked fields, with the asked types and no others",
            },
            {
                "name": "fields",
                "kind": "group",
                "items": fields,
                "weight": FIELDS_WEIGHT,
                "description": "values that match the facts",
            },
            {
                "name": "concise",
                "kind": "length",
                "unit": "chars",
                "max": max(400, 3 * reference),
                "penalty": True,
                "weight": CONCISE_PENALTY,
                "description": "a concise answer",
            },
        ]
    }


def reference_completion(answer: dict[str, Any]) -> str:
    return "```json\n" + json.dumps(answer, indent=2, ensure_ascii=False) + "\n```"


def _placeholder(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return round(value + 1.5, 2)
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, list):
        return [*value[:-1], "Nowhere"]
    return {k: _placeholder(v) for k, v in value.items()}


def known_bad(task: Task) -> dict[str, str]:
    """Answers that game or miss the rubric: the facts as prose, every value wrong in the
    right shape, the field names as a list, and a right answer followed by a wrong one."""
    answer = task.answer
    wrong = {key: _placeholder(value) for key, value in answer.items()}
    prose = "; ".join(f"{key} is {json.dumps(value)}" for key, value in answer.items())
    return {
        "prose": f"The {prose}.",
        "every_value_wrong": reference_completion(wrong),
        "keys_only": reference_completion(list(answer)),  # type: ignore[arg-type]
        "right_then_wrong": reference_completion(answer) + "\n\n" + reference_completion(wrong),
    }
