"""A task source over a Hugging Face ``datasets.Dataset``, a local task file, or a hub dataset.

Rows are split into train and test by a stable hash of the normalised prompt text, so identical
prompts always land on the same side and the split does not depend on row order or on
``PYTHONHASHSEED``. ``datasets`` is imported only when a source is built.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rlvr.errors import DatasetFormatError, DependencyNotInstalled
from rlvr.tasks.base import check_index
from rlvr.types import Task

if TYPE_CHECKING:
    import datasets

SPLITS = ("all", "train", "test")
SUPPORTED_EXTENSIONS = (".jsonl", ".json", ".csv", ".parquet")
MAX_LINE_BYTES = 10 * 1024 * 1024
_RESERVED = ("source", "row", "split")


def _datasets() -> Any:
    try:
        import datasets
    except ImportError as error:
        raise DependencyNotInstalled(
            "dataset-backed task sources need the `datasets` package: pip install datasets"
        ) from error
    return datasets


def normalise_prompt(text: str) -> str:
    """Strip, collapse runs of whitespace to one space and casefold."""
    return re.sub(r"\s+", " ", text.strip()).casefold()


def is_test_prompt(text: str, test_fraction: float) -> bool:
    """Whether a prompt belongs to the test split: ``blake2b(normalised) / 2**64 < fraction``."""
    digest = hashlib.blake2b(normalise_prompt(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < test_fraction


class DatasetSource:
    """Tasks read from the rows of a ``datasets.Dataset``, optionally restricted to one split.

    Task ids are the ``id_column`` values (as ``str``) when given, else ``f"{name}/{row}"`` where
    ``row`` indexes the full, unsplit dataset. ``origin`` (a file path or hub name) is named in
    error messages.
    """

    def __init__(
        self,
        dataset: datasets.Dataset,
        *,
        name: str,
        prompt_column: str = "question",
        answer_column: str = "answer",
        id_column: str | None = None,
        metadata_columns: Sequence[str] | None = None,
        prompt_template: str | None = None,
        answer_transform: Callable[[Any], Any] | None = None,
        split: str = "all",
        test_fraction: float = 0.2,
        origin: str | None = None,
    ) -> None:
        where = origin or f"dataset {name!r}"
        if not hasattr(dataset, "column_names") or isinstance(dataset.column_names, dict):
            raise TypeError(
                f"{where}: expected a datasets.Dataset (one split), got {type(dataset).__name__}"
            )
        if split not in SPLITS:
            raise ValueError(f"{where}: split must be one of {', '.join(SPLITS)}; got {split!r}")
        if (
            isinstance(test_fraction, bool)
            or not isinstance(test_fraction, (int, float))
            or not 0 < test_fraction < 1
        ):
            raise ValueError(f"{where}: test_fraction must be in (0, 1), got {test_fraction!r}")
        if prompt_template is not None and "{prompt}" not in prompt_template:
            raise ValueError(f"{where}: prompt_template must contain '{{prompt}}'")
        columns = list(dataset.column_names)
        fixed = [prompt_column, answer_column] + ([id_column] if id_column else [])
        if metadata_columns is None:
            metadata_columns = [c for c in columns if c not in fixed]
        _check_columns([*fixed, *metadata_columns], columns, where)

        self.name = name
        self.prompt_column = prompt_column
        self.answer_column = answer_column
        self.id_column = id_column
        self.metadata_columns = tuple(metadata_columns)
        self.prompt_template = prompt_template
        self.answer_transform = answer_transform
        self.split = split
        self.test_fraction = float(test_fraction)
        self.origin = where
        self._dataset = dataset

        prompts = list(dataset[prompt_column])
        for row, prompt in enumerate(prompts):
            if not isinstance(prompt, str):
                raise DatasetFormatError(
                    f"{where}: row {row}: column {prompt_column!r} must be a string, "
                    f"got {type(prompt).__name__}"
                )
        self._is_test = [is_test_prompt(p, self.test_fraction) for p in prompts]
        self._ids: list[str] | None = None
        if id_column is not None:
            self._ids = []
            seen: dict[str, int] = {}
            for row, value in enumerate(dataset[id_column]):
                task_id = "" if value is None else str(value)
                if not task_id:
                    raise DatasetFormatError(f"{where}: row {row}: empty id in {id_column!r}")
                if task_id in seen:
                    raise DatasetFormatError(
                        f"{where}: duplicate id {task_id!r} (rows {seen[task_id]} and {row})"
                    )
                seen[task_id] = row
                self._ids.append(task_id)
        wanted = {"all": None, "train": False, "test": True}[split]
        self._rows = [r for r, t in enumerate(self._is_test) if wanted is None or t == wanted]

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> Task:
        index = check_index(index, len(self._rows), f"{self.name} ({self.split})")
        row_index = self._rows[index]
        row = self._dataset[row_index]
        prompt = row[self.prompt_column]
        if self.prompt_template is not None:
            prompt = self.prompt_template.replace("{prompt}", prompt)
        answer = row[self.answer_column]
        if self.answer_transform is not None:
            answer = self.answer_transform(answer)
        metadata = {c: row[c] for c in self.metadata_columns}
        # the source's own keys win over same-named columns
        metadata.update(
            source=self.name,
            row=row_index,
            split="test" if self._is_test[row_index] else "train",
        )
        task_id = self._ids[row_index] if self._ids is not None else f"{self.name}/{row_index}"
        return Task(id=task_id, prompt=prompt, answer=answer, metadata=metadata)

    def __repr__(self) -> str:
        return f"DatasetSource(name={self.name!r}, split={self.split!r}, size={len(self)})"

    @classmethod
    def from_file(cls, path: str | Path, **kwargs: Any) -> DatasetSource:
        """Load a local ``.jsonl``/``.json`` (JSON lines), ``.csv`` or ``.parquet`` file.

        ``name`` defaults to the file's stem; keyword arguments go to the constructor.
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"task file not found: {path}")
        suffix = path.suffix.lower()
        if suffix not in SUPPORTED_EXTENSIONS:
            raise DatasetFormatError(
                f"{path}: unsupported file type {suffix or '(none)'!r}; "
                f"supported: {', '.join(SUPPORTED_EXTENSIONS)}"
            )
        kwargs.setdefault("name", path.stem)
        kwargs.setdefault("origin", str(path))
        required = (kwargs.get("prompt_column", "question"), kwargs.get("answer_column", "answer"))
        datasets_ = _datasets()
        if suffix == ".parquet":
            try:
                dataset = datasets_.Dataset.from_parquet(str(path))
            except Exception as error:
                raise DatasetFormatError(f"{path}: cannot read parquet file: {error}") from error
        else:
            reader = _read_csv if suffix == ".csv" else _read_jsonl
            rows = reader(path, *required)
            keys = list(dict.fromkeys(key for row in rows for key in row))
            try:
                dataset = datasets_.Dataset.from_list([{k: r.get(k) for k in keys} for r in rows])
            except Exception as error:  # e.g. a column with mixed types
                raise DatasetFormatError(f"{path}: cannot build a dataset: {error}") from error
        if len(dataset) == 0:
            raise DatasetFormatError(f"{path}: the file has no rows")
        return cls(dataset, **kwargs)

    @classmethod
    def from_hub(
        cls,
        name: str,
        /,
        *,
        hub_split: str = "train",
        config: str | None = None,
        revision: str | None = None,
        **kwargs: Any,
    ) -> DatasetSource:
        """Load one split of a hub dataset (or local dataset folder); ``name=`` defaults to it.

        ``config`` is the dataset's configuration, where it has several (``"main"`` for GSM8K).
        """
        dataset = _datasets().load_dataset(name, config, split=hub_split, revision=revision)
        kwargs.setdefault("name", name)
        where = f"config {config!r}, split {hub_split!r}" if config else f"split {hub_split!r}"
        kwargs.setdefault("origin", f"{name} ({where})")
        return cls(dataset, **kwargs)


def _check_columns(wanted: Sequence[str], columns: Sequence[str], where: str) -> None:
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise ValueError(
            f"{where}: column(s) {', '.join(map(repr, missing))} not found; "
            f"the dataset has columns: {', '.join(columns) or '(none)'}"
        )


def _check_row(row: dict[str, Any], prompt: str, answer: str, where: str) -> None:
    for column in (prompt, answer):
        if column not in row:
            raise DatasetFormatError(
                f"{where}: missing column {column!r} (has: {', '.join(map(str, row))})"
            )
    if not isinstance(row[prompt], str):
        raise DatasetFormatError(
            f"{where}: column {prompt!r} must be a string, got {type(row[prompt]).__name__}"
        )


def _read_jsonl(path: Path, prompt: str, answer: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with path.open("rb") as handle:
        for number, raw in enumerate(iter(lambda: handle.readline(MAX_LINE_BYTES + 1), b""), 1):
            where = f"{path}: line {number}"
            if len(raw.rstrip(b"\r\n")) > MAX_LINE_BYTES:
                raise DatasetFormatError(f"{where}: line longer than {MAX_LINE_BYTES} bytes")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise DatasetFormatError(f"{where}: not valid UTF-8 ({error})") from None
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as error:
                raise DatasetFormatError(f"{where}: invalid JSON ({error})") from None
            if not isinstance(row, dict):
                raise DatasetFormatError(
                    f"{where}: expected a JSON object per line, got {type(row).__name__}"
                )
            _check_row(row, prompt, answer, where)
            rows.append(row)
    return rows


def _read_csv(path: Path, prompt: str, answer: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames
            if not header:
                raise DatasetFormatError(f"{path}: the file is empty (no header line)")
            _check_row(dict.fromkeys(header, ""), prompt, answer, f"{path}: line 1 (header)")
            for row in reader:
                where = f"{path}: line {reader.line_num}"
                if None in row:
                    raise DatasetFormatError(f"{where}: more fields than the header")
                if any(value is None for value in row.values()):
                    raise DatasetFormatError(f"{where}: fewer fields than the header")
                rows.append(row)
        except (csv.Error, UnicodeDecodeError) as error:
            raise DatasetFormatError(f"{path}: line {reader.line_num}: {error}") from None
    return rows
