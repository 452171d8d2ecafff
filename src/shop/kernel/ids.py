"""Opaque, time-sortable identifiers (ULIDs, https://github.com/ulid/spec) chosen by the server.

Written here rather than imported: python-ulid reads its own package metadata when imported,
≈ 2 ms of the cold start of every function that makes ids, for a dozen lines of arithmetic."""

import os
import threading
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # base32 without I, L, O, U
_last = [0]  # the last id made in this process, as its 128-bit value
_making = threading.Lock()


def new_id() -> str:
    """48 bits of Unix time in milliseconds, then 80 random bits: 128 bits as 26 characters.
    Monotonic, as the spec allows: within one millisecond (or if the clock steps back) an id is
    the last one plus one, so ids sort in the order this process made them."""
    with _making:
        value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10))  # big-endian
        if value >> 80 <= _last[0] >> 80:
            value = _last[0] + 1
        _last[0] = value
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))
