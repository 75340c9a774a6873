"""``rlvr new-env NAME``: write a pip-installable package with one environment, ready to edit.

The package holds a seeded procedural task generator, a verifier with known-bad completions, the
factory joining them, the catalogue rlvr discovers through the ``rlvr.envs`` entry point, and tests
that run ``rlvr check`` on it. The templates are in :mod:`rlvr.scaffold_templates`.
"""

from __future__ import annotations

import keyword
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from rlvr.errors import RlvrError

DEFAULT_DOMAIN = "custom"
NAME_RE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
DOMAIN_RE = re.compile(r"[a-z][a-z0-9_]*")
MAX_NAME_CHARS = 40
MAX_DOMAIN_CHARS = 20
RESERVED = frozenset({"rlvr", "envs", "tasks", "verifiers", "trainers", "tests"})
"""Module names a generated package must not take: rlvr, its source folders, tests."""


class ScaffoldError(RlvrError, ValueError):
    """``rlvr new-env`` was given a bad name or domain, or would overwrite a folder."""


def validate_name(name: str) -> str:
    """Return ``name`` if it can name the package, its module and its id; else raise."""
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise ScaffoldError(
            f"invalid environment name {name!r}: use lowercase letters, digits and single "
            "dashes, starting with a letter and not ending with a dash (e.g. 'my-puzzles')"
        )
    if len(name) > MAX_NAME_CHARS:
        raise ScaffoldError(
            f"invalid environment name {name!r}: {len(name)} characters, over {MAX_NAME_CHARS}"
        )
    module = module_name(name)
    clashes = {
        "a Python keyword": keyword.iskeyword(module),
        "a module of rlvr or the tests folder": module in RESERVED,
        "a module of the standard library": module in sys.stdlib_module_names,
    }
    for clash, hit in clashes.items():
        if hit:
            raise ScaffoldError(
                f"invalid environment name {name!r}: its module {module!r} is {clash}; "
                "pick another name"
            )
    return name


def validate_domain(domain: str) -> str:
    """Return ``domain`` if it can be the first part of an id (``DOMAIN/NAME-v0``); else raise."""
    if not isinstance(domain, str) or not DOMAIN_RE.fullmatch(domain):
        raise ScaffoldError(
            f"invalid domain {domain!r}: use lowercase letters, digits and underscores, "
            "starting with a letter (e.g. 'custom', 'math', 'logic')"
        )
    if len(domain) > MAX_DOMAIN_CHARS:
        raise ScaffoldError(
            f"invalid domain {domain!r}: {len(domain)} characters, over {MAX_DOMAIN_CHARS}"
        )
    return domain


def module_name(name: str) -> str:
    """The importable module of the package ``name``: ``my-puzzles`` -> ``my_puzzles``."""
    return name.replace("-", "_")


@dataclass(frozen=True)
class Scaffold:
    """What :func:`new_env` wrote: the package folder, the id and the files (sorted)."""

    name: str
    env_id: str
    root: Path
    files: tuple[Path, ...]

    @property
    def module(self) -> str:
        return module_name(self.name)

    def next_steps(self) -> str:
        """The commands to run next, as text to print."""
        folder = _shown(self.root)
        tests = _shown(self.root / "tests")
        domain = self.env_id.partition("/")[0]
        return "\n".join(
            [
                "Next steps:",
                f"  1. edit the generator {_shown(self.root / self.module / 'tasks.py')}",
                f"     and the verifier {_shown(self.root / self.module / 'verifier.py')}",
                f"  2. pip install -e {folder}",
                f"  3. rlvr list --domain {domain}      # shows {self.env_id}",
                f"  4. rlvr check {self.env_id}",
                f"  5. pytest {tests}",
                "See docs/new-environment.md in rlvr for the walk-through.",
            ]
        )


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is below it, quoted for a shell."""
    try:
        relative = path.resolve().relative_to(Path.cwd().resolve())
        text = f"./{relative.as_posix()}"
    except ValueError:
        text = str(path)
    return shlex.quote(text)


def render(name: str, domain: str = DEFAULT_DOMAIN) -> dict[str, str]:
    """The generated files as ``{relative path: text}``, for ``name`` in ``domain``."""
    from rlvr import __version__
    from rlvr.scaffold_templates import FILES

    validate_name(name)
    validate_domain(domain)
    values = {
        "@NAME@": name,
        "@MODULE@": module_name(name),
        "@DOMAIN@": domain,
        "@ENV_ID@": f"{domain}/{name}-v0",
        "@RLVR_VERSION@": __version__,
    }

    def fill(template: str) -> str:
        for key, value in values.items():
            template = template.replace(key, value)
        return template

    return {fill(path): fill(template) for path, template in FILES.items()}


def _check_not_taken(name: str, env_id: str) -> None:
    """Refuse an id or a verifier name that rlvr or another installed package already uses."""
    from importlib.metadata import entry_points

    from rlvr import verifiers
    from rlvr.registry import default_registry

    registry = default_registry()
    if env_id in registry and registry.spec(env_id).source != name:
        raise ScaffoldError(
            f"{env_id} is already registered (by {registry.spec(env_id).source}): pick "
            "another name or --domain"
        )
    ours = any(
        ep.dist is not None and ep.dist.name == name
        for ep in entry_points(group=verifiers.ENTRY_POINT_GROUP, name=name)
    )
    if name in verifiers.names() and not ours:
        raise ScaffoldError(
            f"a verifier named {name!r} already exists (see rlvr.verifiers.names()), and the "
            "new package registers its verifier under its own name: pick another name"
        )


def new_env(
    name: str,
    directory: str | Path = ".",
    *,
    domain: str = DEFAULT_DOMAIN,
    force: bool = False,
) -> Scaffold:
    """Write the package of the environment ``DOMAIN/NAME-v0`` into ``directory/NAME``.

    An existing non-empty ``directory/NAME`` is refused unless ``force``; with ``force`` the
    generated files replace files of the same name and other files are left alone.
    """
    files = render(name, domain)
    env_id = f"{domain}/{name}-v0"
    root = Path(directory) / name
    if root.exists() and not root.is_dir():
        raise ScaffoldError(f"{root} exists and is not a directory")
    if root.is_dir() and any(root.iterdir()) and not force:
        raise ScaffoldError(
            f"{root} already exists and is not empty: pass --force to write into it "
            "(files of the same name are overwritten)"
        )
    _check_not_taken(name, env_id)
    written = []
    try:
        for relative, text in sorted(files.items()):
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as error:
        where = error.filename or root
        raise ScaffoldError(f"could not write {where}: {error.strerror}") from error
    return Scaffold(name=name, env_id=env_id, root=root, files=tuple(written))
