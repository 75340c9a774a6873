"""A griffe extension for the API reference (mkdocstrings' python handler loads it).

It does three things griffe cannot do alone for this code base:

- **Subpackages in other folders.** ``rlvr.envs``, ``rlvr.verifiers``, ``rlvr.tasks`` and
  ``rlvr.trainers`` live in top-level folders, mapped by ``[tool.setuptools.package-dir]`` in
  ``pyproject.toml``. Griffe finds ``rlvr`` in ``rlvr/`` and would miss them; this extension
  reads the mapping and visits those folders (statically, nothing is imported) as submodules of
  ``rlvr``. From a regular (non-editable) install griffe finds them itself and they are left
  alone.
- **reST markup.** Docstrings here are prose with reST-style markup (``:class:`X` ``,
  ``:func:`~a.b` ``, ``Text::`` before a literal block); it becomes Markdown (a code span, a
  colon).
- **Pydantic fields.** A ``Field(...)`` attribute shows its default as its value, and its
  ``description`` (with its bounds, ``≥ 1``) as its docstring when it has none of its own.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from griffe import (
    Docstring,
    Expr,
    ExprCall,
    ExprKeyword,
    ExprLambda,
    Extension,
    GriffeLoader,
    Module,
    Object,
    visit,
)

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "rlvr"

_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|attr|data|obj|exc|const):`~?([^`]+)`")
_LITERAL_MARKER = re.compile(r"(?<=\S)::$", re.MULTILINE)
_LONE_MARKER = re.compile(r"^\s*::\s*$", re.MULTILINE)


def mapped_subpackages(root: Path = ROOT) -> dict[str, Path]:
    """``rlvr`` subpackages outside ``rlvr/``: ``{"verifiers": ROOT / "verifiers", ...}``."""
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: read the one table by hand
        table = re.search(r"^\[tool\.setuptools\.package-dir\]$(.*?)(?=^\[|\Z)", text, re.M | re.S)
        mapping = (
            dict(re.findall(r'^"([\w.]+)"\s*=\s*"([^"]+)"', table.group(1), re.M)) if table else {}
        )
    else:
        mapping = tomllib.loads(text).get("tool", {}).get("setuptools", {}).get("package-dir", {})
    found = {}
    for dotted, folder in mapping.items():
        parent, _, name = dotted.rpartition(".")
        if parent == PACKAGE and (root / folder / "__init__.py").is_file():
            found[name] = root / folder
    return found


def markdown_docstring(text: str) -> str:
    """reST roles as code spans (``:class:`~a.B` `` -> `` `B` ``), ``Text::`` as ``Text:``."""

    def role(match: re.Match[str]) -> str:
        target = match.group(1)
        shown = target.rsplit(".", 1)[-1] if match.group(0).count("`~") else target
        return f"`{shown}`"

    text = _ROLE.sub(role, text)
    text = _LONE_MARKER.sub("", text)
    return _LITERAL_MARKER.sub(":", text)


_BOUNDS = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤"}


def pydantic_field(value: Any) -> tuple[str | None, str | Expr | None, str] | None:
    """``(description, default, bounds)`` of a ``Field(...)`` call expression, else ``None``.

    ``default`` is the expression of the default (``None`` for a required field); ``bounds`` reads
    like ``≥ 1, ≤ 5``.
    """
    if not isinstance(value, ExprCall) or str(value.function).rsplit(".", 1)[-1] != "Field":
        return None
    positional = [arg for arg in value.arguments if not isinstance(arg, ExprKeyword)]
    keywords = {arg.name: arg.value for arg in value.arguments if isinstance(arg, ExprKeyword)}
    description = None
    if "description" in keywords:
        try:
            text = ast.literal_eval(str(keywords["description"]))
        except (ValueError, SyntaxError):
            text = None
        description = text if isinstance(text, str) else None
    default: str | Expr | None = None
    if positional and str(positional[0]) != "...":
        default = positional[0]
    elif "default" in keywords:
        default = keywords["default"]
    elif "default_factory" in keywords:
        factory = keywords["default_factory"]
        default = factory.body if isinstance(factory, ExprLambda) else f"{factory}()"
    bounds = ", ".join(
        f"{sign} {keywords[name]}" for name, sign in _BOUNDS.items() if name in keywords
    )
    return description, default, bounds


class RlvrLayout(Extension):
    """Attach the mapped subpackages to ``rlvr`` and tidy every docstring."""

    def on_package(self, *, pkg: Module, loader: GriffeLoader, **kwargs: Any) -> None:
        if pkg.name != PACKAGE:
            return
        for name, folder in mapped_subpackages().items():
            if name in pkg.members:
                continue
            subpackage = _visit(loader, name, folder / "__init__.py", pkg)
            pkg.set_member(name, subpackage)
            for parts, path in loader.finder.submodules(subpackage):
                parent: Module = subpackage
                try:
                    for part in parts[:-1]:
                        parent = parent.get_member(part)
                except KeyError:  # a folder without __init__.py: not importable
                    continue
                parent.set_member(parts[-1], _visit(loader, parts[-1], path, parent))
            loader.expand_exports(subpackage)
        _tidy(pkg)


def _visit(loader: GriffeLoader, name: str, path: Path, parent: Module) -> Module:
    code = path.read_text(encoding="utf-8-sig")
    if loader.store_source:
        loader.lines_collection[path] = code.splitlines(keepends=False)
    return visit(
        name,
        filepath=path,
        code=code,
        extensions=loader.extensions,
        parent=parent,
        docstring_parser=loader.docstring_parser,
        docstring_options=loader.docstring_options,
        lines_collection=loader.lines_collection,
        modules_collection=loader.modules_collection,
    )


def _tidy(obj: Object) -> None:
    field = pydantic_field(obj.value) if obj.is_attribute else None
    if field is not None:  # show the default, and the description as the docstring
        description, obj.value, bounds = field
        if obj.docstring is None and description:
            obj.docstring = Docstring(description, parent=obj)
        if bounds and obj.docstring is not None:
            obj.docstring.value += f" ({bounds})"
    if obj.docstring is not None:
        obj.docstring.value = markdown_docstring(obj.docstring.value)
    for member in obj.members.values():
        if not member.is_alias:
            _tidy(member)
