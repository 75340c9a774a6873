"""``rlvr new-env``: names, the files it writes, refusals, and the tutorial followed for real.

The end-to-end test runs the shell commands of docs/new-environment.md in order: it scaffolds a
package, pip-installs it into a temporary folder (no network), and with that folder on the path
``rlvr list`` shows the new id, ``rlvr check`` passes and the package's own tests pass.
"""

from __future__ import annotations

import os
import re
import runpy
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rlvr.cli.main import main
from rlvr.scaffold import ScaffoldError, new_env, validate_domain, validate_name

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "new-environment.md"
NAME, ENV_ID = "my-puzzles", "custom/my-puzzles-v0"
FILES = {
    ".gitignore",
    "README.md",
    "pyproject.toml",
    "my_puzzles/__init__.py",
    "my_puzzles/catalogue.py",
    "my_puzzles/envs.py",
    "my_puzzles/tasks.py",
    "my_puzzles/verifier.py",
    "tests/test_env.py",
}

TUTORIAL_COMMANDS = [
    ["rlvr", "new-env", "my-puzzles"],
    ["pip", "install", "-e", "./my-puzzles"],
    ["rlvr", "list", "--domain", "custom"],
    ["rlvr", "sample", ENV_ID, "-n", "2", "--difficulty", "3"],
    ["rlvr", "check", ENV_ID],
    ["pytest", "my-puzzles/tests"],
    ["pip", "install", "build", "twine"],
    ["python", "-m", "build", "my-puzzles"],
    ["twine", "upload", "my-puzzles/dist/*"],
]
"""The shell commands of the tutorial, in order (asserted below, so they cannot drift)."""
PUBLISHING = TUTORIAL_COMMANDS[-3:]
"""Not run here: they need the network and a PyPI account."""


def tutorial_commands(text: str) -> list[list[str]]:
    """The commands of every ```bash block of ``text``, split as a shell would."""
    blocks = re.findall(r"^```bash\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
    lines = "\n".join(blocks).replace("\\\n", " ").splitlines()
    return [words for line in lines if (words := shlex.split(line, comments=True))]


def test_the_tutorial_has_exactly_the_commands_tested_here() -> None:
    assert tutorial_commands(TUTORIAL.read_text(encoding="utf-8")) == TUTORIAL_COMMANDS


@pytest.mark.parametrize(
    "name", ["my-puzzles", "a", "sum2", "x-1-y", "puzzles-v2", "a" * 40, "rlvr-sums"]
)
def test_valid_names(name: str) -> None:
    assert validate_name(name) == name


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "use lowercase letters"),
        ("My-Puzzles", "use lowercase letters"),
        ("my_puzzles", "use lowercase letters"),
        ("my puzzles", "use lowercase letters"),
        ("-puzzles", "use lowercase letters"),
        ("puzzles-", "use lowercase letters"),
        ("my--puzzles", "use lowercase letters"),
        ("2048", "use lowercase letters"),
        ("café", "use lowercase letters"),
        ("a" * 41, "41 characters, over 40"),
        ("json", "a module of the standard library"),
        ("class", "a Python keyword"),
        ("rlvr", "a module of rlvr or the tests folder"),
        ("tests", "a module of rlvr or the tests folder"),
    ],
)
def test_invalid_names_say_why(name: str, reason: str) -> None:
    with pytest.raises(ScaffoldError, match=re.escape(reason)) as caught:
        validate_name(name)
    assert repr(name) in str(caught.value)


@pytest.mark.parametrize(
    ("domain", "ok"),
    [
        ("custom", True),
        ("math", True),
        ("my_domain2", True),
        ("Math", False),
        ("a-b", False),
        ("a/b", False),
        ("", False),
        ("d" * 21, False),
    ],
)
def test_domain_validation(domain: str, ok: bool) -> None:
    if ok:
        assert validate_domain(domain) == domain
    else:
        with pytest.raises(ScaffoldError, match="invalid domain"):
            validate_domain(domain)


def test_files_written(tmp_path: Path) -> None:
    tomllib = pytest.importorskip("tomllib")
    scaffold = new_env(NAME, tmp_path, domain="puzzles")
    root = tmp_path / NAME
    assert (scaffold.root, scaffold.env_id) == (root, "puzzles/my-puzzles-v0")
    written = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert written == FILES == {p.relative_to(root).as_posix() for p in scaffold.files}
    project = tomllib.loads((root / "pyproject.toml").read_text())
    assert project["project"]["name"] == NAME
    assert project["project"]["dependencies"] == ["rlvr>=0.1.0"]
    assert project["project"]["entry-points"] == {
        "rlvr.envs": {"my_puzzles": "my_puzzles.catalogue:ENVS"},
        "rlvr.verifiers": {NAME: "my_puzzles.verifier:SumVerifier"},
    }
    assert project["tool"]["setuptools"]["packages"] == ["my_puzzles"]
    envs = runpy.run_path(str(root / "my_puzzles" / "catalogue.py"))["ENVS"]
    assert [(e["id"], e["entry_point"], e["difficulty"]) for e in envs] == [
        ("puzzles/my-puzzles-v0", "my_puzzles.envs:make_env", [1, 5])
    ]
    readme = (root / "README.md").read_text()
    assert "pip install -e ." in readme and "rlvr check puzzles/my-puzzles-v0" in readme
    assert not re.search(r"@[A-Z_]+@", "".join(p.read_text() for p in scaffold.files))


def test_refuses_a_non_empty_directory_without_force(tmp_path: Path) -> None:
    (tmp_path / NAME).mkdir()
    new_env(NAME, tmp_path)  # an empty folder is fine
    notes = tmp_path / NAME / "NOTES.txt"
    notes.write_text("mine")
    tasks = tmp_path / NAME / "my_puzzles" / "tasks.py"
    tasks.write_text("# edited")
    with pytest.raises(ScaffoldError, match="already exists and is not empty: pass --force"):
        new_env(NAME, tmp_path)
    assert tasks.read_text() == "# edited"
    new_env(NAME, tmp_path, force=True)
    assert "class SumSource" in tasks.read_text()
    assert notes.read_text() == "mine"


def test_refuses_ids_and_verifier_names_in_use(tmp_path: Path) -> None:
    with pytest.raises(ScaffoldError, match=r"math/arithmetic-v0 is already registered \(by rlvr"):
        new_env("arithmetic", tmp_path, domain="math")
    with pytest.raises(ScaffoldError, match="a verifier named 'exact' already exists"):
        new_env("exact", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new-env", NAME, "--domain", "puzzles"]) == 0
    out = capsys.readouterr().out
    assert "Created my-puzzles/ with the environment puzzles/my-puzzles-v0:" in out
    assert "  my_puzzles/verifier.py\n" in out
    assert "  2. pip install -e ./my-puzzles\n" in out
    assert "  4. rlvr check puzzles/my-puzzles-v0\n" in out
    assert main(["new-env", NAME, "--dir", "sub"]) == 0
    assert (tmp_path / "sub" / NAME / "pyproject.toml").is_file()
    capsys.readouterr()
    assert main(["new-env", NAME]) == 2
    assert "pass --force" in capsys.readouterr().err
    assert main(["new-env", NAME, "--force"]) == 0
    capsys.readouterr()
    assert main(["new-env", "My_Puzzles"]) == 2
    assert "rlvr new-env: error: invalid environment name 'My_Puzzles'" in capsys.readouterr().err


def _tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def test_generated_files_are_ruff_clean(tmp_path: Path) -> None:
    ruff = _tool("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    for name, domain in [(NAME, "custom"), ("a" * 38 + "-b", "d" * 20)]:  # the longest lines
        root = new_env(name, tmp_path, domain=domain).root
        for command in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
            result = subprocess.run([ruff, *command], cwd=root, capture_output=True, text=True)
            assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_the_tutorial_end_to_end(tmp_path: Path) -> None:
    site = tmp_path / "site"
    paths = [str(site), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    rlvr_script = _tool("rlvr")
    rlvr = [rlvr_script] if rlvr_script else [sys.executable, "-m", "rlvr.cli.main"]

    def run(words: list[str]) -> str:
        if words[0] == "rlvr":
            argv = [*rlvr, *words[1:]]
        elif words[:3] == ["pip", "install", "-e"]:  # offline, into a folder on PYTHONPATH
            argv = [sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps"]
            argv += ["--no-build-isolation", "--target", str(site), words[3]]
        elif words[0] == "pytest":
            argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *words[1:]]
        else:
            raise AssertionError(f"the test does not know how to run {shlex.join(words)}")
        result = subprocess.run(
            argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, f"{shlex.join(words)}:\n{result.stdout}{result.stderr}"
        return result.stdout

    outputs = {
        shlex.join(words): run(words) for words in TUTORIAL_COMMANDS if words not in PUBLISHING
    }
    assert f"Created {NAME}/ with the environment {ENV_ID}" in outputs["rlvr new-env my-puzzles"]
    assert list(site.glob("my_puzzles-0.1.0.dist-info"))
    listed = outputs["rlvr list --domain custom"]
    assert "1 environments" in listed and ENV_ID in listed and "my-puzzles" in listed
    sampled = outputs[f"rlvr sample {ENV_ID} -n 2 --difficulty 3"]
    assert sampled.count("Add these numbers:") == 2 and "my-puzzles/s0/d3/" in sampled
    assert f"OK {ENV_ID} passes every check" in outputs[f"rlvr check {ENV_ID}"]
    assert re.search(r"\b10 passed\b", outputs["pytest my-puzzles/tests"])
