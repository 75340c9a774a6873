"""Length-prefixed JSON frames: how the sandbox's processes talk over pipes.

A frame is a 4-byte big-endian length and that many bytes of UTF-8 JSON. Readers bound the
length, so a process that writes garbage cannot make its reader allocate without limit.
"""

from __future__ import annotations

import json
import os
import struct
from typing import Any, BinaryIO

HEADER = struct.Struct(">I")
MAX_FRAME_BYTES = 64 * 1024 * 1024


class FrameError(Exception):
    """A malformed, truncated or oversized frame."""


def pack(message: Any) -> bytes:
    data = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return HEADER.pack(len(data)) + data


def write_frame(fd: int, message: Any) -> None:
    """Write one frame to the file descriptor ``fd`` (all of it, across short writes)."""
    view = memoryview(pack(message))
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_frame(stream: BinaryIO, limit: int = MAX_FRAME_BYTES) -> Any:
    """The next frame's message, or ``None`` at a clean end of stream."""
    header = stream.read(HEADER.size)
    if not header:
        return None
    if len(header) < HEADER.size:
        raise FrameError("the stream ended inside a frame header")
    (size,) = HEADER.unpack(header)
    if size > limit:
        raise FrameError(f"frame of {size:,} bytes is over the limit of {limit:,}")
    data = stream.read(size)
    if len(data) < size:
        raise FrameError("the stream ended inside a frame")
    try:
        return json.loads(data)
    except ValueError as error:
        raise FrameError(f"frame is not JSON: {error}") from None
