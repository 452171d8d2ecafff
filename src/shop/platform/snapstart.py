"""Lambda SnapStart (python3.12): an execution environment can be restored from a snapshot
taken after init, many times over. What init left behind must not be shared by every
restored copy: the random generator's state, and any open connection (the peer has long
closed it). The clock needs nothing: SystemClock reads the time at each call, nothing
caches it. Without SnapStart (or off Lambda) `snapshot_restore_py` is absent: no-op."""

from __future__ import annotations

import random
from functools import cache


def after_restore() -> None:
    # imported here: meta's static pages need neither, and botocore costs its cold start 50 ms
    from shop.platform import api_client, aws

    random.seed()  # every restored copy draws its own numbers (ids use os.urandom already)
    aws.reset_clients()  # a client made before the snapshot would reuse dead connections
    api_client.reset_pool()


@cache
def register_restore_hooks() -> bool:
    """Run `after_restore` after each restore; once per process, whoever calls it first."""
    try:
        from snapshot_restore_py import register_after_restore  # type: ignore[import-not-found]
    except ImportError:
        return False
    register_after_restore(after_restore)
    return True
