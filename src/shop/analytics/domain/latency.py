"""202→CONFIRMED latency as a histogram: fixed log-scale buckets (each ≈19 % wider than the
last, 10 ms to ≈9 min), so hours add up by adding counts and a percentile is off by at most
one bucket's width."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Mapping

# Upper bounds in milliseconds; a latency above the last bound lands in an overflow bucket.
BOUNDS_MS: tuple[int, ...] = tuple(round(10 * 2 ** (k / 4)) for k in range(64))
OVERFLOW = len(BOUNDS_MS)


def bucket_of(milliseconds: int) -> int:
    return bisect_left(BOUNDS_MS, max(milliseconds, 0))


def upper_bound_ms(bucket: int) -> int | None:
    """The bucket's upper bound; None for the overflow bucket (no bound)."""
    return BOUNDS_MS[bucket] if 0 <= bucket < OVERFLOW else None


def percentile_ms(counts: Mapping[int, int], fraction: float) -> int | None:
    """The upper bound of the bucket holding the `fraction` quantile (nearest rank); None
    without samples, or when it falls in the overflow bucket."""
    total = sum(count for count in counts.values() if count > 0)
    if total == 0:
        return None
    rank = max(1, math.ceil(round(fraction * total, 9)))  # round: 0.9 * 10 must be rank 9, not 10
    seen = 0
    for bucket in sorted(counts):
        seen += max(counts[bucket], 0)
        if seen >= rank:
            return upper_bound_ms(bucket)
    return None
