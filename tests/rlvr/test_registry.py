from __future__ import annotations

import textwrap

import pytest

import rlvr
from rlvr.errors import DependencyNotInstalled, EnvNotFound, InvalidEnvId, VersionNotFound
from rlvr.registry import PluginWarning, Registry
from rlvr.spec import EnvSpec

TOY_MODULE = textwrap.dedent("""
    from rlvr import verifiers
    from rlvr.envs import TextEnv
    from rlvr.tasks.base import check_index
    from rlvr.types import Task

    class Source:
        name = "toy"
        def __len__(self):
            return 2
        def __getitem__(self, i):
            i = check_index(i, 2, "toy")
            return Task(id=f"toy/{i}", prompt=f"say {i}", answer=str(i))

    def make(greeting="hi", render_mode=None):
        env = TextEnv(Source(), verifiers.get("exact", bounded=False), render_mode=render_mode)
        env.greeting = greeting
        return env
""")


@pytest.fixture
def toy_module(tmp_path, monkeypatch):
    name = f"toy_envs_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{name}.py").write_text(TOY_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


def test_register_make_and_list(registry, toy_module):
    registry.register(id="toy/say-v0", entry_point=f"{toy_module}:make", kwargs={"greeting": "yo"})
    registry.register(EnvSpec(id="toy/say-v1", entry_point=f"{toy_module}:make"))
    registry.register(EnvSpec(id="other/say-v0", entry_point=f"{toy_module}:make"))
    assert registry.ids() == ["other/say-v0", "toy/say-v0", "toy/say-v1"]
    assert registry.ids("toy") == ["toy/say-v0", "toy/say-v1"]
    env = registry.make("toy/say-v0")
    assert env.greeting == "yo"  # registered default
    assert registry.make("toy/say-v0", greeting="hey").greeting == "hey"  # call kwargs win
    assert env.spec.id == "toy/say-v0" and env.rlvr_spec.source == "user"
    prompt, info = env.reset(options={"index": 1})
    assert prompt == "say 1" and info["task"].answer == "1"


def test_unknown_ids_suggest_close_matches(registry, toy_module):
    registry.register(id="math/arithmetic-v0", entry_point=f"{toy_module}:make")
    with pytest.raises(EnvNotFound, match="Did you mean math/arithmetic-v0"):
        registry.spec("math/arithmetc-v0")
    with pytest.raises(VersionNotFound, match="math/arithmetic-v0"):
        registry.spec("math/arithmetic-v3")
    with pytest.raises(EnvNotFound, match="rlvr list"):
        registry.spec("zzz/qqq-v0")
    with pytest.raises(InvalidEnvId):
        registry.make("arithmetic")


def test_duplicate_registration_needs_override(registry, toy_module):
    registry.register(id="toy/say-v0", entry_point=f"{toy_module}:make")
    registry.register(id="toy/say-v0", entry_point=f"{toy_module}:make")  # identical: fine
    with pytest.raises(ValueError, match="already registered"):
        registry.register(id="toy/say-v0", entry_point=f"{toy_module}:other")
    registry.register(id="toy/say-v0", entry_point=f"{toy_module}:other", override=True)
    assert registry.spec("toy/say-v0").entry_point.endswith(":other")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"id": "bad id", "entry_point": "m:f"}, "domain/name-vN"),
        ({"id": "a/b-v0", "entry_point": "no_colon"}, "module:factory"),
        ({"id": "a/b-v0", "entry_point": "m:f", "reward_kind": "fuzzy"}, "reward_kind"),
        ({"id": "a/b-v0", "entry_point": "m:f", "difficulty": (5, 1)}, "difficulty"),
        ({"id": "a/b-v0", "entry_point": "m:f", "colour": "red"}, "colour"),
    ],
)
def test_bad_specs_are_rejected(registry, fields, message):
    with pytest.raises((ValueError, InvalidEnvId), match=message):
        registry.register(**fields)


def test_missing_dependency_names_the_install(registry, toy_module):
    registry.register(
        id="toy/heavy-v0",
        entry_point=f"{toy_module}:make",
        requires=("surely_not_installed_pkg",),
        install_hint="pip install 'rlvr[x]'",
    )
    spec = registry.spec("toy/heavy-v0")
    assert spec.missing_dependencies() == ["surely_not_installed_pkg"]
    assert spec.to_dict()["available"] is False
    with pytest.raises(DependencyNotInstalled, match=r"pip install 'rlvr\[x\]'"):
        registry.make("toy/heavy-v0")
    assert "toy/heavy-v0" in registry.ids()  # still listed


def test_catalogue_loading_and_broken_plugins(registry, toy_module, monkeypatch):
    loaded = registry.load_catalogue(
        lambda: [{"id": "toy/a-v0", "entry_point": f"{toy_module}:make", "difficulty": [1, 2]}],
        source="toy-dist",
    )
    assert [s.id for s in loaded] == ["toy/a-v0"]
    assert registry.spec("toy/a-v0").source == "toy-dist"
    assert registry.spec("toy/a-v0").difficulty == (1, 2)
    with pytest.raises(TypeError, match="sequence"):
        registry.load_catalogue("toy/b-v0", source="x")

    class BrokenEntryPoint:
        name, value, dist = "broken", "broken_pkg:ENVS", None

        def load(self):
            raise ImportError("No module named 'broken_pkg'")

    monkeypatch.setattr("rlvr.registry.entry_points", lambda group: [BrokenEntryPoint()])
    with pytest.warns(PluginWarning, match="broken_pkg"):
        registry.load_plugins()
    assert "broken" in registry.plugin_errors
    assert registry.ids() == ["toy/a-v0"]


def test_global_registry_lists_builtins():
    ids = rlvr.list_envs()
    assert {"math/arithmetic-v0", "math/word-problems-v0"} <= set(ids)
    assert rlvr.list_envs("math") == [i for i in ids if i.startswith("math/")]
    assert rlvr.spec("math/arithmetic-v0").difficulty == (1, 5)


def test_fresh_registry_is_isolated(registry):
    assert len(registry) == 0 and registry.ids() == []
    assert isinstance(registry, Registry)
