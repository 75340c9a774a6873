"""Tests for the GSM8K, MATH and generic question/answer loaders (all offline)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import datasets
import pytest

from rlvr.errors import DatasetFormatError
from rlvr.tasks.dataset import DatasetSource
from rlvr.tasks.math import loaders
from rlvr.tasks.math.loaders import gsm8k, math_dataset, qa
from rlvr.verifiers.numbers import parse_number

FIXTURES = Path(__file__).with_name("fixtures")
GSM8K = FIXTURES / "gsm8k_mini.jsonl"
MATH = FIXTURES / "math_mini.jsonl"
SUFFIX = "\n\nGive the final answer in \\boxed{}."
GSM8K_GOLDS = ["81", "15600", "69", "251", "180", "15000", "73", "5400", "49", "1058"]
MATH_GOLDS = [
    "5",
    "\\frac{5}{6}",
    "25\\pi",
    "2",
    "56",
    "2, 3",
    "\\frac{1}{2}",
    "11",
    "\\sqrt{5}",
    "\\dfrac{3}{4}",
]


@pytest.fixture(autouse=True)
def _private_hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep parquet and folder loads from writing into the user's Hugging Face cache."""
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))


def rows_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


# -- gsm8k --------------------------------------------------------------------------------------


def test_gsm8k_fixture() -> None:
    source = gsm8k(GSM8K)
    assert isinstance(source, DatasetSource) and len(source) == 10
    tasks = list(source)
    rows = rows_of(GSM8K)
    assert [t.id for t in tasks] == [f"gsm8k_mini/{i}" for i in range(10)]
    assert [t.prompt for t in tasks] == [row["question"] + SUFFIX for row in rows]
    assert [t.answer for t in tasks] == GSM8K_GOLDS
    assert all(parse_number(t.answer) is not None for t in tasks)
    assert tasks[0].metadata == {
        "source": "gsm8k_mini",
        "row": 0,
        "split": tasks[0].metadata["split"],
    }


def test_gsm8k_answer_extraction() -> None:
    assert loaders.gsm8k_answer("3 * 4 = 12\n#### 12") == "12"
    assert loaders.gsm8k_answer("big\n####   1,234,567 ") == "1234567"
    assert loaders.gsm8k_answer("#### -5") == "-5"
    assert loaders.gsm8k_answer("a #### 1\n#### 2") == "2"
    for bad, match in [("12", "no '####'"), ("work\n####  ", "empty"), (None, "expected")]:
        with pytest.raises(ValueError, match=match):
            loaders.gsm8k_answer(bad)


def test_gsm8k_ids_are_kept_and_name_can_be_set(tmp_path: Path) -> None:
    rows = [{"id": f"g-{i}", **row} for i, row in enumerate(rows_of(GSM8K))]
    source = gsm8k(write_jsonl(tmp_path / "with_ids.jsonl", rows), name="gsm")
    assert [t.id for t in source] == [f"g-{i}" for i in range(10)]
    assert source.name == "gsm" and source[0].metadata["source"] == "gsm"
    assert "id" not in source[0].metadata
    plain = gsm8k(tmp_path / "with_ids.jsonl", id_column=None)
    assert plain[3].id == "with_ids/3"


def test_gsm8k_csv_and_parquet(tmp_path: Path) -> None:
    rows = rows_of(GSM8K)
    parquet = tmp_path / "gsm.parquet"
    datasets.Dataset.from_list(rows).to_parquet(str(parquet))
    csv_path = tmp_path / "gsm.csv"
    datasets.Dataset.from_list(rows).to_csv(str(csv_path), index=False)
    for path in (parquet, csv_path):
        assert [t.answer for t in gsm8k(path)] == GSM8K_GOLDS


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [("The answer is 7.", "no '####'"), ("7 + 1 = 8\n####", "empty final answer")],
)
def test_gsm8k_malformed_answer_names_file_and_row(
    tmp_path: Path, answer: str, fragment: str
) -> None:
    rows = rows_of(GSM8K)[:4]
    rows[2]["answer"] = answer
    path = write_jsonl(tmp_path / "broken.jsonl", rows)
    with pytest.raises(DatasetFormatError) as error:
        gsm8k(path)
    message = str(error.value)
    assert str(path) in message and "row 2" in message and "'answer'" in message
    assert fragment in message


@pytest.mark.parametrize(
    ("answers", "fragment"),
    [([8, 9], "row 0: column 'answer': no '####'"), ([["8"], ["9"]], "got list")],
)
def test_gsm8k_non_string_answers(answers: list, fragment: str) -> None:
    rows = [{"question": f"q{i}", "answer": a} for i, a in enumerate(answers)]
    data = datasets.Dataset.from_list(rows)
    with pytest.raises(DatasetFormatError, match=re.escape(fragment)):
        loaders.CheckedDatasetSource(data, name="mem", answer_transform=loaders.gsm8k_answer)


def test_malformed_row_names_its_id(tmp_path: Path) -> None:
    rows = [{"id": f"g-{i}", **row} for i, row in enumerate(rows_of(GSM8K))]
    rows[5]["answer"] = "no marker here"
    with pytest.raises(DatasetFormatError, match=r"bad_ids\.jsonl: row 5 \(id 'g-5'\)"):
        gsm8k(write_jsonl(tmp_path / "bad_ids.jsonl", rows))


def test_gsm8k_splits_are_disjoint_and_cover_all() -> None:
    every = {t.id for t in gsm8k(GSM8K)}
    train = {t.id for t in gsm8k(GSM8K, split="train", test_fraction=0.5)}
    test = {t.id for t in gsm8k(GSM8K, split="test", test_fraction=0.5)}
    assert train and test and train.isdisjoint(test) and train | test == every
    assert all(t.metadata["split"] == "test" for t in gsm8k(GSM8K, split="test", test_fraction=0.5))


def test_prompt_template_can_be_changed_or_dropped() -> None:
    raw = gsm8k(GSM8K, prompt_template=None)
    assert raw[0].prompt == rows_of(GSM8K)[0]["question"]
    custom = gsm8k(GSM8K, prompt_template="Q: {prompt}\nA:")
    assert custom[1].prompt.startswith("Q: A stadium") and custom[1].prompt.endswith("\nA:")


# -- math ---------------------------------------------------------------------------------------


def test_math_fixture() -> None:
    source = math_dataset(MATH)
    tasks = list(source)
    rows = rows_of(MATH)
    assert [t.id for t in tasks] == [row["unique_id"] for row in rows]  # unique_id is the id
    assert [t.prompt for t in tasks] == [row["problem"] + SUFFIX for row in rows]
    assert [t.answer for t in tasks] == MATH_GOLDS
    assert tasks[7].answer == "11"  # the last box wins over an earlier one
    for task, row in zip(tasks, rows, strict=True):
        assert task.metadata["level"] == row["level"]
        assert task.metadata["type"] == row["type"]
        assert "solution" not in task.metadata and "unique_id" not in task.metadata


def test_math_answer_extraction() -> None:
    assert loaders.math_answer("so $x = \\boxed{\\frac{1}{2}}$.") == "\\frac{1}{2}"
    assert loaders.math_answer("\\boxed{1} then \\boxed{ 2 }") == "2"
    assert loaders.math_answer("\\fbox{7}") == "7"
    assert loaders.math_answer("\\boxed{\\text{(C)}}") == "\\text{(C)}"
    for bad in ("no box", "\\boxed{}", "\\boxed{unbalanced"):
        with pytest.raises(ValueError, match="boxed"):
            loaders.math_answer(bad)


@pytest.mark.parametrize(
    ("solution", "fragment"),
    [("The answer is 4.", "no \\boxed"), ("So it is $\\boxed{}$.", "empty")],
)
def test_math_solution_without_box_names_file_and_row(
    tmp_path: Path, solution: str, fragment: str
) -> None:
    rows = rows_of(MATH)
    rows[3]["solution"] = solution
    path = write_jsonl(tmp_path / "math_bad.jsonl", rows)
    with pytest.raises(DatasetFormatError) as error:
        math_dataset(path)
    message = str(error.value)
    assert str(path) in message and "row 3" in message and "number_theory/4" in message
    assert fragment in message and "'solution'" in message


def test_math_custom_columns(tmp_path: Path) -> None:
    rows = [
        {"q": row["problem"], "s": row["solution"], "level": row["level"]} for row in rows_of(MATH)
    ]
    source = math_dataset(write_jsonl(tmp_path / "m.jsonl", rows), problem="q", solution="s")
    assert [t.answer for t in source] == MATH_GOLDS
    assert source[0].id == "m/0" and source[0].metadata["level"] == "Level 1"


def test_math_splits_are_disjoint() -> None:
    train = {t.id for t in math_dataset(MATH, split="train", test_fraction=0.4)}
    test = {t.id for t in math_dataset(MATH, split="test", test_fraction=0.4)}
    assert train.isdisjoint(test) and len(train | test) == 10


# -- qa -----------------------------------------------------------------------------------------


def test_qa_maps_columns_and_stringifies_answers(tmp_path: Path) -> None:
    rows = [
        {"uid": "a", "prompt": "What is 2 + 3?", "target": 5},
        {"uid": "b", "prompt": "What is half of 3?", "target": 1.5},
        {"uid": "c", "prompt": "What is 10 / 4?", "target": 2.0},
    ]
    path = write_jsonl(tmp_path / "qa.jsonl", [{**r, "target": float(r["target"])} for r in rows])
    source = qa(path, question="prompt", answer="target", id_column="uid")
    assert [t.id for t in source] == ["a", "b", "c"]
    assert [t.answer for t in source] == ["5", "1.5", "2"]
    assert source[0].prompt == "What is 2 + 3?" + SUFFIX


def test_qa_defaults_and_transform(tmp_path: Path) -> None:
    rows = [{"question": "Name a prime.", "answer": "  7 "}, {"question": "2+2?", "answer": "4"}]
    path = write_jsonl(tmp_path / "plain.jsonl", rows)
    assert [t.answer for t in qa(path)] == ["7", "4"]
    shouted = qa(path, answer_transform=lambda a: a.strip() + "!", prompt_template=None)
    assert [t.answer for t in shouted] == ["7!", "4!"]
    assert shouted[1].prompt == "2+2?"


@pytest.mark.parametrize("answer", [None, "   "])
def test_qa_empty_answer_is_rejected(tmp_path: Path, answer: object) -> None:
    rows = [{"question": "q1", "answer": "1"}, {"question": "q2", "answer": answer}]
    path = write_jsonl(tmp_path / "holes.jsonl", rows)
    with pytest.raises(DatasetFormatError, match=r"holes\.jsonl: row 1: column 'answer'"):
        qa(path)


def test_qa_missing_column_lists_the_columns(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "cols.jsonl", [{"question": "q", "answer": "1"}])
    with pytest.raises(DatasetFormatError, match="missing column 'target'"):
        qa(path, answer="target")


# -- local files vs the hub ---------------------------------------------------------------------


def test_from_hub_path_reads_a_local_dataset_folder(tmp_path: Path) -> None:
    folder = tmp_path / "gsm-folder"
    folder.mkdir()
    write_jsonl(folder / "train.jsonl", rows_of(GSM8K)[:6])
    write_jsonl(folder / "test.jsonl", rows_of(GSM8K)[6:])
    train = gsm8k(folder)
    assert train.name == str(folder) and len(train) == 6
    assert [t.answer for t in train] == GSM8K_GOLDS[:6]
    test = gsm8k(folder, hub_split="test", name="gsm-test")
    assert [t.answer for t in test] == GSM8K_GOLDS[6:]
    assert [t.id for t in test] == ["gsm-test/0", "gsm-test/1", "gsm-test/2", "gsm-test/3"]
    math_folder = tmp_path / "math-folder"
    math_folder.mkdir()
    write_jsonl(math_folder / "train.jsonl", rows_of(MATH))
    assert [t.answer for t in math_dataset(math_folder)] == MATH_GOLDS


def test_hub_errors_name_the_dataset(tmp_path: Path) -> None:
    folder = tmp_path / "bad-folder"
    folder.mkdir()
    rows = rows_of(GSM8K)
    rows[4]["answer"] = "forty"
    write_jsonl(folder / "train.jsonl", rows)
    with pytest.raises(DatasetFormatError, match=r"bad-folder \(split 'train'\): row 4"):
        gsm8k(folder)


def test_hub_name_config_and_revision_are_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def fake_load_dataset(path: str, *args: str, split: str, revision: str | None):
        calls.append((path, args, split, revision))
        return datasets.Dataset.from_list(rows_of(GSM8K))

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    source = gsm8k("openai/gsm8k", config="main", hub_split="test", revision="abc")
    assert calls == [("openai/gsm8k", ("main",), "test", "abc")]
    assert source.name == "openai/gsm8k" and source[0].id == "openai/gsm8k/0"
    assert [t.answer for t in source] == GSM8K_GOLDS
    qa("org/qa", hub_split="validation")
    assert calls[-1] == ("org/qa", (None,), "validation", None)


def test_local_file_detection(tmp_path: Path) -> None:
    assert loaders.is_local_file(GSM8K)
    assert loaders.is_local_file(tmp_path / "missing.jsonl")  # a task-file suffix means a file
    assert not loaders.is_local_file(tmp_path)
    assert not loaders.is_local_file("openai/gsm8k")
    with pytest.raises(FileNotFoundError, match=r"missing\.jsonl"):
        gsm8k(tmp_path / "missing.jsonl")
    with pytest.raises(ValueError, match="hub datasets only"):
        gsm8k(GSM8K, config="main")
