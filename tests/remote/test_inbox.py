"""RecordInbox: each record once, torn lines wait, garbage is skipped, positions persist."""

from __future__ import annotations

from pathlib import Path

from rlvr.remote.inbox import MAX_RECORD_BYTES, RecordInbox
from rlvr.types import RolloutRecord, Task, Verdict


def record(number: int) -> RolloutRecord:
    return RolloutRecord(
        env_id="math/arithmetic-v0",
        env_version=0,
        verifier="math",
        verifier_version="1",
        task=Task(id=f"t/{number}", prompt=f"What is {number} + 1? é中", answer=str(number + 1)),
        completion=str(number + 1),
        verdict=Verdict(reward=1.0, correct=True),
        policy={"policy_version": 0, "group": "w/0/0"},
    )


def line(number: int) -> str:
    return record(number).model_dump_json() + "\n"


def test_each_record_is_returned_once_in_order(tmp_path: Path) -> None:
    inbox = RecordInbox(tmp_path)
    assert inbox.poll().records == []
    (tmp_path / "w1.jsonl").write_text(line(1) + line(2), encoding="utf-8")
    assert [r.task.id for r in inbox.poll().records] == ["t/1", "t/2"]
    assert inbox.poll().records == []
    with (tmp_path / "w1.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(line(3))
    assert [r for r in inbox.poll().records] == [record(3)]


def test_a_torn_line_waits_for_its_end(tmp_path: Path) -> None:
    inbox = RecordInbox(tmp_path)
    text = line(1)
    path = tmp_path / "w.jsonl"
    path.write_text(text[:20], encoding="utf-8")
    batch = inbox.poll()
    assert batch.records == [] and batch.rejected == {}
    path.write_text(text, encoding="utf-8")
    assert [r.task.id for r in inbox.poll().records] == ["t/1"]


def test_garbage_is_counted_and_skipped(tmp_path: Path) -> None:
    inbox = RecordInbox(tmp_path)
    garbage = '{"not": "a record"}\nnot json at all\n' + "x" * (MAX_RECORD_BYTES + 1) + "\n"
    (tmp_path / "bad.jsonl").write_text(garbage + line(5), encoding="utf-8")
    batch = inbox.poll()
    assert [r.task.id for r in batch.records] == ["t/5"]
    assert batch.rejected == {"not a rollout record": 2, "record too long": 1}


def test_an_endless_line_does_not_stall_the_reader(tmp_path: Path) -> None:
    inbox = RecordInbox(tmp_path)
    (tmp_path / "w.jsonl").write_text("y" * (MAX_RECORD_BYTES + 10), encoding="utf-8")
    assert inbox.poll().rejected == {"record too long": 1}
    assert inbox.offsets["w.jsonl"] == MAX_RECORD_BYTES + 10


def test_the_position_survives_a_restart(tmp_path: Path) -> None:
    first = RecordInbox(tmp_path)
    (tmp_path / "a.jsonl").write_text(line(1), encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(line(2), encoding="utf-8")
    assert len(first.poll().records) == 2
    second = RecordInbox(tmp_path)
    second.restore(first.state())
    with (tmp_path / "b.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(line(3))
    assert [r.task.id for r in second.poll().records] == ["t/3"]


def test_parquet_parts_are_read_once(tmp_path: Path) -> None:
    from rlvr.integrations.hf_datasets import records_to_dataset

    inbox = RecordInbox(tmp_path)
    records_to_dataset([record(1), record(2)]).to_parquet(str(tmp_path / "w-000000.parquet"))
    assert inbox.poll().records == [record(1), record(2)]
    assert inbox.poll().records == []
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    assert inbox.poll().rejected == {"unreadable parquet file": 1}
    restored = RecordInbox(tmp_path)
    restored.restore(inbox.state())
    assert restored.poll().records == []
