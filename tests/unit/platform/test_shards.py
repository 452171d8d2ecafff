from collections import Counter

from shop.platform.shards import shard_of


def test_a_key_always_picks_the_same_shard_and_keys_spread_over_all() -> None:
    assert shard_of("o-1", 8) == shard_of("o-1", 8) == 4  # fixed across processes: sha256, not hash()
    picked = Counter(shard_of(f"o-{n}", 8) for n in range(800))
    assert set(picked) == set(range(8))
    assert max(picked.values()) < 2 * min(picked.values())
