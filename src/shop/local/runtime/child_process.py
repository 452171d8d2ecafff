"""What the stack's child processes (the emulator, the fork server and the functions' execution
environments) share: the environment they start with, and how messages cross their pipes."""

from __future__ import annotations

import json
import os
import select
import struct
import sys
import tempfile
import time
from typing import IO, Any

_LENGTH = struct.Struct(">I")


def child_environment(overrides: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment (the stack has set its variables there), plus its import
    path, so a child imports the same code (tests register handler modules on sys.path)."""
    env = dict(os.environ)
    env.update(overrides or {})
    env["PYTHONPATH"] = os.pathsep.join(entry for entry in sys.path if entry and os.path.isdir(entry))
    env["PYTHONUNBUFFERED"] = "1"  # a child's log lines appear as they are written
    if "PYTHONPYCACHEPREFIX" not in env:
        # Bytecode halves a cold start; cached outside the source tree, which stays clean
        # (the reason `make` sets PYTHONDONTWRITEBYTECODE).
        env["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), f"shop-local-pycache-{os.getuid()}")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def read_line(stream: IO[str], timeout: float) -> str:
    """One line from a child that answers one line per request; "" on timeout or end of file."""
    ready, _, _ = select.select([stream], [], [], timeout)
    return stream.readline() if ready else ""


def send_message(fd: int, message: dict[str, Any]) -> None:
    """One JSON message, prefixed with its length (the pipe carries nothing else)."""
    payload = json.dumps(message, separators=(",", ":")).encode("utf-8")
    view = memoryview(_LENGTH.pack(len(payload)) + payload)
    while view:
        view = view[os.write(fd, view) :]


def receive_message(fd: int, deadline: float | None = None) -> dict[str, Any] | None:
    """The next message, or None at end of file; TimeoutError past `deadline` (monotonic)."""
    header = _read_exact(fd, _LENGTH.size, deadline)
    if header is None:
        return None
    (length,) = _LENGTH.unpack(header)
    payload = _read_exact(fd, length, deadline)
    if payload is None:
        return None
    message: dict[str, Any] = json.loads(payload)
    return message


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes | None:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, remaining)
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
