"""Length-prefixed JSON frames: how the sandbox's processes talk over pipes.

A frame is a 4-byte big-endian length and that many bytes of UTF-8 JSON. Readers bound the
length (and, for frames written by untrusted code, the nesting depth), so a process that writes
garbage cannot make its reader allocate without limit or overflow its stack: every malformed
frame is a :class:`FrameError`, never another exception.
"""

from __future__ import annotations

import json
import os
import re
import struct
from typing import Any, BinaryIO

HEADER = struct.Struct(">I")
MAX_FRAME_BYTES = 64 * 1024 * 1024
SURROGATE = re.compile("[\ud800-\udfff]")
MAX_RESULT_BYTES = 16 * 1024 * 1024
"""The most a run may write to its result pipe; the server reads no further."""
MAX_RESULT_DEPTH = 400
"""Deepest nesting accepted in a result frame: above what an encoded plain value needs
(:data:`rlvr.verifiers.plainvalue.MAX_DEPTH` levels, at most three JSON levels each), far below
the depth at which encoding the server's reply or decoding it would recurse too deeply."""


class FrameError(Exception):
    """A malformed, truncated, oversized or too deeply nested frame."""


def pack(message: Any) -> bytes:
    text = json.dumps(message, separators=(",", ":"), ensure_ascii=False)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates (a candidate's strings): escape them in JSON
        data = SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode("utf-8")
    return HEADER.pack(len(data)) + data


def write_frame(fd: int, message: Any) -> None:
    """Write one frame to the file descriptor ``fd`` (all of it, across short writes)."""
    write_packed(fd, pack(message))


def write_packed(fd: int, data: bytes) -> None:
    """Write the packed frame ``data`` to ``fd``, all of it."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_frame(stream: BinaryIO, limit: int = MAX_FRAME_BYTES, depth: int | None = None) -> Any:
    """The next frame's message, or ``None`` at a clean end of stream; with ``depth``, a frame
    nested deeper than that is refused."""
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
    return parse(data, depth)


def parse(data: bytes, depth: int | None = None) -> Any:
    """The message of a frame's body (see :func:`read_frame`)."""
    try:
        message = json.loads(data)
    except RecursionError:
        raise FrameError("frame is nested too deeply") from None
    except ValueError as error:
        raise FrameError(f"frame is not JSON: {error}") from None
    if depth is not None and _deeper_than(message, depth, data):
        raise FrameError(f"frame is nested deeper than {depth} levels")
    return message


def _deeper_than(message: Any, depth: int, data: bytes) -> bool:
    """Whether ``message`` (parsed from ``data``) nests lists and objects deeper than ``depth``,
    found without recursion."""
    if data.count(b"[") + data.count(b"{") <= depth:
        return False  # the cheap test first: a frame with few brackets cannot be deep
    stack = [(message, 1)] if isinstance(message, (list, dict)) else []
    while stack:
        value, level = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        if level > depth:
            return True
        stack.extend((child, level + 1) for child in children if isinstance(child, (list, dict)))
    return False
