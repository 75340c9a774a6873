"""The documentation site: every page is in the nav and every nav entry exists, and the generated
environment catalogue covers every registered environment. ``mkdocs build --strict`` itself
runs in CI, not here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

import rlvr

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
HOOKS = DOCS / "hooks"


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"rlvr_docs_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def catalogue() -> ModuleType:
    return _load(HOOKS / "catalogue.py")


def _nav_pages(nav: Any) -> list[str]:
    """Every page path of an mkdocs nav (entries are paths, or {title: path or sub-nav})."""
    if isinstance(nav, str):
        return [] if "://" in nav else [nav]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in _nav_pages(value)]
    return [page for item in nav for page in _nav_pages(item)]


def test_nav_lists_every_page_and_every_entry_exists(catalogue: ModuleType) -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["docs_dir"] == "docs"
    nav = _nav_pages(config["nav"])
    pages = {
        path.relative_to(DOCS).as_posix()
        for path in DOCS.rglob("*.md")
        if HOOKS not in path.parents
    }
    assert sorted(pages - set(nav)) == [], "pages missing from the nav in mkdocs.yml"
    assert sorted(set(nav) - pages - {catalogue.PAGE}) == [], "nav entries without a page"
    assert len(nav) == len(set(nav)), "a page is listed twice in the nav"
    assert catalogue.PAGE in nav and not (DOCS / catalogue.PAGE).exists()


def test_catalogue_lists_every_environment_with_a_sample(catalogue: ModuleType) -> None:
    entries = catalogue.collect_all()
    text = catalogue.catalogue_markdown(entries)
    assert [entry.spec.id for entry in entries] == rlvr.list_envs()
    for entry in entries:
        spec = entry.spec
        assert f"{{ #{catalogue.anchor(spec.id)} }}" in text
        assert f"(#{catalogue.anchor(spec.id)})" in text  # linked from its domain's table
        if entry.reason is not None:
            assert f"No sample: {catalogue.escape(entry.reason)}" in text
            continue
        assert entry.prompt and entry.prompt.splitlines()[0][:60] in text
        if not entry.interactive:
            assert catalogue.code_span(entry.task_id) in text
    if sys.platform.startswith("linux"):
        unsampled = {
            entry.spec.id: entry.reason
            for entry in entries
            if entry.spec.source == "rlvr" and entry.reason is not None
        }
        expected = {
            entry.spec.id
            for entry in entries
            if entry.spec.source == "rlvr"
            and ("hub" in entry.spec.tags or entry.spec.missing_dependencies())
        }
        assert set(unsampled) == expected, unsampled
        assert any(entry.interactive for entry in entries)


def test_catalogue_escapes_markdown_and_html(catalogue: ModuleType) -> None:
    assert catalogue.escape("<b>a|b</b> *x* [y](z) `c` \\boxed{1}") == (
        "&lt;b&gt;a\\|b&lt;/b&gt; \\*x\\* \\[y\\]\\(z\\) \\`c\\` \\\\boxed\\{1\\}"
    )
    block = catalogue.fenced("a ```python\nb ````\nc", limit=1_000)
    assert block.startswith("`````{") and block.endswith("\n`````")
    assert catalogue.code_span("a `b` c") == "``a `b` c``"
    long = catalogue.fenced("line\n" * 1_000, limit=100)
    assert len(long) < 200 and "more characters]" in long


def test_catalogue_lists_an_env_that_fails_to_build(catalogue: ModuleType, registry: Any) -> None:
    registry.register(id="broken/env-v0", entry_point="no_such_module_xyz:make", description="x")
    (entry,) = catalogue.collect_all(registry)
    assert entry.prompt is None
    assert entry.reason is not None and "no_such_module_xyz" in entry.reason
    assert "No sample: ModuleNotFoundError" in catalogue.catalogue_markdown([entry])


def test_api_reference_sees_the_mapped_subpackages() -> None:
    griffe = pytest.importorskip("griffe")
    layout = _load(HOOKS / "griffe_rlvr.py")
    assert set(layout.mapped_subpackages()) == {"envs", "verifiers", "tasks", "trainers"}
    loader = griffe.GriffeLoader(
        extensions=griffe.load_extensions(layout.RlvrLayout()), search_paths=[ROOT]
    )
    loader.load("rlvr")
    modules = loader.modules_collection
    assert "worker pool" in modules["rlvr.verifiers.get"].docstring.value
    assert modules["rlvr.trainers.config.GRPOConfig"].members["steps"].docstring is not None
    assert ":class:" not in modules["rlvr.make"].docstring.value
