"""rlvr ids work through gymnasium.make once rlvr is imported, whichever is imported first."""

from __future__ import annotations

import json

import pytest

MAKE_AND_STEP = """
env = gymnasium.make("math/arithmetic-v0", difficulty=2)
prompt, info = env.reset(seed=3)
gold = info["task"].answer
_, reward, terminated, truncated, info = env.step("\\\\boxed{" + gold + "}")
print(json.dumps([type(prompt).__name__, reward, terminated, truncated, env.spec.id]))
"""


@pytest.mark.parametrize(
    "imports",
    [
        "import rlvr, gymnasium",
        "import gymnasium, rlvr",
        "import rlvr\nimport gymnasium.envs.registration as r\nimport gymnasium",
    ],
)
def test_gymnasium_make_after_import(run_python, imports):
    out = run_python(f"import json\n{imports}\n{MAKE_AND_STEP}")
    assert json.loads(out) == ["str", 1.0, True, False, "math/arithmetic-v0"]


def test_gymnasium_not_imported_by_rlvr_import(run_python):
    out = run_python(
        "import sys, rlvr; print(sorted(m for m in ('gymnasium', 'pydantic', "
        "'torch', 'transformers', 'datasets', 'sympy', 'numpy') if m in sys.modules))"
    )
    assert out.strip() == "[]"


def test_ids_registered_later_reach_gymnasium(run_python):
    code = """
import rlvr, gymnasium
rlvr.register(id="late/arith-v0", entry_point="rlvr.envs.math:make_arithmetic")
env = gymnasium.make("late/arith-v0", difficulty=5)
print(env.unwrapped.source.difficulty)
"""
    assert run_python(code).strip() == "5"


def test_gymnasium_bad_kwargs_name_the_field(run_python):
    code = """
import rlvr, gymnasium
try:
    gymnasium.make("math/arithmetic-v0", dificulty=2)
except Exception as exc:
    print(type(exc).__name__, "dificulty" in str(exc))
"""
    assert run_python(code).strip() == "ValidationError True"
