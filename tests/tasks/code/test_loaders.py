"""Tests for the MBPP, HumanEval-style and stdin/stdout contest loaders (all offline)."""

from __future__ import annotations

import builtins
import contextlib
import io
import json
import keyword
import sys
from pathlib import Path
from typing import Any

import datasets
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rlvr.errors import DatasetFormatError
from rlvr.tasks.code import loaders
from rlvr.tasks.code.loaders import CodeDatasetSource, contest, humaneval_style, mbpp
from rlvr.tasks.code.schema import FUNCTION_INSTRUCTION, PROGRAM_INSTRUCTION, validate
from rlvr.types import Task

# -- fixtures (trusted: their reference solutions are run in this process) ----------------------

MBPP_ROWS: list[dict[str, Any]] = [
    {
        "task_id": 2,
        "text": "Write a function to find the shared elements from the given two lists.",
        "code": "def similar_elements(a, b):\r\n  return tuple(set(a) & set(b))",
        "test_list": [
            "assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))",
            "assert set(similar_elements((1, 2, 3, 4),(5, 4, 3, 7))) == set((3, 4))",
        ],
        "test_setup_code": "",
        "test_imports": [],
    },
    {
        "task_id": 3,
        "text": "Write a python function to identify non-prime numbers.",
        "code": (
            "import math\n\ndef is_not_prime(n):\n    return n < 2 or any("
            "n % i == 0 for i in range(2, math.isqrt(n) + 1))\n"
        ),
        "test_list": [
            "assert is_not_prime(2) == False",
            "assert is_not_prime(10) == True",
            "assert not is_not_prime(37)",
        ],
        "test_setup_code": "",
        "test_imports": [],
    },
    {
        "task_id": 14,
        "text": "Write a function to find the volume of a sphere.",
        "code": "import math\ndef volume_sphere(r):\n    return 4 / 3 * math.pi * r ** 3\n",
        "test_list": [
            "assert math.isclose(volume_sphere(10), 4188.790204786391, rel_tol=0.001)",
            "assert math.isclose(volume_sphere(1), LIMIT)",
        ],
        "test_setup_code": "LIMIT = 4 / 3 * math.pi",
        "test_imports": ["import math"],
    },
    {
        "task_id": 20,
        "text": "Write a function to count the pairs in a list of Pair objects.",
        "code": (
            "class Pair:\n    def __init__(self, a, b):\n        self.a, self.b = a, b\n\n"
            "def count_pairs(pairs):\n    return len(pairs)\n"
        ),
        "test_list": [
            "assert count_pairs([Pair(1, 2), Pair(3, 4)]) == 2",
            'assert count_pairs([]) == len("""\n""") - 1',
        ],
        "test_setup_code": (
            "class Pair:\n    def __init__(self, a, b):\n        self.a, self.b = a, b\n"
        ),
        "test_imports": [],
    },
]

HUMANEVAL_ROWS: list[dict[str, Any]] = [
    {
        "task_id": "Toy/0",
        "prompt": 'def add(a: int, b: int) -> int:\n    """Add two numbers.\n    >>> add(1, 2)\n'
        '    3\n    """\n',
        "canonical_solution": "    return a + b\n",
        "test": "\n\ndef check(candidate):\n    assert candidate(1, 2) == 3\n"
        "    assert candidate(-1, 1) == 0\n",
        "entry_point": "add",
    },
    {
        "task_id": "Toy/1",
        "prompt": "from typing import List\n\n\ndef _helper(x):\n    return x * 2\n\n\n"
        'def doubled(xs: List[int]) -> List[int]:\n    """Double each item."""\n',
        "canonical_solution": "    return [_helper(x) for x in xs]\n",
        "test": "METADATA = {}\n\n\ndef check(candidate):\n    assert candidate([1, 2]) == [2, 4]\n"
        "    assert candidate([]) == []\n",
        "entry_point": "doubled",
    },
    {
        "task_id": "Toy/2",
        "prompt": 'def first_word(s: str) -> str:\n    """The first word of s."""\n',
        "canonical_solution": "    return s.split()[0] if s.split() else ''\n",
        "test": "def check(candidate):\n    assert candidate('hello world') == 'hello'\n"
        "    assert candidate('') == ''\n",
        "entry_point": "first_word",
    },
]

SUM_PROGRAM = "a, b = map(int, input().split())\nprint(a + b)\n"
REVERSE_PROGRAM = "n = int(input())\nprint(*reversed(input().split()))\n"
APPS_ROWS: list[dict[str, Any]] = [
    {
        "problem_id": 10,
        "question": "Read two integers and print their sum.",
        "input_output": json.dumps(
            {"inputs": ["1 2\n", "3 4\n", "-5 5\n"], "outputs": ["3\n", "7\n", "0\n"]}
        ),
        "solutions": json.dumps([SUM_PROGRAM, "print(sum(map(int, input().split())))"]),
        "difficulty": "introductory",
    },
    {
        "problem_id": 11,
        "question": "Read n, then n words, and print them in reverse order.",
        "input_output": json.dumps(
            {"inputs": [["3", "a b c"], "1\nx\n"], "outputs": [["c b a"], "x\n"]}
        ),
        "solutions": json.dumps([REVERSE_PROGRAM]),
        "difficulty": "interview",
    },
    {
        "problem_id": 12,
        "question": "Print the word hello.",
        "input_output": json.dumps({"inputs": [""], "outputs": ["hello\n"]}),
        "solutions": "",
        "difficulty": "introductory",
    },
]
LIST_ROWS: list[dict[str, Any]] = [
    {
        "name": "sum",
        "description": "Print the sum of two integers.",
        "inputs": [f"{i} {i + 1}\n" for i in range(30)],
        "outputs": [f"{2 * i + 1}\n" for i in range(30)],
        "solutions": [SUM_PROGRAM],
    },
    {
        "name": "hello",
        "description": "Print hello.",
        "inputs": ["\n"],
        "outputs": ["hello\n"],
        "solutions": [],
    },
]


@pytest.fixture(autouse=True)
def _private_hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep parquet and folder loads from writing into the user's Hugging Face cache."""
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def run_check(task: Task, code: str) -> None:
    """Run trusted ``code`` against a function-style task's ``check`` (raises when it fails)."""
    metadata = task.metadata
    source = metadata.get("preamble", "") + code + "\n" + metadata["test_code"]
    exec(source + f"\ncheck({metadata['entry_point']})", {"__name__": "candidate"})


def run_program(code: str, stdin: str) -> str:
    """The output of trusted program ``code`` given ``stdin``."""
    out = io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out):
            exec(code, {"__name__": "__main__"})
    finally:
        sys.stdin = old_stdin
    return out.getvalue()


def check_schema(source: CodeDatasetSource) -> list[Task]:
    tasks = list(source)
    for task in tasks:
        validate(task.metadata)
    return tasks


# -- MBPP ---------------------------------------------------------------------------------------


def test_mbpp_tasks(tmp_path: Path) -> None:
    source = mbpp(write_jsonl(tmp_path / "mbpp_mini.jsonl", MBPP_ROWS))
    assert source.name == "mbpp_mini" and len(source) == 4
    tasks = check_schema(source)
    assert [t.id for t in tasks] == ["mbpp/2", "mbpp/3", "mbpp/14", "mbpp/20"]
    entry_points = ["similar_elements", "is_not_prime", "volume_sphere", "count_pairs"]
    assert [t.metadata["entry_point"] for t in tasks] == entry_points
    first = tasks[0]
    assert first.prompt == (
        f"{MBPP_ROWS[0]['text']}\n\nYour code should pass this test:\n\n"
        f"{MBPP_ROWS[0]['test_list'][0]}\n\n"
        + FUNCTION_INSTRUCTION.format(entry_point="similar_elements")
    )
    assert first.answer == MBPP_ROWS[0]["code"]
    assert set(first.metadata) == {"source", "row", "split", "entry_point", "test_code"}
    assert first.metadata["test_code"] == (
        "def check(candidate):\n"
        "    similar_elements = candidate\n"
        "    assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))\n"
        "    assert set(similar_elements((1, 2, 3, 4),(5, 4, 3, 7))) == set((3, 4))\n"
    )
    assert tasks[2].metadata["test_code"].startswith("import math\n\nLIMIT = 4 / 3 * math.pi\n")


def test_mbpp_reference_solutions_pass_and_wrong_ones_fail(tmp_path: Path) -> None:
    for task in mbpp(write_jsonl(tmp_path / "mbpp.jsonl", MBPP_ROWS)):
        run_check(task, task.answer)
        name = task.metadata["entry_point"]
        with pytest.raises((AssertionError, TypeError)):
            run_check(task, f"def {name}(*args):\n    return None\n")


def test_mbpp_csv_parquet_and_saved_folder(tmp_path: Path) -> None:
    expected = list(mbpp(write_jsonl(tmp_path / "mbpp.jsonl", MBPP_ROWS)))
    csv_rows = [
        {**row, "test_list": json.dumps(row["test_list"]), "test_imports": json.dumps([])}
        for row in MBPP_ROWS
    ]
    csv_rows[2]["test_imports"] = json.dumps(["import math"])
    csv_path = tmp_path / "mbpp.csv"
    datasets.Dataset.from_list(csv_rows).to_csv(str(csv_path), index=False)
    parquet = tmp_path / "mbpp.parquet"
    datasets.Dataset.from_list(MBPP_ROWS).to_parquet(str(parquet))
    folder = tmp_path / "mbpp"
    datasets.Dataset.from_list(MBPP_ROWS).save_to_disk(str(folder))
    for path in (csv_path, parquet, folder):
        tasks = list(mbpp(path, name="mbpp"))
        assert [(t.id, t.prompt, t.metadata["test_code"]) for t in tasks] == [
            (t.id, t.prompt, t.metadata["test_code"]) for t in expected
        ]
        assert [t.answer for t in tasks] == [row["code"] for row in MBPP_ROWS]
    assert mbpp(folder).name == str(folder)


def test_mbpp_sanitized_columns_and_id_prefix(tmp_path: Path) -> None:
    sanitized = [
        {"source_file": "f.py", "prompt": row["text"], **{k: row[k] for k in row if k != "text"}}
        for row in MBPP_ROWS
    ]
    source = mbpp(write_jsonl(tmp_path / "san.jsonl", sanitized), problem="prompt", id_prefix="")
    tasks = check_schema(source)
    assert [t.id for t in tasks] == ["2", "3", "14", "20"]
    assert tasks[0].prompt.startswith(MBPP_ROWS[0]["text"])
    assert tasks[0].metadata["source_file"] == "f.py"


def test_mbpp_saved_dataset_dict_picks_the_split(tmp_path: Path) -> None:
    folder = tmp_path / "mbpp-dict"
    datasets.DatasetDict(
        {
            "train": datasets.Dataset.from_list(MBPP_ROWS[:3]),
            "test": datasets.Dataset.from_list(MBPP_ROWS[3:]),
        }
    ).save_to_disk(str(folder))
    assert [t.id for t in mbpp(folder)] == ["mbpp/2", "mbpp/3", "mbpp/14"]
    assert [t.id for t in mbpp(folder, hub_split="test")] == ["mbpp/20"]
    with pytest.raises(ValueError, match="no split 'validation'"):
        mbpp(folder, hub_split="validation")
    with pytest.raises(ValueError, match="hub datasets only"):
        mbpp(folder, revision="main")
    broken = [dict(row) for row in MBPP_ROWS]
    broken[1]["test_list"] = ["assert True"]
    datasets.DatasetDict({"train": datasets.Dataset.from_list(broken)}).save_to_disk(
        str(tmp_path / "bad")
    )
    with pytest.raises(DatasetFormatError, match=r"bad \(split 'train'\): row 1 \(id 'mbpp/3'\)"):
        mbpp(tmp_path / "bad")


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"test_list": ["assert 1 + 1 == 2", "assert True"]}, "call no function"),
        ({"test_list": ["assert len([1]) == 1"]}, "call no function"),
        ({"test_list": []}, "at least one test"),
        ({"test_list": ["assert f(1) ==="]}, "not valid Python"),
        ({"code": "def f(:\n"}, "reference solution is not valid Python"),
        ({"code": ""}, "column 'code' must be non-empty text"),
        ({"test_setup_code": "x = ("}, "test code is not valid Python"),
    ],
)
def test_mbpp_malformed_rows_name_file_row_and_id(
    tmp_path: Path, change: dict[str, Any], fragment: str
) -> None:
    rows = [dict(row) for row in MBPP_ROWS]
    rows[2].update(change)
    path = write_jsonl(tmp_path / "broken.jsonl", rows)
    with pytest.raises(DatasetFormatError) as error:
        mbpp(path)
    message = str(error.value)
    assert f"{path}: row 2 (id 'mbpp/14')" in message and fragment in message


def test_mbpp_csv_with_invalid_json_list(tmp_path: Path) -> None:
    rows = [{**row, "test_list": json.dumps(row["test_list"])} for row in MBPP_ROWS]
    rows[1]["test_list"] = "['assert is_not_prime(2) == False']"  # Python, not JSON
    path = tmp_path / "bad.csv"
    datasets.Dataset.from_list(rows).to_csv(str(path), index=False)
    with pytest.raises(DatasetFormatError, match=r"row 1 \(id 'mbpp/3'\): column 'test_list' is"):
        mbpp(path)


def test_mbpp_missing_column_is_named(tmp_path: Path) -> None:
    rows = [{k: v for k, v in row.items() if k != "test_list"} for row in MBPP_ROWS]
    with pytest.raises(DatasetFormatError, match="'test_list' not found"):
        mbpp(datasets.Dataset.from_list(rows))


def test_mbpp_splits_are_disjoint_and_cover_all(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "mbpp.jsonl", MBPP_ROWS)
    every = {t.id for t in mbpp(path)}
    train = {t.id for t in mbpp(path, split="train", test_fraction=0.5)}
    test = {t.id for t in mbpp(path, split="test", test_fraction=0.5)}
    assert train and test and train.isdisjoint(test) and train | test == every
    assert all(t.metadata["split"] == "test" for t in mbpp(path, split="test", test_fraction=0.5))


def test_prompt_template_wraps_the_built_prompt(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "mbpp.jsonl", MBPP_ROWS)
    plain, wrapped = mbpp(path)[0], mbpp(path, prompt_template="Task:\n{prompt}\nGo.")[0]
    assert wrapped.prompt == f"Task:\n{plain.prompt}\nGo."


# -- entry-point extraction and check source (property-based) -----------------------------------

identifiers = st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True).filter(
    lambda name: not keyword.iskeyword(name) and name not in dir(builtins) and name != "math"
)
literals = st.one_of(
    st.integers(-1000, 1000),
    st.text(max_size=8),
    st.lists(st.integers(-9, 9), max_size=4),
    st.tuples(st.integers(), st.booleans()),
)
ASSERT_FORMS = [
    "assert {call} == {value}",
    "assert set({call}) == set({value})",
    "assert math.isclose({call}, {value})",
    "assert not {call}",
    "assert sorted(list({call})) == {value}",
    "assert {call}=={value}",
]


@given(
    name=identifiers,
    calls=st.lists(
        st.tuples(st.lists(literals, max_size=3), literals, st.sampled_from(ASSERT_FORMS)),
        min_size=1,
        max_size=4,
    ),
)
def test_entry_point_is_the_function_every_assert_calls(
    name: str, calls: list[tuple[list[Any], Any, str]]
) -> None:
    asserts = [
        form.format(call=f"{name}({', '.join(map(repr, args))})", value=repr(value))
        for args, value, form in calls
    ]
    assert loaders.entry_point_of(asserts) == name
    code = f"def helper():\n    pass\n\ndef {name}(*args):\n    return None\n"
    assert loaders.entry_point_of(asserts, code) == name
    # the check binds the name to the candidate: it sees every call's arguments
    seen: list[tuple[Any, ...]] = []

    def candidate(*args: Any) -> None:
        seen.append(args)

    namespace: dict[str, Any] = {}
    exec(loaders.check_source(name, asserts, ["import math"]), namespace)
    with contextlib.suppress(AssertionError, TypeError):
        namespace["check"](candidate)
    assert seen and seen[0] == tuple(calls[0][0])


def test_entry_point_prefers_the_reference_definition() -> None:
    asserts = ["assert max_chain(Pair(1, 2), helper(3)) == 1"]
    code = "class Pair:\n    pass\n\ndef helper(x):\n    return x\n\ndef max_chain(*a):\n    pass\n"
    assert loaders.called_names(asserts[0]) == ["max_chain", "Pair", "helper"]
    assert loaders.entry_point_of(asserts, code) == "max_chain"
    assert loaders.entry_point_of(["assert sum([1]) == 1"], "def sum(xs):\n    pass\n") == "sum"
    with pytest.raises(ValueError, match="call no function"):
        loaders.entry_point_of(["assert f(1) == 1", "assert g(1) == 1"])


def test_multiline_asserts_keep_their_strings() -> None:
    source = loaders.check_source("f", ['assert f("""a\n  b""") == 2'])
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    namespace["check"](lambda text: 2 if text == "a\n  b" else 0)


# -- HumanEval-style ----------------------------------------------------------------------------


def test_humaneval_style_tasks(tmp_path: Path) -> None:
    source = humaneval_style(write_jsonl(tmp_path / "he.jsonl", HUMANEVAL_ROWS))
    tasks = check_schema(source)
    assert [t.id for t in tasks] == ["Toy/0", "Toy/1", "Toy/2"]
    for task, row in zip(tasks, HUMANEVAL_ROWS, strict=True):
        assert task.answer == row["prompt"] + row["canonical_solution"]
        assert task.metadata["preamble"] == row["prompt"]
        assert task.metadata["test_code"] == row["test"]
        assert task.metadata["entry_point"] == row["entry_point"]
        assert task.prompt == (
            "Complete the following Python function.\n\n```python\n"
            + row["prompt"].strip("\n")
            + "\n```\n\n"
            + FUNCTION_INSTRUCTION.format(entry_point=row["entry_point"])
        )
        run_check(task, row["canonical_solution"])
        with pytest.raises(AssertionError):
            run_check(task, "    return None\n")
    assert set(tasks[0].metadata) == {
        *("source", "row", "split"),
        *("entry_point", "preamble", "test_code"),
    }


def test_humaneval_style_parquet_and_in_memory_dataset(tmp_path: Path) -> None:
    expected = list(humaneval_style(write_jsonl(tmp_path / "he.jsonl", HUMANEVAL_ROWS)))
    parquet = tmp_path / "he.parquet"
    datasets.Dataset.from_list(HUMANEVAL_ROWS).to_parquet(str(parquet))
    assert list(humaneval_style(parquet)) == expected
    in_memory = humaneval_style(datasets.Dataset.from_list(HUMANEVAL_ROWS), name="he")
    assert in_memory.name == "he" and list(in_memory) == expected
    assert humaneval_style(datasets.Dataset.from_list(HUMANEVAL_ROWS)).name == "humaneval"


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"entry_point": "missing"}, "defines no function 'missing'"),
        ({"entry_point": ""}, "'entry_point' must be non-empty text"),
        ({"canonical_solution": "  return (\n"}, "not valid Python"),
        ({"test": "assert True\n"}, "test_code"),
        ({"test": "def check(candidate:\n"}, "column 'test' is not valid Python"),
    ],
)
def test_humaneval_style_malformed_rows(
    tmp_path: Path, change: dict[str, Any], fragment: str
) -> None:
    rows = [dict(row) for row in HUMANEVAL_ROWS]
    rows[1].update(change)
    path = write_jsonl(tmp_path / "bad.jsonl", rows)
    with pytest.raises(DatasetFormatError) as error:
        humaneval_style(path)
    message = str(error.value)
    assert f"{path}: row 1 (id 'Toy/1')" in message and fragment in message


# -- stdin/stdout contests ----------------------------------------------------------------------


def test_contest_apps_rows(tmp_path: Path) -> None:
    source = contest(write_jsonl(tmp_path / "apps.jsonl", APPS_ROWS))
    tasks = check_schema(source)
    assert [t.id for t in tasks] == ["10", "11", "12"]
    assert tasks[0].prompt == f"{APPS_ROWS[0]['question']}\n\n{PROGRAM_INSTRUCTION}"
    assert "entry_point" not in tasks[0].metadata
    assert tasks[0].metadata["tests"] == [
        {"input": "1 2\n", "output": "3\n"},
        {"input": "3 4\n", "output": "7\n"},
        {"input": "-5 5\n", "output": "0\n"},
    ]
    assert tasks[1].metadata["tests"][0] == {"input": "3\na b c\n", "output": "c b a\n"}
    assert [t.answer for t in tasks] == [SUM_PROGRAM, REVERSE_PROGRAM, None]
    assert tasks[0].metadata["difficulty"] == "introductory"
    assert not {"question", "input_output", "solutions", "problem_id"} & set(tasks[0].metadata)
    for task in tasks[:2]:
        for test in task.metadata["tests"]:
            assert run_program(task.answer, test["input"]).split() == test["output"].split()


def test_contest_list_columns_and_max_tests(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "cc.jsonl", LIST_ROWS)
    tasks = check_schema(contest(path, problem="description"))
    assert [t.id for t in tasks] == ["sum", "hello"]
    assert len(tasks[0].metadata["tests"]) == 20
    assert tasks[0].prompt.startswith("Print the sum of two integers.\n\n")
    assert tasks[1].answer is None
    three = contest(path, problem="description", max_tests=3)[0]
    assert three.metadata["tests"] == [
        {"input": f"{i} {i + 1}\n", "output": f"{2 * i + 1}\n"} for i in range(3)
    ]
    everything = contest(path, problem="description", max_tests=1000)[0]
    assert len(everything.metadata["tests"]) == 30
    for test in everything.metadata["tests"]:
        assert run_program(everything.answer, test["input"]) == test["output"]
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="max_tests"):
            contest(path, problem="description", max_tests=bad)


def test_contest_csv_and_saved_folder(tmp_path: Path) -> None:
    expected = list(contest(write_jsonl(tmp_path / "apps.jsonl", APPS_ROWS), name="apps"))
    csv_path = tmp_path / "apps.csv"
    datasets.Dataset.from_list(APPS_ROWS).to_csv(str(csv_path), index=False)
    folder = tmp_path / "apps-folder"
    datasets.Dataset.from_list(APPS_ROWS).save_to_disk(str(folder))
    for path in (csv_path, folder):
        assert list(contest(path, name="apps")) == expected
    list_csv = tmp_path / "cc.csv"
    csv_rows = [
        {**row, **{k: json.dumps(row[k]) for k in ("inputs", "outputs", "solutions")}}
        for row in LIST_ROWS
    ]
    datasets.Dataset.from_list(csv_rows).to_csv(str(list_csv), index=False)
    from_csv = contest(list_csv, problem="description", name="cc")
    from_jsonl = contest(write_jsonl(tmp_path / "cc.jsonl", LIST_ROWS), problem="description")
    assert [(t.prompt, t.answer, t.metadata["tests"]) for t in from_csv] == [
        (t.prompt, t.answer, t.metadata["tests"]) for t in from_jsonl
    ]


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"input_output": "{not json"}, "'input_output' is not valid JSON"),
        ({"input_output": json.dumps({"inputs": ["1\n"]})}, "with inputs and outputs"),
        (
            {"input_output": json.dumps({"inputs": ["1\n", "2\n"], "outputs": ["1\n"]})},
            "2 test inputs but 1 outputs",
        ),
        ({"input_output": json.dumps({"inputs": [], "outputs": []})}, "no tests"),
        ({"input_output": json.dumps({"inputs": [1], "outputs": ["1"]})}, "test 0 input"),
        (
            {"input_output": json.dumps({"fn_name": "f", "inputs": [[1]], "outputs": [[1]]})},
            "call-based problem (fn_name 'f')",
        ),
        ({"input_output": None}, "no tests"),
        ({"solutions": json.dumps([1])}, "'solutions'[0] must be text"),
        ({"solutions": "[broken"}, "'solutions' is not valid JSON"),
        ({"question": "  "}, "'question' must be non-empty text"),
    ],
)
def test_contest_malformed_rows(tmp_path: Path, change: dict[str, Any], fragment: str) -> None:
    rows = [dict(row) for row in APPS_ROWS]
    rows[1].update(change)
    path = write_jsonl(tmp_path / "bad.jsonl", rows)
    with pytest.raises(DatasetFormatError) as error:
        contest(path)
    message = str(error.value)
    assert f"{path}: row 1 (id '11')" in message and fragment in message, message


def test_contest_list_length_mismatch(tmp_path: Path) -> None:
    rows = [dict(row) for row in LIST_ROWS]
    rows[0]["outputs"] = rows[0]["outputs"][:-1]
    with pytest.raises(DatasetFormatError, match=r"row 0 \(id 'sum'\): 30 test inputs but 29"):
        contest(write_jsonl(tmp_path / "cc.jsonl", rows), problem="description")


def test_contest_splits_are_disjoint(tmp_path: Path) -> None:
    rows = [
        {"problem_id": i, "question": f"Print {i}.", "inputs": ["\n"], "outputs": [f"{i}\n"]}
        for i in range(40)
    ]
    path = write_jsonl(tmp_path / "many.jsonl", rows)
    train = {t.id for t in contest(path, split="train")}
    test = {t.id for t in contest(path, split="test")}
    assert train and test and train.isdisjoint(test) and len(train | test) == 40


@given(st.lists(st.text(), min_size=1, max_size=5), st.booleans())
def test_contest_tests_parse_json_and_lists(texts: list[str], as_json: bool) -> None:
    inputs, outputs = texts, [text[::-1] for text in texts]
    row: dict[str, Any] = {"question": "q", "inputs": inputs, "outputs": outputs}
    if as_json:
        spec = json.dumps({"inputs": inputs, "outputs": outputs})
        row = {"question": "q", "input_output": spec, "inputs": None}
    task = loaders.contest_task(row, max_tests=3)
    assert task.metadata["tests"] == [
        {"input": i, "output": o} for i, o in zip(inputs[:3], outputs[:3], strict=True)
    ]
    assert task.answer is None
    validate(task.metadata)


# -- loading ------------------------------------------------------------------------------------


def test_hub_name_config_and_revision_are_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def fake_load_dataset(path: str, *args: str, split: str, revision: str | None):
        calls.append((path, args, split, revision))
        return datasets.Dataset.from_list(MBPP_ROWS)

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    source = mbpp("google-research-datasets/mbpp", config="full", hub_split="test", revision="r")
    assert calls == [("google-research-datasets/mbpp", ("full",), "test", "r")]
    assert source.name == "google-research-datasets/mbpp" and source[0].id == "mbpp/2"
    assert source.origin == "google-research-datasets/mbpp (config 'full', split 'test')"
    with pytest.raises(DatasetFormatError, match="'prompt' not found"):
        mbpp("google-research-datasets/mbpp", problem="prompt")


def test_config_and_revision_are_for_hub_datasets_only(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "apps.jsonl", APPS_ROWS)
    with pytest.raises(ValueError, match="hub datasets only"):
        contest(path, config="all")
    with pytest.raises(ValueError, match="hub datasets only"):
        contest(datasets.Dataset.from_list(APPS_ROWS), revision="main")


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"missing\.jsonl"):
        mbpp(tmp_path / "missing.jsonl")
