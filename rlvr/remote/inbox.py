"""Read the rollout records that workers write into a directory, as they arrive.

Workers write either JSON Lines (``NAME.jsonl``, one record a line, appended and flushed a
group at a time) or Parquet part files (``NAME-PART.parquet``, complete when they appear: a
worker writes them under a temporary name and renames them). :class:`RecordInbox` remembers how
far it has read each file, so each record is returned once; its position can be saved and
restored with a checkpoint.

Nothing a worker writes can crash or stall the reader: a torn last line waits for its end, a
line that is not a record (or longer than :data:`MAX_RECORD_BYTES`) is counted as rejected and
skipped, an unreadable Parquet file likewise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rlvr.types import RolloutRecord

MAX_RECORD_BYTES = 4 * 1024 * 1024
"""Longest record line read; a longer one is skipped as rejected."""
READ_CHUNK_BYTES = 64 * 1024 * 1024
"""Most bytes read from one file per poll, so a huge file cannot exhaust memory."""


@dataclass
class InboxBatch:
    """The records of one poll, and what was skipped (reason -> count)."""

    records: list[RolloutRecord] = field(default_factory=list)
    rejected: dict[str, int] = field(default_factory=dict)

    def reject(self, reason: str) -> None:
        self.rejected[reason] = self.rejected.get(reason, 0) + 1


class RecordInbox:
    """New records from the ``.jsonl`` and ``.parquet`` files of ``directory``."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.offsets: dict[str, int] = {}
        self.parquet_read: set[str] = set()

    def poll(self) -> InboxBatch:
        """Every complete record written since the last poll."""
        batch = InboxBatch()
        if not self.directory.is_dir():
            return batch
        for path in sorted(self.directory.glob("*.jsonl")):
            self._read_lines(path, batch)
        for path in sorted(self.directory.glob("*.parquet")):
            if path.name not in self.parquet_read:
                self.parquet_read.add(path.name)
                self._read_parquet(path, batch)
        return batch

    def state(self) -> dict[str, Any]:
        """What has been read (JSON-serialisable), for :meth:`restore`."""
        return {"offsets": dict(self.offsets), "parquet_read": sorted(self.parquet_read)}

    def restore(self, state: dict[str, Any]) -> None:
        """Continue after the position :meth:`state` returned."""
        self.offsets = {str(k): int(v) for k, v in state.get("offsets", {}).items()}
        self.parquet_read = {str(name) for name in state.get("parquet_read", [])}

    def _read_lines(self, path: Path, batch: InboxBatch) -> None:
        offset = self.offsets.get(path.name, 0)
        try:
            with path.open("rb") as handle:
                handle.seek(offset)
                data = handle.read(READ_CHUNK_BYTES)
        except OSError:
            batch.reject("unreadable file")
            return
        end = data.rfind(b"\n")
        if end < 0:
            if len(data) > MAX_RECORD_BYTES:  # one endless line: skip what is there
                self.offsets[path.name] = offset + len(data)
                batch.reject("record too long")
            return
        for line in data[:end].split(b"\n"):
            if line.strip():
                self._parse(line, batch)
        self.offsets[path.name] = offset + end + 1

    @staticmethod
    def _parse(line: bytes, batch: InboxBatch) -> None:
        if len(line) > MAX_RECORD_BYTES:
            batch.reject("record too long")
            return
        try:
            batch.records.append(RolloutRecord.model_validate_json(line))
        except (ValidationError, ValueError):
            batch.reject("not a rollout record")

    @staticmethod
    def _read_parquet(path: Path, batch: InboxBatch) -> None:
        from rlvr.integrations.hf_datasets import dataset_to_records

        try:
            import datasets

            dataset = datasets.Dataset.from_parquet(str(path))
            batch.records.extend(dataset_to_records(dataset))
        except Exception:  # a worker's broken file is skipped, never fatal
            batch.reject("unreadable parquet file")
