"""Geometry: lengths, areas, perimeters and volumes of plane and solid figures, answered exactly.

Difficulty knobs (which figures, how large, whether the answer needs pi or a radical):

=====  ===========  =====================================================================
level  sides up to  problem kinds
=====  ===========  =====================================================================
1      12           rectangle area/perimeter, square area, triangle area (integer),
                    hypotenuse of a Pythagorean triple
2      20           triangle area (may be p/q), circle area/circumference, box and cube
                    volume, missing leg of a Pythagorean triple
3      25           hypotenuse with a radical answer, square diagonal, trapezoid area,
                    cylinder volume, circle area from the diameter, box surface area,
                    similar triangles (integer scale factor)
4      30           cone and sphere volume, sphere surface, equilateral triangle area,
                    missing leg with a radical answer, similar triangles (rational scale),
                    distance between two points
5      40           box space diagonal, cylinder surface, sector area, arc length, ring
                    (annulus) area, square minus its inscribed circle, rectangle topped by
                    a semicircle, area of a similar triangle
=====  ===========  =====================================================================

Answer format: the exact value in plain notation (``docs/math-answers.md``): integers, reduced
fractions ``p/q``, ``pi`` and simplified square roots, e.g. ``24``, ``15/2``, ``25*pi``,
``5*sqrt(2)``, ``50*pi/3``, ``9*sqrt(3)/4``, ``100 - 25*pi``. Values are computed with Python
integers and ``fractions.Fraction`` (radicands are reduced to square-free form), never floats.
``metadata["kind"]`` names the problem and ``metadata["params"]`` holds its integer inputs.
Figures are unitless ("units"), so no unit handling is needed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction
from math import isqrt
from typing import ClassVar, NamedTuple

from rlvr.tasks.base import Problem, ProceduralSource

PROMPT = (
    "{statement}\n\nGive the exact value, not a decimal approximation: write π as pi, square roots "
    "as sqrt(...) in simplest form and fractions as reduced p/q (for example 25*pi, 3*sqrt(2)/2 or "
    "7/2). Put the final answer inside \\boxed{{}}."
)
TRIPLES = ((3, 4, 5), (5, 12, 13), (8, 15, 17), (7, 24, 25), (20, 21, 29), (9, 40, 41))
ANGLES = (30, 40, 45, 60, 72, 90, 120, 135, 150, 180, 210, 240, 270, 300)

Term = tuple[Fraction, int, bool]  # coefficient * sqrt(radicand) * (pi if flag)
Params = dict[str, int]
Sampler = Callable[[random.Random, int, int], Params]


def surd(n: int, coef: Fraction | int = 1) -> Term:
    """``coef * sqrt(n)`` with the radicand reduced to its square-free part."""
    k = isqrt(n)
    while n % (k * k):
        k -= 1
    return (Fraction(coef) * k, n // (k * k), False)


def _term(t: Term) -> str:
    coef, radicand, has_pi = t
    factors = ([f"sqrt({radicand})"] if radicand > 1 else []) + (["pi"] if has_pi else [])
    p, q = abs(coef.numerator), coef.denominator
    sign = "-" if coef < 0 else ""
    if not factors:
        return f"{sign}{p}" if q == 1 else f"{sign}{p}/{q}"
    body = "*".join(([str(p)] if p != 1 else []) + factors)
    return f"{sign}{body}" if q == 1 else f"{sign}{body}/{q}"


def render(terms: list[Term]) -> str:
    """Plain notation of a sum of terms: ``48 + 8*pi``, ``100 - 25*pi``, ``sqrt(34)``."""
    text = _term(terms[0])
    for coef, radicand, has_pi in terms[1:]:
        text += (" - " if coef < 0 else " + ") + _term((abs(coef), radicand, has_pi))
    return text


def _num(x: int, y: int | Fraction = 1) -> list[Term]:
    return [(Fraction(x) * y, 1, False)]


def _pi(x: int, y: int | Fraction = 1) -> list[Term]:
    return [(Fraction(x) * y, 1, True)]


def _triple(rng: random.Random, limit: int) -> tuple[int, int, int]:
    fits = [t for t in TRIPLES if t[2] <= limit] or [TRIPLES[0]]
    a, b, c = rng.choice(fits)
    k = rng.randint(1, max(1, limit // c))
    a, b = (b, a) if rng.random() < 0.5 else (a, b)
    return a * k, b * k, c * k


def _sides(*names: str, low: int = 2, half: str = "") -> Sampler:
    """A sampler drawing each named side from ``low..n`` (``low..n//2`` for names in ``half``)."""
    return lambda rng, n, _: {k: rng.randint(low, n // 2 if k in half else n) for k in names}


def _hypotenuse(rng: random.Random, n: int, level: int) -> Params:
    a, b = _triple(rng, 3 * n)[:2] if level < 3 else (rng.randint(1, n), rng.randint(2, n))
    return {"a": a, "b": b}


def _leg(rng: random.Random, n: int, level: int) -> Params:
    if level < 4:
        a, _, c = _triple(rng, 3 * n)
        return {"c": c, "a": a}
    c = rng.randint(3, n)
    return {"c": c, "a": rng.randint(1, c - 1)}


def _triangle_base(rng: random.Random, n: int, level: int) -> Params:
    b, h = rng.randint(2, n), rng.randint(2, n)
    return {"b": b + (level == 1 and b * h % 2 == 1), "h": h}


def _similar(rng: random.Random, n: int, level: int) -> Params:
    a, b = rng.randint(2, n // 2), rng.randint(2, n // 2)
    c = rng.randint(abs(a - b) + 1, a + b - 1)
    d = a * rng.randint(2, 4) if level < 4 else rng.choice([x for x in range(2, n + 1) if x != a])
    return {"a": a, "b": b, "c": c, "d": d}


def _points(rng: random.Random, n: int, _: int) -> Params:
    x1, y1, x2, y2 = (rng.randint(-n // 2, n // 2) for _ in range(4))
    return {"x1": x1, "y1": y1, "x2": x2 + ((x1, y1) == (x2, y2)), "y2": y2}


def _angle(rng: random.Random, n: int, _: int) -> Params:
    return {"r": rng.randint(2, n), "angle": rng.choice(ANGLES)}


def _ring(rng: random.Random, n: int, _: int) -> Params:
    r = rng.randint(1, n - 1)
    return {"r": r, "R": rng.randint(r + 1, n)}


def _ratio(rng: random.Random, n: int, _: int) -> Params:
    a = rng.randint(2, n // 2)
    b = rng.choice([x for x in range(2, n + 1) if x != a])
    return {"a": a, "b": b, "area": rng.randint(2, 3 * n)}


class Kind(NamedTuple):
    text: str
    sample: Sampler
    value: Callable[..., list[Term]]


Q = Fraction
RECT = "A rectangle is {a} units long and {b} units wide. What is its "
BOX = "A rectangular box measures {w} by {d} by {h}. "
CYL = "has radius {r} and height {h}. What is its "
# fmt: off
KINDS: dict[str, Kind] = {
    "rectangle_area": Kind(RECT + "area?", _sides("a", "b"), lambda a, b: _num(a * b)),
    "rectangle_perimeter": Kind(RECT + "perimeter?", _sides("a", "b"),
                                lambda a, b: _num(2 * (a + b))),
    "square_area": Kind("A square has sides of length {s}. What is its area?",
                        _sides("s"), lambda s: _num(s * s)),
    "triangle_area": Kind("A triangle has base {b} and height {h}. What is its area?",
                          _triangle_base, lambda b, h: _num(b * h, Q(1, 2))),
    "pythagoras_hypotenuse": Kind(
        "A right triangle has legs of length {a} and {b}. How long is its hypotenuse?",
        _hypotenuse, lambda a, b: [surd(a * a + b * b)]),
    "pythagoras_leg": Kind(
        "A right triangle has a hypotenuse of length {c} and one leg of length {a}. "
        "How long is the other leg?", _leg, lambda c, a: [surd(c * c - a * a)]),
    "circle_area": Kind("A circle has radius {r}. What is its area?",
                        _sides("r", low=1), lambda r: _pi(r * r)),
    "circle_circumference": Kind("A circle has radius {r}. What is its circumference?",
                                 _sides("r", low=1), lambda r: _pi(2 * r)),
    "circle_area_from_diameter": Kind("A circle has diameter {d}. What is its area?",
                                      _sides("d"), lambda d: _pi(d * d, Q(1, 4))),
    "box_volume": Kind(BOX + "What is its volume?", _sides("w", "d", "h"),
                       lambda w, d, h: _num(w * d * h)),
    "cube_volume": Kind("A cube has edges of length {s}. What is its volume?",
                        _sides("s"), lambda s: _num(s**3)),
    "box_surface": Kind(BOX + "What is its total surface area?", _sides("w", "d", "h"),
                        lambda w, d, h: _num(2 * (w * d + w * h + d * h))),
    "square_diagonal": Kind("A square has sides of length {s}. How long is its diagonal?",
                            _sides("s"), lambda s: [surd(2, s)]),
    "trapezoid_area": Kind(
        "A trapezoid has parallel sides of length {a} and {b} and height {h}. What is its area?",
        _sides("a", "b", "h"), lambda a, b, h: _num((a + b) * h, Q(1, 2))),
    "cylinder_volume": Kind("A cylinder " + CYL + "volume?", _sides("r", "h", low=1, half="r"),
                            lambda r, h: _pi(r * r * h)),
    "similar_side": Kind(
        "Triangles ABC and DEF are similar, with A, B, C corresponding to D, E, F. "
        "AB = {a}, BC = {b}, CA = {c} and DE = {d}. What is the length of EF?",
        _similar, lambda a, b, c, d: _num(b, Q(d, a))),
    "cone_volume": Kind("A cone has base radius {r} and height {h}. What is its volume?",
                        _sides("r", "h", low=1, half="r"), lambda r, h: _pi(r * r * h, Q(1, 3))),
    "sphere_volume": Kind("A sphere has radius {r}. What is its volume?",
                          _sides("r", low=1, half="r"), lambda r: _pi(r**3, Q(4, 3))),
    "sphere_surface": Kind("A sphere has radius {r}. What is its surface area?",
                           _sides("r", low=1), lambda r: _pi(4 * r * r)),
    "equilateral_area": Kind("An equilateral triangle has sides of length {s}. What is its area?",
                             _sides("s"), lambda s: [surd(3, Q(s * s, 4))]),
    "distance": Kind("What is the distance between the points ({x1}, {y1}) and ({x2}, {y2})?",
                     _points, lambda x1, y1, x2, y2: [surd((x2 - x1) ** 2 + (y2 - y1) ** 2)]),
    "box_diagonal": Kind(
        BOX + "How long is the diagonal from one corner to the opposite corner through the box?",
        _sides("w", "d", "h", low=1), lambda w, d, h: [surd(w * w + d * d + h * h)]),
    "cylinder_surface": Kind(
        "A closed cylinder " + CYL + "total surface area, including both circular ends?",
        _sides("r", "h", low=1, half="r"), lambda r, h: _pi(2 * r * (r + h))),
    "sector_area": Kind(
        "A sector of a circle of radius {r} has a central angle of {angle} degrees. What is its "
        "area?", _angle, lambda r, angle: _pi(r * r, Q(angle, 360))),
    "arc_length": Kind(
        "An arc of a circle of radius {r} has a central angle of {angle} degrees. How long is it?",
        _angle, lambda r, angle: _pi(2 * r, Q(angle, 360))),
    "annulus_area": Kind(
        "A ring is the region between two circles with the same centre and radii {r} and {R}. "
        "What is the area of the ring?", _ring, lambda r, R: _pi(R * R - r * r)),
    "square_minus_circle": Kind(
        "A circle is inscribed in a square with sides of length {s}. What is the area of the part "
        "of the square that lies outside the circle?",
        _sides("s"), lambda s: [*_num(s * s), *_pi(-s * s, Q(1, 4))]),
    "window_area": Kind(
        "A window is a rectangle {w} wide and {h} tall with a semicircle on top whose diameter is "
        "the top side of the rectangle. What is the total area of the window?",
        _sides("w", "h"), lambda w, h: [*_num(w * h), *_pi(w * w, Q(1, 8))]),
    "similar_area": Kind(
        "Two triangles are similar. A side of the first is {a} long and the corresponding side of "
        "the second is {b} long. The first has area {area}. What is the area of the second?",
        _ratio, lambda a, b, area: _num(area, Q(b * b, a * a))),
}
LEVELS: dict[int, tuple[int, tuple[str, ...]]] = {  # level: (largest side, kinds)
    1: (12, ("rectangle_area", "rectangle_perimeter", "square_area", "triangle_area",
             "pythagoras_hypotenuse")),
    2: (20, ("triangle_area", "circle_area", "circle_circumference", "box_volume", "cube_volume",
             "pythagoras_leg")),
    3: (25, ("pythagoras_hypotenuse", "square_diagonal", "trapezoid_area", "cylinder_volume",
             "circle_area_from_diameter", "box_surface", "similar_side")),
    4: (30, ("cone_volume", "sphere_volume", "sphere_surface", "equilateral_area",
             "pythagoras_leg", "similar_side", "distance")),
    5: (40, ("box_diagonal", "cylinder_surface", "sector_area", "arc_length", "annulus_area",
             "square_minus_circle", "window_area", "similar_area")),
}
# fmt: on


class GeometrySource(ProceduralSource):
    """Exact lengths, areas and volumes; golds may contain ``pi`` and simplified radicals."""

    family: ClassVar[str] = "geometry"

    def generate(self, rng: random.Random, difficulty: int) -> Problem:
        size, kinds = LEVELS[difficulty]
        name = rng.choice(kinds)
        kind = KINDS[name]
        params = kind.sample(rng, size, difficulty)
        return Problem(
            prompt=PROMPT.format(statement=kind.text.format(**params)),
            answer=render(kind.value(**params)),
            metadata={"answer_type": "number", "kind": name, "params": params},
        )
