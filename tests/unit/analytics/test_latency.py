"""The latency histogram: buckets and percentiles."""

from __future__ import annotations

from itertools import pairwise

import pytest

from shop.analytics.domain.latency import BOUNDS_MS, OVERFLOW, bucket_of, percentile_ms, upper_bound_ms


@pytest.mark.parametrize(("ms", "bound"), [(0, 10), (10, 10), (11, 12), (338, 381), (1000, 1076)])
def test_a_latency_falls_in_the_first_bucket_whose_bound_holds_it(ms: int, bound: int) -> None:
    assert upper_bound_ms(bucket_of(ms)) == bound


def test_bounds_grow_by_at_most_a_fifth_and_latencies_beyond_them_overflow() -> None:
    assert all(b > a and b <= a * 1.2 + 1 for a, b in pairwise(BOUNDS_MS))
    assert bucket_of(BOUNDS_MS[-1] + 1) == OVERFLOW
    assert upper_bound_ms(OVERFLOW) is None


def test_percentiles_use_the_nearest_rank() -> None:
    counts = {bucket_of(100): 9, bucket_of(5000): 1}
    assert percentile_ms(counts, 0.5) == upper_bound_ms(bucket_of(100))
    assert percentile_ms(counts, 0.9) == upper_bound_ms(bucket_of(100))  # rank 9 of 10
    assert percentile_ms(counts, 0.99) == upper_bound_ms(bucket_of(5000))


def test_no_sample_no_percentile_and_negative_counts_are_ignored() -> None:
    assert percentile_ms({}, 0.5) is None
    assert percentile_ms({3: -1}, 0.5) is None
    assert percentile_ms({OVERFLOW: 1}, 0.5) is None


def test_one_sample_is_every_percentile() -> None:
    for fraction in (0.01, 0.5, 0.99):
        assert percentile_ms({bucket_of(100): 1}, fraction) == upper_bound_ms(bucket_of(100))


def test_the_lowest_rank_is_the_first_sample() -> None:
    counts = {bucket_of(10): 1, bucket_of(100): 9}
    assert percentile_ms(counts, 0.01) == 10  # rank 1 of 10, never 2


def test_a_rank_halfway_between_two_samples_rounds_up() -> None:
    counts = {bucket_of(10): 2, bucket_of(100): 1, bucket_of(1000): 7}
    assert percentile_ms(counts, 0.25) == upper_bound_ms(bucket_of(100))  # 2.5 → rank 3


def test_a_bucket_emptied_by_its_hours_counts_no_sample() -> None:
    assert percentile_ms({bucket_of(10): 0, bucket_of(100): 1}, 0.5) == upper_bound_ms(bucket_of(100))
