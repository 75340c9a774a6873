"""Tests for DatasetSource: file loading, malformed input, the hash split and the shipped data."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import datasets
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rlvr.tasks.dataset as dataset_module
from rlvr.errors import DatasetFormatError, DependencyNotInstalled
from rlvr.tasks.base import TaskSource
from rlvr.tasks.data import build_word_problems
from rlvr.tasks.dataset import DatasetSource, is_test_prompt, normalise_prompt

ROWS = [
    {"id": "q-1", "question": "What is 1+1?", "answer": "2", "topic": "add"},
    {"id": "q-2", "question": "What is 2+2?", "answer": "4", "topic": "add"},
    {"id": "q-3", "question": "Spell cat.", "answer": "c-a-t", "topic": "words"},
]
WORD_PROBLEMS = build_word_problems.OUTPUT


@pytest.fixture(autouse=True)
def _private_hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep parquet and folder loads from writing into the user's Hugging Face cache."""
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict]) -> Path:
    lines = [",".join(rows[0])] + [",".join(str(v) for v in row.values()) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_parquet(path: Path, rows: list[dict]) -> Path:
    datasets.Dataset.from_list(rows).to_parquet(str(path))
    return path


def source_of(prompts: list[str], **kwargs) -> DatasetSource:
    rows = [{"id": f"id-{i}", "question": p, "answer": str(i)} for i, p in enumerate(prompts)]
    return DatasetSource(datasets.Dataset.from_list(rows), name="t", id_column="id", **kwargs)


# -- loading files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "writer"),
    [
        (".jsonl", write_jsonl),
        (".json", write_jsonl),
        (".csv", write_csv),
        (".parquet", write_parquet),
    ],
)
def test_from_file_reads_every_format(tmp_path: Path, suffix: str, writer) -> None:
    path = writer(tmp_path / f"mini{suffix}", ROWS)
    source = DatasetSource.from_file(path, id_column="id")
    assert isinstance(source, TaskSource)
    assert source.name == "mini"
    assert len(source) == 3
    tasks = [source[i] for i in range(3)]
    assert [t.id for t in tasks] == ["q-1", "q-2", "q-3"]
    assert [t.prompt for t in tasks] == ["What is 1+1?", "What is 2+2?", "Spell cat."]
    assert [t.answer for t in tasks] == ["2", "4", "c-a-t"]
    assert tasks[2].metadata == {"source": "mini", "row": 2, "split": "train", "topic": "words"}
    assert tasks[0].metadata["topic"] == "add"


def test_default_ids_use_name_and_row_and_metadata_columns_can_be_chosen(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "mini.jsonl", ROWS)
    source = DatasetSource.from_file(path, name="toy", metadata_columns=[])
    assert [source[i].id for i in range(3)] == ["toy/0", "toy/1", "toy/2"]
    assert source[1].metadata == {"source": "toy", "row": 1, "split": "train"}


def test_jsonl_rows_with_different_keys_are_merged(tmp_path: Path) -> None:
    rows = [{"question": "a?", "answer": "1"}, {"question": "b?", "answer": "2", "level": 3}]
    source = DatasetSource.from_file(write_jsonl(tmp_path / "m.jsonl", rows))
    assert source[0].metadata["level"] is None
    assert source[1].metadata["level"] == 3


# -- malformed files ----------------------------------------------------------------------------

GOOD = '{"question": "q", "answer": "a"}\n'


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (GOOD + GOOD + "{not json\n", ["line 3", "invalid JSON"]),
        (GOOD + "   \n{not json\n", ["line 3", "invalid JSON"]),  # blank lines still count
        (GOOD + "[1, 2]\n", ["line 2", "JSON object", "list"]),
        (GOOD + '"text"\n', ["line 2", "JSON object", "str"]),
        ('{"question": "q"}\n', ["line 1", "missing column 'answer'"]),
        ('{"prompt": "q", "answer": "a"}\n', ["line 1", "missing column 'question'"]),
        (GOOD + '{"question": 5, "answer": "a"}\n', ["line 2", "'question' must be a string"]),
        ("", ["no rows"]),
        ("\n\n  \n", ["no rows"]),
    ],
)
def test_malformed_jsonl_names_file_and_line(tmp_path: Path, content: str, fragments) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetFormatError) as error:
        DatasetSource.from_file(path)
    message = str(error.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message


def test_mixed_column_types_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(GOOD.replace('"a"', "2") + GOOD, encoding="utf-8")
    with pytest.raises(DatasetFormatError, match=r"mixed\.jsonl: cannot build a dataset"):
        DatasetSource.from_file(path)


def test_invalid_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bytes.jsonl"
    path.write_bytes(GOOD.encode() + b'{"question": "\xff", "answer": "a"}\n')
    with pytest.raises(DatasetFormatError, match=r"line 2: not valid UTF-8"):
        DatasetSource.from_file(path)


def test_oversized_line_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    big = json.dumps({"question": "x" * (dataset_module.MAX_LINE_BYTES + 10), "answer": "1"})
    path.write_text(GOOD + big + "\n", encoding="utf-8")
    with pytest.raises(DatasetFormatError, match=r"huge\.jsonl: line 2: line longer than"):
        DatasetSource.from_file(path)


def test_line_at_the_cap_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    line = json.dumps({"question": "q" * 40, "answer": "1"})
    monkeypatch.setattr(dataset_module, "MAX_LINE_BYTES", len(line))
    path = tmp_path / "edge.jsonl"
    path.write_text(line + "\n" + line.replace('"1"', '"2"') + "\n", encoding="utf-8")
    assert [t.answer for t in DatasetSource.from_file(path)] == ["1", "2"]
    path.write_text(line.replace('"1"', '"10"') + "\n", encoding="utf-8")
    with pytest.raises(DatasetFormatError, match="line 1: line longer than"):
        DatasetSource.from_file(path)


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ("question,answer\nq1,1\nq2,2,extra\n", ["line 3", "more fields"]),
        ("question,answer\nq1\n", ["line 2", "fewer fields"]),
        ("prompt,answer\nq1,1\n", ["line 1", "missing column 'question'"]),
        ("", ["empty"]),
        ("question,answer\n", ["no rows"]),
    ],
)
def test_malformed_csv_names_file_and_line(tmp_path: Path, content: str, fragments) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetFormatError) as error:
        DatasetSource.from_file(path)
    assert str(path) in str(error.value)
    for fragment in fragments:
        assert fragment in str(error.value)


def test_corrupt_parquet_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"this is not parquet")
    with pytest.raises(DatasetFormatError, match=r"bad\.parquet"):
        DatasetSource.from_file(path)


def test_unknown_extension_lists_the_supported_ones(tmp_path: Path) -> None:
    path = tmp_path / "tasks.txt"
    path.write_text(GOOD)
    with pytest.raises(DatasetFormatError, match=r"\.jsonl, \.json, \.csv, \.parquet"):
        DatasetSource.from_file(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nowhere\.jsonl"):
        DatasetSource.from_file(tmp_path / "nowhere.jsonl")


def test_missing_columns_name_the_file_and_list_the_columns(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "mini.jsonl", ROWS)
    with pytest.raises(ValueError, match=r"mini\.jsonl.*'uid'.*id, question, answer, topic"):
        DatasetSource.from_file(path, id_column="uid")
    with pytest.raises(ValueError, match=r"'level'"):
        DatasetSource.from_file(path, metadata_columns=["topic", "level"])


def test_duplicate_ids_are_rejected() -> None:
    rows = [*ROWS, {"id": "q-2", "question": "Other?", "answer": "0", "topic": "x"}]
    with pytest.raises(DatasetFormatError, match=r"duplicate id 'q-2' \(rows 1 and 3\)"):
        DatasetSource(datasets.Dataset.from_list(rows), name="dup", id_column="id")


def test_non_string_prompt_in_a_dataset_is_rejected() -> None:
    data = datasets.Dataset.from_list([{"question": 3, "answer": "3"}])
    with pytest.raises(DatasetFormatError, match="row 0"):
        DatasetSource(data, name="n")


def test_dataset_dict_is_rejected() -> None:
    data = datasets.DatasetDict({"train": datasets.Dataset.from_list(ROWS)})
    with pytest.raises(TypeError, match="DatasetDict"):
        DatasetSource(data, name="dd")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"split": "validation"}, "split must be one of all, train, test"),
        ({"test_fraction": 0}, "test_fraction"),
        ({"test_fraction": 1}, "test_fraction"),
        ({"test_fraction": 1.5}, "test_fraction"),
        ({"test_fraction": math.nan}, "test_fraction"),
        ({"test_fraction": True}, "test_fraction"),
        ({"prompt_template": "Solve: {question}"}, r"\{prompt\}"),
    ],
)
def test_bad_arguments_are_rejected(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        source_of(["a"], **kwargs)


def test_missing_datasets_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasets", None)
    with pytest.raises(DependencyNotInstalled, match="pip install datasets"):
        DatasetSource.from_file(write_jsonl(tmp_path / "m.jsonl", ROWS))


# -- prompts, answers, indexing -----------------------------------------------------------------


def test_prompt_template_and_answer_transform() -> None:
    rows = [{"question": "What is 6*7?", "answer": "6*7 = 42\n#### 42"}]
    source = DatasetSource(
        datasets.Dataset.from_list(rows),
        name="gsm",
        prompt_template="{prompt}\n\nGive the final answer in \\boxed{}.",
        answer_transform=lambda raw: raw.split("####")[-1].strip(),
    )
    assert source[0].prompt == "What is 6*7?\n\nGive the final answer in \\boxed{}."
    assert source[0].answer == "42"


@pytest.mark.parametrize(("index", "error"), [(3, IndexError), (-1, IndexError)])
def test_index_out_of_range(index: int, error: type) -> None:
    with pytest.raises(error, match="out of range"):
        source_of(["a", "b", "c"])[index]


@pytest.mark.parametrize("index", ["0", 1.0, None])
def test_non_int_index(index: object) -> None:
    with pytest.raises(TypeError, match="must be an int"):
        source_of(["a", "b", "c"])[index]  # type: ignore[index]


def test_numpy_index_is_accepted() -> None:
    assert source_of(["a", "b", "c"])[np.int64(2)].id == "id-2"


# -- the train/test split -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "is_test"),
    [("What is 2+2?", True), ("Spell cat.", True), ("What is 1+1?", False), ("b", False)],
)
def test_split_hash_is_pinned(prompt: str, is_test: bool) -> None:
    """A change to the hash would silently move tasks between train and test."""
    assert is_test_prompt(prompt, 0.5) is is_test


def test_normalisation() -> None:
    assert normalise_prompt("  What  is\n\t2+2? ") == "what is 2+2?"
    assert normalise_prompt("STRASSE") == normalise_prompt("straße")


def test_split_sides_cover_all_and_are_disjoint() -> None:
    prompts = [f"Problem number {i}: add {i} and {i + 1}." for i in range(300)]
    every, train, test = (source_of(prompts, split=s) for s in ("all", "train", "test"))
    train_ids = {t.id for t in train}
    test_ids = {t.id for t in test}
    assert train_ids.isdisjoint(test_ids)
    assert train_ids | test_ids == {t.id for t in every}
    assert len(every) == 300
    assert 0.12 < len(test) / 300 < 0.28
    assert all(t.metadata["split"] == "test" for t in test)
    assert all(t.metadata["split"] == "train" for t in train)
    assert all(t.metadata["row"] == int(t.id.removeprefix("id-")) for t in test)


def test_identical_prompts_land_on_the_same_side() -> None:
    variants = ["What is 2+2?", "  what is 2+2?", "WHAT IS\n2+2?", "What   is 2+2?"]
    other = ["What is 1+1?", "what is 1+1? "]
    source = source_of(variants + other, test_fraction=0.5)
    sides = [source[i].metadata["split"] for i in range(len(source))]
    assert sides == ["test"] * 4 + ["train"] * 2


@settings(max_examples=40, deadline=None)
@given(
    prompts=st.lists(st.text(max_size=20), min_size=1, max_size=25),
    fraction=st.floats(0.05, 0.95),
    data=st.data(),
)
def test_split_is_independent_of_row_order(prompts: list[str], fraction: float, data) -> None:
    rows = [{"id": f"id-{i}", "question": p, "answer": "0"} for i, p in enumerate(prompts)]
    shuffled = data.draw(st.permutations(rows))

    def ids(rows: list[dict], split: str) -> set[str]:
        data = datasets.Dataset.from_list(rows)
        source = DatasetSource(data, name="h", id_column="id", split=split, test_fraction=fraction)
        return {task.id for task in source}

    test, train = ids(rows, "test"), ids(rows, "train")
    assert ids(shuffled, "test") == test
    assert ids(shuffled, "train") == train
    assert test.isdisjoint(train)
    assert test | train == {row["id"] for row in rows}
    by_prompt: dict[str, set[bool]] = {}
    for row in rows:
        by_prompt.setdefault(normalise_prompt(row["question"]), set()).add(row["id"] in test)
    assert all(len(sides) == 1 for sides in by_prompt.values())


@pytest.mark.slow
def test_split_does_not_depend_on_pythonhashseed() -> None:
    code = (
        "import json, sys; from rlvr.tasks.dataset import DatasetSource; "
        "s = DatasetSource.from_file(sys.argv[1], id_column='id', split='test'); "
        "print(json.dumps([t.id for t in s]))"
    )
    results = []
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code, str(WORD_PROBLEMS)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        results.append(json.loads(out.stdout))
    assert results[0] == results[1]
    assert 10 < len(results[0]) < 90


@pytest.mark.slow
def test_importing_the_module_does_not_import_datasets() -> None:
    code = "import sys, rlvr, rlvr.tasks.dataset; print('datasets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the shipped word problems ------------------------------------------------------------------


def test_shipped_word_problems_load() -> None:
    source = DatasetSource.from_file(WORD_PROBLEMS, id_column="id", name="word-problems")
    tasks = list(source)
    assert len(tasks) == 200
    assert len({t.id for t in tasks}) == 200
    assert len({t.prompt for t in tasks}) == 200
    assert [t.id for t in tasks] == [f"word-problems/{i}" for i in range(200)]
    assert all(int(t.answer) > 0 and str(int(t.answer)) == t.answer for t in tasks)
    assert all(2 <= t.metadata["steps"] <= 4 for t in tasks)
    assert len({t.metadata["template"] for t in tasks}) >= 12
    train = DatasetSource.from_file(WORD_PROBLEMS, id_column="id", split="train")
    test = DatasetSource.from_file(WORD_PROBLEMS, id_column="id", split="test")
    assert len(train) + len(test) == 200


def test_builder_reproduces_the_shipped_file_byte_for_byte() -> None:
    assert build_word_problems.build_text().encode("utf-8") == WORD_PROBLEMS.read_bytes()


def test_a_shipped_answer_by_hand() -> None:
    first = json.loads(WORD_PROBLEMS.read_text(encoding="utf-8").splitlines()[0])
    assert first["template"] == "shopping"
    assert first["question"].startswith("Samuel buys 3 shirts at $20 each and 4 apples at $2")
    assert first["answer"] == str(100 - (3 * 20 + 4 * 2))


# -- from_hub -----------------------------------------------------------------------------------


def test_from_hub_reads_a_local_dataset_folder(tmp_path: Path) -> None:
    folder = tmp_path / "my-dataset"
    folder.mkdir()
    write_jsonl(folder / "train.jsonl", ROWS)
    source = DatasetSource.from_hub(str(folder), id_column="id", name="local")
    assert source.name == "local"
    assert [t.id for t in source] == ["q-1", "q-2", "q-3"]
    assert source[2].answer == "c-a-t"
    assert source[2].metadata["topic"] == "words"


def test_from_hub_passes_split_and_revision(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def fake_load_dataset(path: str, config: str | None, *, split: str, revision: str | None):
        calls.append((path, config, split, revision))
        return datasets.Dataset.from_list(ROWS)

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    source = DatasetSource.from_hub(
        "org/set", hub_split="validation", revision="abc123", split="test", test_fraction=0.5
    )
    assert calls == [("org/set", None, "validation", "abc123")]
    assert source.name == "org/set"
    assert [t.id for t in source] == ["org/set/1", "org/set/2"]
