"""Loaders that turn code datasets into code tasks (:mod:`.schema`), built on
:class:`rlvr.tasks.dataset.DatasetSource`.

Each loader takes ``path_or_name``: a local ``.jsonl``/``.json``/``.csv``/``.parquet`` file is read
with :meth:`DatasetSource.from_file`; a folder written by ``Dataset.save_to_disk`` (or
``DatasetDict.save_to_disk``: ``hub_split`` picks the split) with ``datasets.load_from_disk``; an
in-memory ``datasets.Dataset`` is used as it is (filter one first to drop rows you do not want);
anything else (a hub name, a folder of data files) goes to :meth:`DatasetSource.from_hub` with
``hub_split`` and the optional ``config=`` and ``revision=``. Other keyword arguments (``name``,
``split``, ``test_fraction``, ``metadata_columns``, ``prompt_template``, ...) go to the
:class:`CodeDatasetSource` constructor.

- :func:`mbpp`: MBPP rows: ``task_id``, ``text`` (the problem; ``problem="prompt"`` for the
  sanitized configuration), ``code`` (the reference), ``test_list`` (``assert f(...) == ...``
  strings), optional ``test_setup_code`` and ``test_imports``. The entry point is the function
  the asserts call; ``test_code`` runs the imports and setup code, then a ``check(candidate)`` that
  binds the entry point's name to ``candidate`` and runs the asserts. Ids are ``"mbpp/<task_id>"``
  (``id_prefix=""`` keeps the bare task id).
- :func:`humaneval_style`: HumanEval rows: ``task_id``, ``prompt`` (signature and docstring),
  ``canonical_solution`` (the body), ``test`` (defines ``check(candidate)``), ``entry_point``. The
  row's ``prompt`` becomes the task's ``preamble``; the answer is ``prompt + canonical_solution``;
  ids are the task ids (``"HumanEval/0"``).
- :func:`contest`: stdin/stdout problems (APPS, CodeContests-like): a statement column
  (``problem="question"``), tests either as ``input_output`` (APPS: JSON text
  ``{"inputs": [...], "outputs": [...]}``) or as ``inputs``/``outputs`` lists, and optional
  ``solutions`` (reference programs; the answer is the first, ``None`` when there is none). The
  first ``max_tests`` tests are kept. APPS call-based rows (``fn_name`` in ``input_output``) are
  rejected. Ids are the ``problem_id``/``name``/``id`` column's values when there is one.

List-valued columns (``test_list``, ``test_imports``, ``solutions``, ``inputs``, ``outputs``) may be
JSON text instead, as CSV files and APPS hold them; a test input or output given as a list of lines
is joined with newlines. Columns a loader does not use are kept as metadata. Every row is converted
and checked against the schema when the source is built: a malformed row raises
:class:`~rlvr.errors.DatasetFormatError` naming the file (or dataset), the row and its id.
"""

from __future__ import annotations

import ast
import builtins
import json
import os
import textwrap
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from rlvr.errors import DatasetFormatError
from rlvr.tasks.code.schema import FUNCTION_INSTRUCTION, PROGRAM_INSTRUCTION, validate
from rlvr.tasks.dataset import DatasetSource
from rlvr.tasks.math.loaders import AUTO, is_local_file
from rlvr.types import Task

if TYPE_CHECKING:
    import datasets

ID_COLUMNS = ("task_id", "problem_id", "id", "unique_id", "name")
"""Id columns ``id_column="auto"`` looks for, in this order."""
SCHEMA_KEYS = ("entry_point", "tests", "test_code", "preamble")
MBPP_PROMPT = "{problem}\n\nYour code should pass this test:\n\n{example}\n\n{instruction}"
HUMANEVAL_PROMPT = (
    "Complete the following Python function.\n\n```python\n{code}\n```\n\n{instruction}"
)
CONTEST_PROMPT = "{problem}\n\n{instruction}"
DEFAULT_MAX_TESTS = 20
_BUILTINS = frozenset(dir(builtins))


class CodeTask(NamedTuple):
    """What a converter makes of one row: the prompt, the reference answer and the metadata."""

    prompt: str
    answer: str | None
    metadata: dict[str, Any]


Converter = Callable[[Mapping[str, Any]], CodeTask]


class CodeDatasetSource(DatasetSource):
    """A :class:`DatasetSource` whose tasks are built from whole rows by ``convert``.

    ``convert`` maps a row to a :class:`CodeTask`; it raises ``ValueError`` (or ``TypeError``) for a
    malformed row. Every row is converted and validated when the source is built, the error
    becoming a ``DatasetFormatError`` naming the row and its id. ``required`` columns must exist;
    ``metadata_columns`` defaults to the columns not in ``consumed`` (nor the id column), kept next
    to the converted metadata. ``prompt_template`` applies to the converted prompt. The prompt
    column (raw problem text) decides the train/test split. ``id_column="auto"`` picks the first
    of :data:`ID_COLUMNS` the dataset has; ``id_prefix`` goes before its values.
    """

    def __init__(
        self,
        dataset: datasets.Dataset,
        *,
        convert: Converter,
        required: Sequence[str] = (),
        consumed: Sequence[str] = (),
        id_column: str | None = AUTO,
        id_prefix: str = "",
        metadata_columns: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        columns = getattr(dataset, "column_names", None)
        columns = list(columns) if isinstance(columns, list) else []
        if id_column == AUTO:
            id_column = next((c for c in ID_COLUMNS if c in columns), None)
        if metadata_columns is None:
            used = {*consumed, *SCHEMA_KEYS, id_column}
            metadata_columns = [c for c in columns if c not in used]
        missing = [c for c in required if c not in columns]
        if columns and missing:
            where = kwargs.get("origin") or f"dataset {kwargs.get('name')!r}"
            raise DatasetFormatError(
                f"{where}: column(s) {', '.join(map(repr, missing))} not found; "
                f"the dataset has columns: {', '.join(columns)}"
            )
        super().__init__(dataset, id_column=id_column, metadata_columns=metadata_columns, **kwargs)
        self.convert = convert
        self.id_prefix = id_prefix
        self._data = dataset
        for row_index, row in enumerate(dataset):
            self._convert(row, row_index)

    def _convert(self, row: Mapping[str, Any], row_index: int) -> CodeTask:
        try:
            task = self.convert(row)
            validate(task.metadata)
        except (ValueError, TypeError) as error:
            label = ""
            if self.id_column is not None:
                label = f" (id {self.id_prefix + str(row[self.id_column])!r})"
            raise DatasetFormatError(f"{self.origin}: row {row_index}{label}: {error}") from None
        return task

    def __getitem__(self, index: int) -> Task:
        task = super().__getitem__(index)
        row_index = task.metadata["row"]
        code = self._convert(self._data[row_index], row_index)
        prompt = code.prompt
        if self.prompt_template is not None:
            prompt = self.prompt_template.replace("{prompt}", prompt)
        task_id = task.id if self.id_column is None else self.id_prefix + task.id
        metadata = {**task.metadata, **code.metadata}
        return Task(id=task_id, prompt=prompt, answer=code.answer, metadata=metadata)

    def __repr__(self) -> str:
        return f"CodeDatasetSource(name={self.name!r}, split={self.split!r}, size={len(self)})"

    @classmethod
    def from_disk(
        cls, path: str | os.PathLike[str], *, hub_split: str = "train", **kwargs: Any
    ) -> CodeDatasetSource:
        """Load a folder written by ``save_to_disk`` (``hub_split`` picks a ``DatasetDict``'s
        split); ``name=`` defaults to the path."""
        import datasets

        loaded = datasets.load_from_disk(str(path))
        where = str(path)
        if isinstance(loaded, datasets.DatasetDict):
            if hub_split not in loaded:
                raise ValueError(
                    f"{path}: no split {hub_split!r}; the dataset has: {', '.join(loaded)}"
                )
            loaded, where = loaded[hub_split], f"{path} (split {hub_split!r})"
        if len(loaded) == 0:
            raise DatasetFormatError(f"{where}: the dataset has no rows")
        kwargs.setdefault("name", str(path))
        kwargs.setdefault("origin", where)
        return cls(loaded, **kwargs)


def is_saved_dataset(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder written by ``Dataset.save_to_disk`` / ``DatasetDict``'s."""
    folder = Path(path)
    return (folder / "state.json").is_file() or (folder / "dataset_dict.json").is_file()


def load(
    path_or_name: str | os.PathLike[str] | datasets.Dataset,
    *,
    hub_split: str = "train",
    config: str | None = None,
    revision: str | None = None,
    **kwargs: Any,
) -> CodeDatasetSource:
    """A :class:`CodeDatasetSource` from a file, a saved folder, a ``Dataset`` or the hub (see the
    module docstring); ``kwargs`` go to its constructor (``convert=`` is required)."""
    import datasets

    in_memory = isinstance(path_or_name, datasets.Dataset)
    file = not in_memory and is_local_file(path_or_name)
    saved = not in_memory and not file and is_saved_dataset(path_or_name)
    if (in_memory or file or saved) and (config is not None or revision is not None):
        raise ValueError(f"{path_or_name}: config= and revision= apply to hub datasets only")
    if in_memory:
        return CodeDatasetSource(path_or_name, **kwargs)
    if file:
        return CodeDatasetSource.from_file(path_or_name, **kwargs)
    if saved:
        return CodeDatasetSource.from_disk(path_or_name, hub_split=hub_split, **kwargs)
    return CodeDatasetSource.from_hub(
        str(path_or_name), hub_split=hub_split, config=config, revision=revision, **kwargs
    )


# -- column values ------------------------------------------------------------------------------


def _text(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column)
    if not isinstance(value, str) or not value.strip():
        got = "nothing" if value is None else repr(value)[:60]
        raise ValueError(f"column {column!r} must be non-empty text, got {got}")
    return value


def json_list(value: Any, what: str) -> list[Any]:
    """``value`` as a list: a list (or tuple) as it is, text parsed as a JSON list."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise ValueError(f"{what} is not valid JSON ({error})") from None
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{what} must be a list, got {type(value).__name__}")
    return list(value)


def string_list(value: Any, what: str) -> list[str]:
    """``value`` as a list of strings (a list, or JSON text of one); ``None`` and ``""`` are
    empty."""
    if value is None or value == "":
        return []
    items = json_list(value, what)
    for number, item in enumerate(items):
        if not isinstance(item, str):
            raise ValueError(f"{what}[{number}] must be text, got {type(item).__name__}")
    return items


def _source_lines(text: str) -> str:
    return text.replace("\r\n", "\n").strip("\n")


def _compile(source: str, what: str) -> ast.Module:
    try:
        return ast.parse(source)
    except SyntaxError as error:
        raise ValueError(f"{what} is not valid Python: {error.msg} (line {error.lineno})") from None


# -- MBPP ---------------------------------------------------------------------------------------


def called_names(source: str) -> list[str]:
    """The names of the plain functions (``f(...)``, not ``m.f(...)``) that ``source`` calls, in
    order of first appearance, outermost calls first."""
    names: list[str] = []
    for node in ast.walk(_compile(source, "the test")):
        is_call = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        if is_call and node.func.id not in names:
            names.append(node.func.id)
    return names


def defined_functions(code: str) -> list[str]:
    """The names of the top-level ``def``\\ s of ``code``."""
    tree = _compile(_source_lines(code), "the reference solution")
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    return [node.name for node in tree.body if isinstance(node, functions)]


def entry_point_of(asserts: Sequence[str], code: str | None = None) -> str:
    """The function that every assert calls: the first such name that ``code`` defines at the top
    level, else the first that is not a builtin (``set``, ``len``, ``sorted``, ...)."""
    if not asserts:
        raise ValueError("no tests")
    common = called_names(asserts[0])
    for test in asserts[1:]:
        names = called_names(test)
        common = [name for name in common if name in names]
    defined = defined_functions(code) if code is not None else []
    for name in [n for n in common if n in defined] + [n for n in common if n not in _BUILTINS]:
        return name
    raise ValueError("the tests call no function (none that every assert calls)")


def _indented(test: str) -> str:
    if "\n" in test:  # re-render, so that no string literal spans lines that indenting would alter
        test = ast.unparse(_compile(test, "the test"))
    return textwrap.indent(test, "    ")


def check_source(entry_point: str, asserts: Sequence[str], setup: Sequence[str] = ()) -> str:
    """Test code for assert-style tests: the ``setup`` snippets, then a ``check(candidate)`` that
    binds ``entry_point`` to ``candidate`` and runs ``asserts``."""
    parts = [_source_lines(s) for s in setup if s.strip()]
    body = [f"    {entry_point} = candidate", *(_indented(_source_lines(a)) for a in asserts)]
    source = "\n\n".join([*parts, "def check(candidate):\n" + "\n".join(body)]) + "\n"
    _compile(source, "the test code")
    return source


def mbpp_task(row: Mapping[str, Any], *, problem: str = "text") -> CodeTask:
    """One MBPP row as a code task (see the module docstring)."""
    text = _text(row, problem)
    code = _text(row, "code")
    asserts = [a.strip() for a in string_list(row.get("test_list"), "column 'test_list'")]
    if not asserts or not all(asserts):
        raise ValueError("column 'test_list' must hold at least one test, none empty")
    entry_point = entry_point_of(asserts, code)
    setup = string_list(row.get("test_imports"), "column 'test_imports'")
    setup_code = row.get("test_setup_code")
    if setup_code is not None and not isinstance(setup_code, str):
        raise ValueError(f"column 'test_setup_code' must be text, got {type(setup_code).__name__}")
    setup.append(setup_code or "")
    prompt = MBPP_PROMPT.format(
        problem=text.strip(),
        example=asserts[0],
        instruction=FUNCTION_INSTRUCTION.format(entry_point=entry_point),
    )
    test_code = check_source(entry_point, asserts, setup)
    return CodeTask(prompt, code, {"entry_point": entry_point, "test_code": test_code})


def mbpp(
    path_or_name: str | os.PathLike[str] | datasets.Dataset,
    *,
    problem: str = "text",
    id_prefix: str = "mbpp/",
    **kwargs: Any,
) -> CodeDatasetSource:
    """MBPP rows (``text`` or ``problem=``, ``code``, ``test_list``): function-style tasks with
    assert-based ``test_code``."""
    return load(
        path_or_name,
        convert=partial(mbpp_task, problem=problem),
        prompt_column=problem,
        answer_column="code",
        required=(problem, "code", "test_list"),
        consumed=(problem, "code", "test_list", "test_setup_code", "test_imports"),
        id_prefix=id_prefix,
        **_default_name(path_or_name, kwargs, "mbpp"),
    )


# -- HumanEval ----------------------------------------------------------------------------------

HUMANEVAL_COLUMNS = ("prompt", "canonical_solution", "test", "entry_point")


def humaneval_task(row: Mapping[str, Any]) -> CodeTask:
    """One HumanEval-format row as a code task (see the module docstring)."""
    code = _text(row, "prompt")
    solution = _text(row, "canonical_solution")
    test = _text(row, "test")
    entry_point = _text(row, "entry_point").strip()
    answer = code + solution
    if entry_point not in defined_functions(answer):
        raise ValueError(f"prompt + canonical_solution defines no function {entry_point!r}")
    _compile(test, "column 'test'")
    prompt = HUMANEVAL_PROMPT.format(
        code=code.strip("\n"), instruction=FUNCTION_INSTRUCTION.format(entry_point=entry_point)
    )
    metadata = {"entry_point": entry_point, "preamble": code, "test_code": test}
    return CodeTask(prompt, answer, metadata)


def humaneval_style(
    path_or_name: str | os.PathLike[str] | datasets.Dataset, **kwargs: Any
) -> CodeDatasetSource:
    """HumanEval-format rows: function-style tasks whose preamble is the row's prompt."""
    return load(
        path_or_name,
        convert=humaneval_task,
        prompt_column="prompt",
        answer_column="canonical_solution",
        required=HUMANEVAL_COLUMNS,
        consumed=HUMANEVAL_COLUMNS,
        **_default_name(path_or_name, kwargs, "humaneval"),
    )


# -- stdin/stdout contest problems --------------------------------------------------------------


def _stdio_text(value: Any, what: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(line, str) for line in value):
        return "\n".join(value) + "\n"
    raise ValueError(f"{what} must be text (or a list of lines), got {type(value).__name__}")


def contest_tests(row: Mapping[str, Any]) -> tuple[list[Any], list[Any]]:
    """The raw test inputs and outputs of a row: from ``input_output`` when it has one, else from
    ``inputs`` and ``outputs``."""
    raw = row.get("input_output")
    if raw is not None and raw != "":
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except json.JSONDecodeError as error:
                raise ValueError(f"column 'input_output' is not valid JSON ({error})") from None
        if not isinstance(raw, Mapping) or not {"inputs", "outputs"} <= raw.keys():
            raise ValueError("column 'input_output' must be an object with inputs and outputs")
        if raw.get("fn_name"):
            raise ValueError(
                f"a call-based problem (fn_name {raw['fn_name']!r}): only standard input/output "
                "problems are supported"
            )
        inputs, outputs = raw["inputs"], raw["outputs"]
        where = "input_output"
    elif row.get("inputs") is not None or row.get("outputs") is not None:
        inputs, outputs = row.get("inputs"), row.get("outputs")
        where = "column"
    else:
        raise ValueError("no tests: the row needs 'input_output', or 'inputs' and 'outputs'")
    inputs = json_list(inputs, f"{where} 'inputs'")
    outputs = json_list(outputs, f"{where} 'outputs'")
    if len(inputs) != len(outputs):
        raise ValueError(f"{len(inputs)} test inputs but {len(outputs)} outputs")
    if not inputs:
        raise ValueError("no tests: 'inputs' is empty")
    return inputs, outputs


def contest_task(
    row: Mapping[str, Any], *, problem: str = "question", max_tests: int = DEFAULT_MAX_TESTS
) -> CodeTask:
    """One stdin/stdout row as a program-style code task (see the module docstring)."""
    text = _text(row, problem)
    inputs, outputs = contest_tests(row)
    tests = [
        {"input": _stdio_text(i, f"test {n} input"), "output": _stdio_text(o, f"test {n} output")}
        for n, (i, o) in enumerate(zip(inputs[:max_tests], outputs[:max_tests], strict=True))
    ]
    solutions = string_list(row.get("solutions"), "column 'solutions'")
    prompt = CONTEST_PROMPT.format(problem=text.strip(), instruction=PROGRAM_INSTRUCTION)
    return CodeTask(prompt, solutions[0] if solutions else None, {"tests": tests})


def contest(
    path_or_name: str | os.PathLike[str] | datasets.Dataset,
    *,
    problem: str = "question",
    max_tests: int = DEFAULT_MAX_TESTS,
    **kwargs: Any,
) -> CodeDatasetSource:
    """Stdin/stdout problems (``problem=`` column, ``input_output`` or ``inputs``/``outputs``,
    optional ``solutions``): program-style tasks with at most ``max_tests`` tests each."""
    if isinstance(max_tests, bool) or not isinstance(max_tests, int) or max_tests < 1:
        raise ValueError(f"max_tests must be a positive integer, got {max_tests!r}")
    return load(
        path_or_name,
        convert=partial(contest_task, problem=problem, max_tests=max_tests),
        prompt_column=problem,
        # the solutions are optional: the answer column DatasetSource requires is the problem's
        answer_column=problem,
        required=(problem,),
        consumed=(problem, "input_output", "inputs", "outputs", "solutions"),
        **_default_name(path_or_name, kwargs, "contest"),
    )


def _default_name(path_or_name: Any, kwargs: dict[str, Any], name: str) -> dict[str, Any]:
    """``kwargs`` with ``name`` defaulting to ``name`` for an in-memory ``Dataset`` (files and hub
    datasets are named after themselves)."""
    if not isinstance(path_or_name, (str, os.PathLike)):
        kwargs.setdefault("name", name)
    return kwargs
