from __future__ import annotations

import pytest

from rlvr.errors import InvalidEnvId
from rlvr.ids import EnvId, parse_env_id


@pytest.mark.parametrize(
    ("env_id", "expected"),
    [
        ("math/arithmetic-v0", EnvId("math", "arithmetic", 0)),
        ("logic/sudoku-v12", EnvId("logic", "sudoku", 12)),
        ("code/human-eval-v1", EnvId("code", "human-eval", 1)),
        ("my_pkg/thing.x-v3", EnvId("my_pkg", "thing.x", 3)),
    ],
)
def test_parse_valid_ids(env_id, expected):
    parsed = parse_env_id(env_id)
    assert parsed == expected
    assert str(parsed) == env_id
    assert parsed.base == env_id.rsplit("-v", 1)[0]


@pytest.mark.parametrize(
    "env_id",
    [
        "arithmetic-v0",
        "math/arithmetic",
        "math/arithmetic-v",
        "math/-v0",
        "/x-v0",
        "math/arith metic-v0",
        "a/b/c-v0",
        "",
        "math/arithmetic-vx",
    ],
)
def test_parse_invalid_ids(env_id):
    with pytest.raises(InvalidEnvId, match="domain/name-vN"):
        parse_env_id(env_id)


def test_non_string_id():
    with pytest.raises(InvalidEnvId, match="string"):
        parse_env_id(3)  # type: ignore[arg-type]
