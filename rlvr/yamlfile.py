"""Reading the YAML files users write (suites, trainer configs) with errors that name the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def read_yaml_mapping(path: str | Path, *, expected: str) -> dict[str, Any]:
    """The mapping in YAML file ``path``; a ``ValueError`` naming the file when it cannot be
    read, is not YAML, or holds something else (``expected`` says what it should hold)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error}") from None
    except yaml.YAMLError as error:
        raise ValueError(f"{path} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: {expected}")
    return data
