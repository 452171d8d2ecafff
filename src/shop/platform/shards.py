"""Write sharding: running totals split over a few items, so concurrent writers rarely
contend for one item, and every write of one order (or cart) lands in the same one."""

import hashlib


def shard_of(key: str, shards: int) -> int:
    """The shard, 0 to shards - 1, that `key` always picks (the same in every process, unlike
    `hash()`, which Python salts per interpreter)."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % shards
