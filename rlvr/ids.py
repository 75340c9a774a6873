"""The one id grammar: ``domain/name-vN`` (e.g. ``math/arithmetic-v0``)."""

from __future__ import annotations

import re
from typing import NamedTuple

from rlvr.errors import InvalidEnvId

ENV_ID_RE = re.compile(r"^(?P<domain>[A-Za-z0-9_]+)/(?P<name>[A-Za-z0-9_.-]+?)-v(?P<version>\d+)$")


class EnvId(NamedTuple):
    domain: str
    name: str
    version: int

    @property
    def base(self) -> str:
        """The id without its version: ``math/arithmetic``."""
        return f"{self.domain}/{self.name}"

    def __str__(self) -> str:
        return f"{self.domain}/{self.name}-v{self.version}"


def parse_env_id(env_id: str) -> EnvId:
    """Split an id into domain, name and version, or raise :class:`InvalidEnvId`."""
    if not isinstance(env_id, str):
        raise InvalidEnvId(f"an environment id is a string, got {type(env_id).__name__}")
    match = ENV_ID_RE.fullmatch(env_id)
    if match is None:
        raise InvalidEnvId(
            f"{env_id!r} is not a valid environment id: ids look like 'domain/name-vN', "
            "e.g. 'math/arithmetic-v0'"
        )
    return EnvId(match["domain"], match["name"], int(match["version"]))
