"""The code-task schema, and helpers that build tasks in it.

A code task is an ordinary :class:`rlvr.Task`:

- ``answer``: a reference solution (Python source) that passes every test.
- ``metadata["entry_point"]``: the function's name, for function-style tasks. Its absence makes
  the task program-style (read stdin, write stdout).
- ``metadata["tests"]``: a list of ``{"input": ..., "output": ...}``. Function style: ``input``
  is the JSON list of positional arguments and ``output`` the JSON result. Program style: both are
  text (stdin fed to the program, the stdout expected).
- or ``metadata["test_code"]``: assert-based tests defining ``check(candidate)`` (HumanEval's
  form), called with the candidate function; the task must then have an ``entry_point``.
- optional ``metadata["preamble"]``: source put before the candidate's code (imports, helpers,
  the signature and docstring: HumanEval's prompt), so a completion may give only a body.

Results are compared as JSON values: tuples equal lists, ``1 == 1.0`` but ``True != 1``, and
floats match within a relative tolerance of 1e-6 where the expected value is a float; an
expected integer must be matched exactly (``5.0`` counts as ``5``) (see
:mod:`rlvr.verifiers.code`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from typing import Any

FUNCTION_INSTRUCTION = (
    "Write the complete function `{entry_point}` in Python, inside one ```python code block. "
    "Use only the standard library; do not read input or print."
)
PROGRAM_INSTRUCTION = (
    "Write a complete Python program inside one ```python code block. It reads its input from "
    "standard input and prints the answer to standard output. Use only the standard library."
)


def to_json_value(value: Any) -> Any:
    """``value`` as plain JSON data (tuples become lists); raises ``ValueError`` for anything
    JSON cannot carry (sets, bytes, non-finite floats, non-string keys, other objects)."""
    text = json.dumps(value, allow_nan=False)
    return json.loads(text)


def run_reference(code: str, entry_point: str) -> Callable[..., Any]:
    """The function ``entry_point`` defined by trusted ``code`` (run in this process: only for
    the project's own reference solutions, never for model output)."""
    namespace: dict[str, Any] = {"__name__": "reference"}
    exec(compile(code, f"<reference {entry_point}>", "exec"), namespace)
    function = namespace.get(entry_point)
    if not callable(function):
        raise ValueError(f"the reference solution does not define a function {entry_point!r}")
    return function


def function_tests(code: str, entry_point: str, inputs: Sequence[Sequence[Any]]) -> list[dict]:
    """Tests ``{"input": args, "output": reference(*args)}`` for function-style tasks, the outputs
    computed by running the reference solution ``code`` on each argument list."""
    function = run_reference(code, entry_point)
    tests = []
    for args in inputs:
        args = to_json_value(list(args))
        output = function(*json.loads(json.dumps(args)))  # a fresh copy: the call may mutate
        tests.append({"input": args, "output": to_json_value(output)})
    return tests


def function_metadata(entry_point: str, tests: list[dict], **extra: Any) -> dict[str, Any]:
    """Metadata of a function-style task (validated)."""
    metadata = {"entry_point": entry_point, "tests": tests, **extra}
    validate(metadata)
    return metadata


def validate(metadata: dict[str, Any]) -> None:
    """Raise ``ValueError`` naming the problem when ``metadata`` does not follow the schema."""
    entry_point = metadata.get("entry_point")
    tests = metadata.get("tests")
    test_code = metadata.get("test_code")
    if entry_point is not None and (
        not isinstance(entry_point, str) or not entry_point.isidentifier()
    ):
        raise ValueError(f"entry_point must be a Python identifier, got {entry_point!r}")
    if (tests is None) == (test_code is None):
        raise ValueError("a code task needs exactly one of metadata['tests'] and ['test_code']")
    if test_code is not None:
        if not isinstance(test_code, str) or "def check" not in test_code:
            raise ValueError("metadata['test_code'] must be source text defining check(candidate)")
        if entry_point is None:
            raise ValueError("metadata['test_code'] needs metadata['entry_point']")
        return
    if not isinstance(tests, list) or not tests:
        raise ValueError("metadata['tests'] must be a non-empty list")
    for number, test in enumerate(tests):
        if not isinstance(test, dict) or set(test) != {"input", "output"}:
            raise ValueError(f"test {number} must be a dict with exactly 'input' and 'output'")
        if entry_point is None:
            if not isinstance(test["input"], str) or not isinstance(test["output"], str):
                raise ValueError(f"test {number}: program-style input and output must be text")
        elif not isinstance(test["input"], list):
            raise ValueError(f"test {number}: function-style input must be a list of arguments")


def values_match(got: Any, expected: Any, rel_tol: float = 1e-6) -> bool:
    """JSON-value equality: lists and dicts element by element, ``True`` only equals ``True``,
    numbers by value: an expected float within ``rel_tol`` (absolute 1e-9 near zero), an
    expected integer exactly (``5.0`` matches ``5``; ``1000005.0`` does not match ``1000000``,
    which a relative tolerance would let through)."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(got) is type(expected) and got == expected
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        if isinstance(expected, float):
            return math.isclose(got, expected, rel_tol=rel_tol, abs_tol=1e-9)
        return got == expected
    if isinstance(expected, list):
        return (
            isinstance(got, list)
            and len(got) == len(expected)
            and all(values_match(g, e, rel_tol) for g, e in zip(got, expected, strict=True))
        )
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and got.keys() == expected.keys()
            and all(values_match(got[k], expected[k], rel_tol) for k in expected)
        )
    return type(got) is type(expected) and got == expected
