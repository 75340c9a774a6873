"""Loaders for math datasets in common formats, built on :class:`rlvr.tasks.dataset.DatasetSource`.

Each loader takes ``path_or_name``: a local ``.jsonl``/``.json``/``.csv``/``.parquet`` file is read
with :meth:`DatasetSource.from_file`; anything else (a hub name such as ``"openai/gsm8k"``, or a
local dataset folder) goes to :meth:`DatasetSource.from_hub` with ``hub_split`` and the optional
``revision=`` and ``config=`` (the hub configuration, e.g. ``gsm8k("openai/gsm8k",
config="main")``). Other keyword arguments (``name``, ``test_fraction``, ``metadata_columns``, ...)
go to the ``DatasetSource`` constructor.

- :func:`gsm8k`: ``question``/``answer`` rows whose answer ends with ``#### <final answer>``; the
  gold is that final answer with thousands separators removed (``"1,234"`` -> ``"1234"``).
- :func:`math_dataset`: ``problem``/``solution`` rows (the MATH format); the gold is the content of
  the last ``\\boxed{...}`` of the solution, as written (LaTeX). Other columns such as ``level``
  and ``type`` are kept as metadata.
- :func:`qa`: any question/answer columns; numeric answers become strings.

Prompts get :data:`BOXED_SUFFIX` appended (pass ``prompt_template=None`` to keep them as they
are). The id column defaults to ``"id"`` or ``"unique_id"`` when the data has one (else ids are
``f"{name}/{row}"``). Every answer is checked when the source is built: a malformed one raises
:class:`~rlvr.errors.DatasetFormatError` naming the file (or hub dataset), the row and its id.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rlvr.errors import DatasetFormatError
from rlvr.tasks.dataset import SUPPORTED_EXTENSIONS, DatasetSource
from rlvr.verifiers.extract import find_boxed

if TYPE_CHECKING:
    import datasets

BOXED_SUFFIX = "\n\nGive the final answer in \\boxed{}."
BOXED_TEMPLATE = "{prompt}" + BOXED_SUFFIX
AUTO = "auto"
ID_COLUMNS = ("id", "unique_id")


class CheckedDatasetSource(DatasetSource):
    """A :class:`DatasetSource` that runs ``answer_transform`` on every row when it is built.

    ``id_column="auto"`` picks the first of :data:`ID_COLUMNS` the dataset has. A transform that
    raises ``ValueError`` (or ``TypeError``) becomes a ``DatasetFormatError`` naming the row.
    """

    def __init__(
        self, dataset: datasets.Dataset, *, id_column: str | None = AUTO, **kwargs: Any
    ) -> None:
        if id_column == AUTO:
            columns = getattr(dataset, "column_names", None) or ()
            id_column = next((c for c in ID_COLUMNS if c in columns), None)
        super().__init__(dataset, id_column=id_column, **kwargs)
        if self.answer_transform is None:
            return
        for row, raw in enumerate(dataset[self.answer_column]):
            try:
                self.answer_transform(raw)
            except (ValueError, TypeError) as error:
                label = f" (id {self._ids[row]!r})" if self._ids is not None else ""
                raise DatasetFormatError(
                    f"{self.origin}: row {row}{label}: column {self.answer_column!r}: {error}"
                ) from None


def is_local_file(path_or_name: str | os.PathLike[str]) -> bool:
    """Whether ``path_or_name`` names a task file (an existing file, or a task-file extension)."""
    path = Path(path_or_name)
    return path.is_file() or (path.suffix.lower() in SUPPORTED_EXTENSIONS and not path.is_dir())


def load(
    path_or_name: str | os.PathLike[str],
    *,
    hub_split: str = "train",
    config: str | None = None,
    revision: str | None = None,
    **kwargs: Any,
) -> DatasetSource:
    """A checked source from a local file or from the hub (see the module docstring).

    ``config`` is the hub dataset's configuration (``"main"`` for ``openai/gsm8k``).
    """
    if is_local_file(path_or_name):
        if config is not None or revision is not None:
            raise ValueError(f"{path_or_name}: config= and revision= apply to hub datasets only")
        return CheckedDatasetSource.from_file(path_or_name, **kwargs)
    return CheckedDatasetSource.from_hub(
        str(path_or_name), hub_split=hub_split, config=config, revision=revision, **kwargs
    )


def _plain(value: Any, what: str) -> str:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"expected {what}, got {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"expected {what}, got {value!r}")
        return str(int(value)) if value.is_integer() else repr(value)
    if not isinstance(value, str):
        raise TypeError(f"expected {what}, got {type(value).__name__}")
    return value.strip()


def gsm8k_answer(raw: Any) -> str:
    """The final answer after the last ``####``, stripped, with commas removed."""
    text = _plain(raw, "a GSM8K answer string")
    if "####" not in text:
        raise ValueError("no '####' before the final answer")
    final = text.rsplit("####", 1)[1].strip().replace(",", "")
    if not final:
        raise ValueError("empty final answer after '####'")
    return final


def math_answer(raw: Any) -> str:
    """The content of the last ``\\boxed{...}`` (or ``\\fbox{...}``) of a MATH solution."""
    boxes = find_boxed(_plain(raw, "a solution string"))
    if not boxes:
        raise ValueError("the solution has no \\boxed{...} final answer")
    if not boxes[-1]:
        raise ValueError("the last \\boxed{} of the solution is empty")
    return boxes[-1]


def qa_answer(raw: Any) -> str:
    """A gold answer as a string: text is stripped, integers and floats are written out."""
    answer = _plain(raw, "an answer")
    if not answer:
        raise ValueError("empty answer")
    return answer


def gsm8k(
    path_or_name: str | os.PathLike[str],
    *,
    split: str = "all",
    hub_split: str = "train",
    prompt_template: str | None = BOXED_TEMPLATE,
    **kwargs: Any,
) -> DatasetSource:
    """GSM8K-format rows (``question``, ``answer`` ending in ``#### 42``)."""
    return load(
        path_or_name,
        split=split,
        hub_split=hub_split,
        prompt_column="question",
        answer_column="answer",
        prompt_template=prompt_template,
        answer_transform=gsm8k_answer,
        **kwargs,
    )


def math_dataset(
    path_or_name: str | os.PathLike[str],
    *,
    split: str = "all",
    hub_split: str = "train",
    problem: str = "problem",
    solution: str = "solution",
    prompt_template: str | None = BOXED_TEMPLATE,
    **kwargs: Any,
) -> DatasetSource:
    """MATH-format rows: ``problem``, ``solution`` ending in ``\\boxed{}``, ``level``, ``type``."""
    return load(
        path_or_name,
        split=split,
        hub_split=hub_split,
        prompt_column=problem,
        answer_column=solution,
        prompt_template=prompt_template,
        answer_transform=math_answer,
        **kwargs,
    )


def qa(
    path_or_name: str | os.PathLike[str],
    *,
    question: str = "question",
    answer: str = "answer",
    split: str = "all",
    hub_split: str = "train",
    prompt_template: str | None = BOXED_TEMPLATE,
    answer_transform: Callable[[Any], Any] = qa_answer,
    **kwargs: Any,
) -> DatasetSource:
    """Any question/answer columns; the gold is the answer column as a string."""
    return load(
        path_or_name,
        split=split,
        hub_split=hub_split,
        prompt_column=question,
        answer_column=answer,
        prompt_template=prompt_template,
        answer_transform=answer_transform,
        **kwargs,
    )
