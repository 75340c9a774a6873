"""A codec for the plain Python values that cross the sandbox boundary.

Values computed by untrusted code (a candidate's return value) travel as JSON built by
:func:`encode`, which accepts only objects whose type is *exactly* one of the built-in value
types (so an object overriding ``__eq__``, or a subclass of ``int`` or ``str``, is refused), and
:func:`decode` rebuilds them from that JSON with fresh built-in objects on the trusted side.

Encoding: ``None``, ``bool``, ``int``, ``str`` and lists as themselves; finite floats as
themselves; everything else as a one-key object: ``{"$float": "inf"}``, ``{"$tuple": [...]}``,
``{"$dict": [[key, value], ...]}``, ``{"$set": [...]}``, ``{"$frozenset": [...]}``,
``{"$bytes": "latin-1 text"}``, ``{"$complex": [re, im]}``. Depth, element count and integer
size are bounded, so a hostile value cannot exhaust the decoder.
"""

from __future__ import annotations

import math
from typing import Any

MAX_DEPTH = 100
MAX_ITEMS = 1_000_000
MAX_INT_DIGITS = 4_000


class PlainValueError(ValueError):
    """A value that is not plain data, or an encoding that does not decode."""


class _Budget:
    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items = 0

    def spend(self, depth: int) -> None:
        self.items += 1
        if self.items > MAX_ITEMS:
            raise PlainValueError(f"value has more than {MAX_ITEMS:,} elements")
        if depth > MAX_DEPTH:
            raise PlainValueError(f"value is nested deeper than {MAX_DEPTH} levels")


def encode(value: Any) -> Any:
    """``value`` as JSON-ready data; :class:`PlainValueError` for anything but plain data."""
    return _encode(value, 0, _Budget())


def _encode(value: Any, depth: int, budget: _Budget) -> Any:
    budget.spend(depth)
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        return _bounded_int(value)
    if kind is float:
        return value if math.isfinite(value) else {"$float": repr(value)}
    if kind is list:
        return [_encode(item, depth + 1, budget) for item in value]
    if kind is tuple:
        return {"$tuple": [_encode(item, depth + 1, budget) for item in value]}
    if kind is dict:
        return {
            "$dict": [
                [_encode(k, depth + 1, budget), _encode(v, depth + 1, budget)]
                for k, v in value.items()
            ]
        }
    if kind is set or kind is frozenset:
        items = [_encode(item, depth + 1, budget) for item in value]
        return {"$set" if kind is set else "$frozenset": items}
    if kind is bytes:
        return {"$bytes": value.decode("latin-1")}
    if kind is complex:
        return {
            "$complex": [_encode(value.real, depth, budget), _encode(value.imag, depth, budget)]
        }
    raise PlainValueError(
        f"a {kind.__name__} is not plain data (only None, bool, int, float, str, bytes, "
        "complex, list, tuple, dict, set and frozenset, exactly those types)"
    )


def decode(data: Any) -> Any:
    """The value :func:`encode` encoded, built from fresh built-in objects."""
    return _decode(data, 0, _Budget())


def _decode(data: Any, depth: int, budget: _Budget) -> Any:
    budget.spend(depth)
    kind = type(data)
    if data is None or kind is bool or kind is str or kind is float:
        return data
    if kind is int:
        return _bounded_int(data)
    if kind is list:
        return [_decode(item, depth + 1, budget) for item in data]
    if kind is not dict or len(data) != 1:
        raise PlainValueError(f"cannot decode a {kind.__name__}")
    ((tag, body),) = data.items()
    try:
        if tag == "$float" and body in ("inf", "-inf", "nan"):
            return float(body)
        if tag == "$tuple":
            return tuple(_decode(item, depth + 1, budget) for item in _list(body))
        if tag == "$dict":
            return {
                _decode(k, depth + 1, budget): _decode(v, depth + 1, budget) for k, v in _list(body)
            }
        if tag in ("$set", "$frozenset"):
            items = [_decode(item, depth + 1, budget) for item in _list(body)]
            return set(items) if tag == "$set" else frozenset(items)
        if tag == "$bytes" and type(body) is str:
            return body.encode("latin-1")
        if tag == "$complex":
            real, imag = _list(body)
            return complex(_decode(real, depth, budget), _decode(imag, depth, budget))
    except (TypeError, ValueError, UnicodeEncodeError) as error:
        raise PlainValueError(f"malformed {tag} value: {error}") from None
    raise PlainValueError(f"unknown tag {str(tag)[:20]!r}")


def _bounded_int(value: int) -> int:
    if value.bit_length() > MAX_INT_DIGITS * 3.33:
        raise PlainValueError(f"integer has more than {MAX_INT_DIGITS} digits")
    return value


def _list(body: Any) -> list:
    if type(body) is not list:
        raise PlainValueError(f"expected a list, got {type(body).__name__}")
    return body


def as_json_value(value: Any) -> Any:
    """A decoded value in the JSON shape the code-task schema compares: tuples become lists,
    dicts keep string keys; :class:`PlainValueError` for what JSON cannot hold (sets, bytes,
    complex numbers, non-finite floats, non-string keys)."""
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        if not math.isfinite(value):
            raise PlainValueError(f"{value!r} is not a JSON number")
        return value
    if kind in (list, tuple):
        return [as_json_value(item) for item in value]
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise PlainValueError("a dict with non-string keys is not a JSON object")
        return {k: as_json_value(v) for k, v in value.items()}
    raise PlainValueError(f"a {kind.__name__} is not a JSON value")
