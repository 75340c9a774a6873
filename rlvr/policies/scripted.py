"""Scripted policies: for checking environments and the engine without a model."""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Sequence
from pathlib import Path

from rlvr.policies.base import Generation, GenerationRequest


class OraclePolicy:
    """Answers with the reference completion the environment provides for each task."""

    spec = "oracle"

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        out = []
        for request in requests:
            if request.reference is None:
                out.append(Generation("", "error", error="the request carries no reference"))
            else:
                out.append(Generation(request.reference))
        return out

    def close(self) -> None:
        pass


class EmptyPolicy:
    """Answers every request with an empty completion."""

    spec = "empty"

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        return [Generation("") for _ in requests]

    def close(self) -> None:
        pass


class ReplayPolicy:
    """Answers from a JSONL file of ``{"task_id", "completion"}`` lines, in file order per task."""

    def __init__(self, path: str | Path) -> None:
        self.spec = f"replay:{path}"
        self._answers: dict[str, deque[str]] = defaultdict(deque)
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"replay file {path} does not exist")
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    task_id, completion = row["task_id"], row["completion"]
                except (ValueError, KeyError, TypeError) as error:
                    raise ValueError(
                        f"{path}:{number}: expected a JSON object with task_id and completion "
                        f"({error})"
                    ) from None
                if not isinstance(completion, str):
                    raise ValueError(f"{path}:{number}: completion must be a string")
                self._answers[str(task_id)].append(completion)

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        out = []
        for request in requests:
            queue = self._answers.get(str(request.task_id))
            if not queue:
                out.append(
                    Generation("", "error", error=f"no recorded completion for {request.task_id}")
                )
                continue
            text = queue.popleft()
            queue.append(text)  # served in turn, then again from the first
            out.append(Generation(text))
        return out

    def close(self) -> None:
        pass
