"""The README's examples work as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_own_environment_example_runs(tmp_path):
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- tested-example: own-env -->\n```python\n(.*?)```", text, re.S)
    assert match, "the README lost its tested example"
    script = tmp_path / "own_env.py"
    script.write_text(match.group(1) + '\nprint("README example OK")\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("README example OK")
    assert len(match.group(1).strip().splitlines()) <= 30


def test_quickstart_has_exactly_two_commands_and_ci_runs_the_test_one():
    text = README.read_text(encoding="utf-8")
    section = text.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", section, re.S)
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci
