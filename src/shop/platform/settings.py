"""Settings of a function, from its environment: read when used, never at import, so the
same module serves AWS, LocalStack and the local stack, and tests can set them late."""

from __future__ import annotations

import os


def setting(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"the environment variable {name} is not set")
    return value
