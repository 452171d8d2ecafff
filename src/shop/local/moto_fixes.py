"""Two flaws of moto's DynamoDB that the local stack must not inherit (moto 5.x).

1. Requests run concurrently without isolation: a TransactWriteItems that fails applies
   its writes one by one and then swaps in a copy of each table taken beforehand, so a
   concurrent reader (the outbox relay) sees writes that never happened, and a
   concurrent writer's change is wiped by the swap.
2. The swapped-in copy carries a copy of the stream shard, while shard iterators taken
   earlier keep reading the discarded shard — with the rolled-back records in it — and
   never see a later write: events are published that never happened, and real ones lost.

The fix: one lock around every DynamoDB and DynamoDB Streams backend call (real DynamoDB
transactions are isolated), and after a failed transaction the restored table keeps the
live shard, cut back to what it held before.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

_lock = threading.RLock()
_installed = False


def install() -> None:
    """Patch moto's backends in this process; idempotent."""
    global _installed  # noqa: PLW0603 - a process-wide patch is applied once
    with _lock:
        if _installed:
            return
        from moto.dynamodb.models import DynamoDBBackend
        from moto.dynamodbstreams.models import DynamoDBStreamsBackend

        for backend in (DynamoDBBackend, DynamoDBStreamsBackend):
            for name, attribute in list(vars(backend).items()):
                if _is_plain_method(name, attribute):
                    setattr(backend, name, _serialised(attribute))
        DynamoDBBackend.transact_write_items = _keeping_live_shards(  # type: ignore[method-assign]
            DynamoDBBackend.transact_write_items
        )
        _installed = True


def _is_plain_method(name: str, attribute: Any) -> bool:
    wrapped = (staticmethod, classmethod, property, type)
    return callable(attribute) and not name.startswith("_") and not isinstance(attribute, wrapped)


def _serialised(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            return method(*args, **kwargs)

    return locked


def _keeping_live_shards(transact: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(transact)
    def transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> Any:
        with _lock:
            names = {op.get("TableName") for item in transact_items for op in item.values()}
            live = {
                name: (backend.tables[name].stream_shard, len(backend.tables[name].stream_shard.items))
                for name in names
                if name in backend.tables and backend.tables[name].stream_shard is not None
            }
            try:
                return transact(backend, transact_items)
            except Exception:
                for name, (shard, length) in live.items():
                    table = backend.tables[name]
                    if table.stream_shard is not shard:  # moto swapped in its backup copy
                        del shard.items[length:]
                        shard.table = table
                        table.stream_shard = shard
                raise

    return transact_write_items
