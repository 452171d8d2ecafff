"""A patch of moto's models is process-wide: each module's `install()` applies it once."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable


def applied_once(patch: Callable[[], None]) -> Callable[[], None]:
    """`patch` runs on the first call only, whichever thread makes it; later calls return."""
    lock = threading.Lock()
    applied = False

    @functools.wraps(patch)
    def install() -> None:
        nonlocal applied
        with lock:
            if not applied:
                patch()
                applied = True

    return install
