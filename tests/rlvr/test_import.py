"""``import rlvr`` stays light: no heavy dependency and no environment code until used."""

from __future__ import annotations

import json

HEAVY = (
    "torch",
    "transformers",
    "datasets",
    "gymnasium",
    "pydantic",
    "sympy",
    "numpy",
    "rlvr.envs.text_env",
    "rlvr.tasks.math.arithmetic",
    "rlvr.tasks.dataset",
)


def test_import_rlvr_is_light(run_python):
    code = f"import sys, json, rlvr; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    assert json.loads(run_python(code)) == []


def test_listing_envs_imports_no_env_code(run_python):
    code = (
        "import sys, json, rlvr; ids = rlvr.list_envs(); "
        f"print(json.dumps([len(ids), [m for m in {HEAVY!r} if m in sys.modules]]))"
    )
    count, loaded = json.loads(run_python(code))
    assert count >= 2 and loaded == []


def test_making_an_env_imports_no_torch_or_datasets(run_python):
    code = (
        "import sys, json, rlvr; rlvr.make('math/arithmetic-v0'); "
        "print(json.dumps([m for m in ('torch', 'transformers', 'datasets') if m in sys.modules]))"
    )
    assert json.loads(run_python(code)) == []


def test_public_face():
    import rlvr

    assert set(rlvr.__all__) <= set(dir(rlvr))
    for name in rlvr.__all__:
        assert getattr(rlvr, name) is not None
    assert rlvr.verifiers.get("exact").name == "exact"
