"""A synthetic encyclopaedia of invented entities, deterministic from a seed.

Five kinds of entity (people, towns, rivers, companies, inventions) get invented names, numbers and
relations; each is rendered as an article, one sentence per line. Every fact is stated by exactly
one sentence template (:data:`FACT_TEMPLATES`), so a question's gold facts appear verbatim in the
articles and a fact is never stated differently anywhere else. About a third of the entities have
a *twin*: another entity of the same kind whose name differs by one letter (a distractor); twins
have their own facts, stated only in their own articles.

``build_corpus(seed, size)`` is cached per process by ``(seed, size)``.
"""

from __future__ import annotations

import functools
import hashlib
import random
from dataclasses import dataclass, field

KINDS = ("person", "town", "river", "company", "invention")
SHARES = {"person": 0.3, "town": 0.17, "river": 0.1, "company": 0.2, "invention": 0.23}
TWIN_SHARE = 0.3
MIN_SIZE, MAX_SIZE = 50, 5_000
DEFAULT_SIZE = 400

RELATIONS: dict[str, dict[str, str]] = {
    "invention": {"maker": "company", "inventor": "person"},
    "company": {"founder": "person", "headquarters": "town"},
    "person": {"birthplace": "town"},
    "town": {"river": "river"},
    "river": {},
}
"""For each kind, its relations and the kind they point to."""

ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "person": ("birth_year", "death_year", "occupation"),
    "town": ("population", "founded", "province"),
    "river": ("length", "mouth"),
    "company": ("founded", "employees", "industry"),
    "invention": ("introduced",),
}
"""For each kind, its plain (non-relation) attributes."""

FACT_TEMPLATES: dict[tuple[str, str], str] = {
    ("person", "birth_year"): "{name} was born in the year {value}.",
    ("person", "death_year"): "{name} died in the year {value}.",
    ("person", "occupation"): "{name} worked as a {value}.",
    ("person", "birthplace"): "{name} was born in the town of {value}.",
    ("town", "population"): "{name} has a population of {value}.",
    ("town", "founded"): "{name} was founded in the year {value}.",
    ("town", "province"): "{name} lies in the province of {value}.",
    ("town", "river"): "{name} stands on the banks of the {value}.",
    ("river", "length"): "The {name} is {value} kilometres long.",
    ("river", "mouth"): "The {name} flows into the {value}.",
    ("company", "founded"): "{name} was established in the year {value}.",
    ("company", "employees"): "{name} employs {value} people.",
    ("company", "industry"): "{name} is a company in the {value} industry.",
    ("company", "founder"): "{name} was founded by {value}.",
    ("company", "headquarters"): "{name} has its headquarters in {value}.",
    ("invention", "introduced"): "The {name} was introduced in the year {value}.",
    ("invention", "inventor"): "The {name} was invented by {value}.",
    ("invention", "maker"): "The {name} is manufactured by {value}.",
}

# word lists are written as strings to keep them compact
ONSETS = "b br c ch d dr f g gr h k kl l m n p pr r s st t tr v w z".split()  # noqa: SIM905
VOWELS = "a e i o u ae ei ou y".split()  # noqa: SIM905
CODAS = "n r l s th nd rn st m x k".split()  # noqa: SIM905
TOWN_ENDS = "ford by holm wick stow mere dale thorpe field haven".split()  # noqa: SIM905
COMPANY_ENDS = ("Works", "Industries", "Foundry", "Company", "Manufacturing", "Engineering")
INVENTION_NOUNS = (  # noqa: SIM905
    "loom lamp engine press valve telegraph pump lens clock boiler dynamo sextant"
).split()
OCCUPATIONS = (  # noqa: SIM905
    "clockmaker cartographer chemist engineer surveyor botanist printer shipwright glassblower "
    "astronomer architect weaver locksmith physician"
).split()
INDUSTRIES = (  # noqa: SIM905
    "textile shipbuilding optics printing rail chemical mining brewing"
).split()
WATERS = ("Sea of", "Gulf of", "Bay of", "Lake")

FILLER: dict[str, tuple[str, ...]] = {
    "person": (
        "Little is recorded about the early years of {name}.",
        "Letters written by {name} survive in several private collections.",
        "Contemporaries described {name} as patient and exacting.",
        "A portrait of {name} hangs in a provincial museum.",
        "The papers of {name} were catalogued long after their death.",
    ),
    "town": (
        "A weekly market is held in the square of {name}.",
        "The old bridge of {name} was rebuilt twice.",
        "{name} is known locally for its bell tower.",
        "Several mills once operated near {name}.",
        "The streets of {name} follow a medieval plan.",
    ),
    "river": (
        "The {name} is used for fishing along much of its course.",
        "Floods along the {name} were frequent before the embankments were built.",
        "Several ferries once crossed the {name}.",
        "The valley of the {name} is known for its orchards.",
    ),
    "company": (
        "{name} published an illustrated catalogue of its products.",
        "The early workshops of {name} were lit by gas.",
        "{name} trained many apprentices over the decades.",
        "Records of {name} are kept in a regional archive.",
        "{name} survived several economic downturns.",
    ),
    "invention": (
        "The {name} was displayed at several trade exhibitions.",
        "Early models of the {name} were assembled by hand.",
        "Improved versions of the {name} followed within a decade.",
        "Surviving examples of the {name} are held in museums.",
    ),
}


@dataclass
class Entity:
    """One invented entity: its name (also its article title), kind, facts and relations."""

    name: str
    kind: str
    facts: dict[str, str] = field(default_factory=dict)
    """Attribute and relation values as rendered text (relations hold the target's name)."""
    twin: str | None = None


@dataclass(frozen=True)
class Article:
    """An entity's article: a title and its lines (one sentence each, the title first)."""

    title: str
    kind: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Corpus:
    """The encyclopaedia: entities by name and their articles in a fixed order."""

    seed: int
    size: int
    entities: dict[str, Entity]
    articles: tuple[Article, ...]

    def __post_init__(self) -> None:
        self.by_title = {a.title: a for a in self.articles}
        self._folded = {a.title.casefold(): a for a in self.articles}

    def article(self, title: str) -> Article | None:
        """The article titled ``title`` (case and surrounding space ignored), or ``None``."""
        return self._folded.get(" ".join(title.split()).casefold())

    def of_kind(self, kind: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind == kind]


def fact_sentence(entity: Entity, key: str) -> str:
    """The one sentence that states ``entity``'s fact ``key``."""
    template = FACT_TEMPLATES[(entity.kind, key)]
    return template.format(name=entity.name, value=entity.facts[key])


def with_commas(number: int) -> str:
    return f"{number:,}"


class _Namer:
    """Invented names, unique across the corpus (also after case folding)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def word(self, syllables: int) -> str:
        parts = [self.rng.choice(ONSETS) + self.rng.choice(VOWELS) for _ in range(syllables)]
        return ("".join(parts) + self.rng.choice(CODAS)).capitalize()

    def fresh(self, make) -> str:
        for _ in range(1000):
            name = make()
            if name.casefold() not in self.used:
                self.used.add(name.casefold())
                return name
        raise RuntimeError("could not invent a fresh name")  # pragma: no cover

    def name(self, kind: str) -> str:
        r = self.rng
        if kind == "person":
            return self.fresh(lambda: f"{self.word(r.randint(1, 2))} {self.word(r.randint(1, 2))}")
        if kind == "town":
            return self.fresh(lambda: self.word(r.randint(1, 2)) + r.choice(TOWN_ENDS))
        if kind == "river":
            return self.fresh(lambda: f"{self.word(r.randint(1, 2))} River")
        if kind == "company":
            return self.fresh(lambda: f"{self.word(r.randint(1, 2))} {r.choice(COMPANY_ENDS)}")
        return self.fresh(
            lambda: f"{self.word(r.randint(1, 2))} {r.choice(INVENTION_NOUNS).capitalize()}"
        )

    def twin(self, name: str) -> str | None:
        """A fresh name one letter away from ``name`` (a vowel of its first word changed)."""
        first, _, rest = name.partition(" ")
        spots = [i for i, ch in enumerate(first) if ch in "aeiou"]
        self.rng.shuffle(spots)
        for i in spots:
            for vowel in self.rng.sample("aeiou", 5):
                if vowel == first[i]:
                    continue
                word = first[:i] + vowel + first[i + 1 :]
                candidate = f"{word} {rest}".strip()
                if candidate.casefold() not in self.used:
                    self.used.add(candidate.casefold())
                    return candidate
        return None


def _counts(size: int) -> dict[str, int]:
    counts = {kind: max(4, int(size * SHARES[kind])) for kind in KINDS}
    counts["person"] += size - sum(counts.values())
    return counts


def _attributes(entity: Entity, rng: random.Random, namer: _Namer) -> None:
    facts = entity.facts
    if entity.kind == "person":
        born = rng.randint(1760, 1900)
        facts["birth_year"] = str(born)
        facts["death_year"] = str(born + rng.randint(35, 95))
        facts["occupation"] = rng.choice(OCCUPATIONS)
    elif entity.kind == "town":
        facts["population"] = with_commas(rng.randint(1_200, 950_000))
        facts["founded"] = str(rng.randint(900, 1850))
        facts["province"] = namer.word(2)
    elif entity.kind == "river":
        facts["length"] = with_commas(rng.randint(40, 3_200))
        facts["mouth"] = f"{rng.choice(WATERS)} {namer.word(2)}"
    elif entity.kind == "company":
        facts["founded"] = str(rng.randint(1800, 1990))
        facts["employees"] = with_commas(rng.randint(40, 90_000))
        facts["industry"] = rng.choice(INDUSTRIES)
    else:
        facts["introduced"] = str(rng.randint(1820, 2000))


def _render(entity: Entity, rng: random.Random) -> Article:
    kind = entity.kind
    facts = list(ATTRIBUTES[kind]) + list(RELATIONS[kind])
    rng.shuffle(facts)
    body = [fact_sentence(entity, key) for key in facts]
    fillers = list(FILLER[kind])
    rng.shuffle(fillers)
    for filler in fillers[: rng.randint(2, len(fillers))]:
        body.insert(rng.randint(0, len(body)), filler.format(name=entity.name))
    if entity.twin is not None:
        body.insert(rng.randint(0, len(body)), f"Not to be confused with {entity.twin}.")
    lead = {
        "person": f"{entity.name} is a figure in the history of the region.",
        "town": f"{entity.name} is a town.",
        "river": f"The {entity.name} is a river.",
        "company": f"{entity.name} is a manufacturing firm.",
        "invention": f"The {entity.name} is a mechanical invention.",
    }[kind]
    return Article(entity.name, kind, (entity.name, lead, *body))


def _seeded(seed: int, size: int) -> random.Random:
    digest = hashlib.blake2b(f"qa-corpus\x1f{seed}\x1f{size}".encode(), digest_size=16).digest()
    return random.Random(int.from_bytes(digest, "little"))


@functools.lru_cache(maxsize=8)
def build_corpus(seed: int = 0, size: int = DEFAULT_SIZE) -> Corpus:
    """The encyclopaedia for ``seed`` with about ``size`` articles (cached per process)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"corpus seed must be an int >= 0, got {seed!r}")
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"corpus size must be between {MIN_SIZE} and {MAX_SIZE}, got {size}")
    rng = _seeded(seed, size)
    namer = _Namer(rng)
    entities: dict[str, Entity] = {}
    for kind, count in _counts(size).items():
        made = 0
        while made < count:
            entity = Entity(namer.name(kind), kind)
            entities[entity.name] = entity
            made += 1
            if made < count and rng.random() < TWIN_SHARE:
                twin_name = namer.twin(entity.name)
                if twin_name is not None:
                    entity.twin = twin_name
                    entities[twin_name] = Entity(twin_name, kind, twin=entity.name)
                    made += 1
    by_kind = {kind: [e.name for e in entities.values() if e.kind == kind] for kind in KINDS}
    for entity in entities.values():
        _attributes(entity, rng, namer)
        for relation, target in RELATIONS[entity.kind].items():
            entity.facts[relation] = rng.choice(by_kind[target])
    _make_consistent(entities)
    order = sorted(entities)
    rng.shuffle(order)
    articles = tuple(_render(entities[name], rng) for name in order)
    return Corpus(seed, size, entities, articles)


def _make_consistent(entities: dict[str, Entity]) -> None:
    """Founders are born before their companies are established (invented, but plausible)."""
    for entity in entities.values():
        if entity.kind == "company":
            founder = entities[entity.facts["founder"]]
            born = int(founder.facts["birth_year"])
            entity.facts["founded"] = str(max(int(entity.facts["founded"]), born + 20))
