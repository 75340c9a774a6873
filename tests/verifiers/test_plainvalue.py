"""The plain-value codec: exact types only, faithful round trips, bounded decoding."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr.verifiers import plainvalue
from rlvr.verifiers.plainvalue import PlainValueError, as_json_value, decode, encode

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.binary(max_size=20)
    | st.complex_numbers(allow_nan=False)
)
hashables = st.none() | st.booleans() | st.integers() | st.text(max_size=10)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.tuples(inner, inner)
        | st.dictionaries(hashables, inner, max_size=5)
        | st.sets(hashables, max_size=5)
        | st.frozensets(hashables, max_size=5)
    ),
    max_leaves=30,
)


def same(a, b) -> bool:
    """Equality that also checks types all the way down (1 == True == 1.0 would hide bugs)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


@settings(max_examples=300, deadline=None)
@given(values)
def test_round_trip_through_json_keeps_types(value):
    assert same(decode(json.loads(json.dumps(encode(value)))), value)


@pytest.mark.parametrize("special", [math.inf, -math.inf])
def test_non_finite_floats_round_trip(special):
    assert decode(json.loads(json.dumps(encode(special)))) == special
    assert math.isnan(decode(encode(math.nan)))


class Sneaky:
    def __eq__(self, other):
        return True


class SlyInt(int):
    def __eq__(self, other):
        return True


class SlyStr(str):
    pass


@pytest.mark.parametrize(
    "value",
    [
        Sneaky(),
        SlyInt(3),
        SlyStr("x"),
        [1, Sneaky()],
        {"k": SlyInt(1)},
        (1, {2, 3}, SlyStr("y")),
        object,
        len,
        range(3),
        bytearray(b"x"),
    ],
)
def test_anything_but_exact_builtin_types_is_refused(value):
    with pytest.raises(PlainValueError):
        encode(value)


def test_depth_and_size_are_bounded():
    deep: list = []
    for _ in range(plainvalue.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(PlainValueError, match="nested deeper"):
        encode(deep)
    with pytest.raises(PlainValueError, match="nested deeper"):
        decode(json.loads(json.dumps(deep)))
    with pytest.raises(PlainValueError, match="digits"):
        encode(10 ** (plainvalue.MAX_INT_DIGITS + 10))
    with pytest.raises(PlainValueError, match="elements"):
        decode([0] * (plainvalue.MAX_ITEMS + 1))


@pytest.mark.parametrize(
    "data",
    [
        {"$tuple": 3},
        {"$eval": "1"},
        {"a": 1, "b": 2},
        {"$float": "1e999x"},
        {"$complex": [1]},
        {"$bytes": "\u0394"},
    ],
)
def test_malformed_encodings_raise_plain_value_error(data):
    with pytest.raises(PlainValueError):
        decode(data)


def test_as_json_value_normalises_like_the_schema():
    assert as_json_value((1, [2, (3,)], {"a": (4,)})) == [1, [2, [3]], {"a": [4]}]
    for bad in ({1, 2}, b"x", 1j, math.inf, {1: 2}):
        with pytest.raises(PlainValueError):
            as_json_value(bad)
