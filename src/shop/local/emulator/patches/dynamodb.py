"""Flaws of moto's DynamoDB that the local stack must not inherit (moto 5.x).

1. Requests run concurrently without isolation: a TransactWriteItems that fails applies
   its writes one by one and then swaps in a copy of each table taken beforehand, so a
   concurrent reader (the outbox relay) sees writes that never happened, and a
   concurrent writer's change is wiped by the swap.
2. The swapped-in copy carries a copy of the stream shard, while shard iterators taken
   earlier keep reading the discarded shard — with the rolled-back records in it — and
   never see a later write: events are published that never happened, and real ones lost.
3. That copy is a deep copy of every table the transaction names, items and stream
   records included: each transaction costs time and memory in proportion to everything
   the table ever held, and a stack slows down and grows as it serves.

The fix: one lock around every DynamoDB and DynamoDB Streams backend call (real DynamoDB
transactions are isolated); moto's table copy is skipped, and a failed transaction instead
puts back only the items it names and cuts the live stream back to what it held before.
"""

from __future__ import annotations

import copy
import functools
import threading
import types
from collections.abc import Callable
from typing import Any

from shop.local.emulator.patches.once import applied_once

backend_lock = threading.RLock()  # held by every DynamoDB backend call, and by housekeeping
_in_transaction = threading.local()


@applied_once
def install() -> None:
    """Patch moto's backends in this process."""
    import moto.dynamodb.models as dynamodb_models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    for backend in (DynamoDBBackend, DynamoDBStreamsBackend):
        for name, attribute in list(vars(backend).items()):
            if _is_plain_method(name, attribute):
                setattr(backend, name, _serialised(attribute))
    dynamodb_models.copy = _copy_without_table_backups()  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = _rolling_back_what_it_touched(  # type: ignore[method-assign]
        DynamoDBBackend.transact_write_items
    )


def _is_plain_method(name: str, attribute: Any) -> bool:
    wrapped = (staticmethod, classmethod, property, type)
    return callable(attribute) and not name.startswith("_") and not isinstance(attribute, wrapped)


def _serialised(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with backend_lock:
            return method(*args, **kwargs)

    return locked


def _copy_without_table_backups() -> types.ModuleType:
    """The `copy` module as moto's DynamoDB backend sees it: during a transaction, its
    "backup" of a table is the table itself (the rollback below restores what it must)."""
    from moto.dynamodb.models.table import Table

    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if isinstance(value, Table) and getattr(_in_transaction, "active", False):
            return value
        return copy.deepcopy(value, memo)

    shim = types.ModuleType("copy")
    shim.__dict__.update(vars(copy))
    shim.deepcopy = deepcopy  # type: ignore[attr-defined]
    return shim


def _rolling_back_what_it_touched(transact: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(transact)
    def transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> Any:
        with backend_lock:
            before = _TouchedState(backend, transact_items)
            _in_transaction.active = True
            try:
                return transact(backend, transact_items)
            except Exception:
                before.restore()
                raise
            finally:
                _in_transaction.active = False

    return transact_write_items


class _TouchedState:
    """Copies of the items a transaction names (or None where there was none), and the
    length of each stream shard, taken before it runs."""

    def __init__(self, backend: Any, transact_items: list[dict[str, Any]]) -> None:
        from moto.dynamodb.models.dynamo_type import DynamoType

        self.items: list[tuple[Any, Any, Any, Any]] = []  # (table, hash, range, item copy or None)
        self.shards: dict[str, tuple[Any, int]] = {}
        for operation in transact_items:
            for kind, op in operation.items():
                table = backend.tables.get(op.get("TableName"))
                key = op.get("Item") if kind == "Put" else op.get("Key")
                if table is None or not isinstance(key, dict) or table.hash_key_attr not in key:
                    continue  # moto rejects it before writing anything
                hash_value = DynamoType(key[table.hash_key_attr])
                range_attr = table.range_key_attr
                range_value = DynamoType(key[range_attr]) if range_attr and range_attr in key else None
                current = table.get_item(hash_value, range_value)
                self.items.append((table, hash_value, range_value, copy.deepcopy(current)))
                if table.stream_shard is not None:
                    self.shards.setdefault(table.name, (table.stream_shard, len(table.stream_shard.items)))

    def restore(self) -> None:
        for table, hash_value, range_value, item in reversed(self.items):
            if range_value is None:
                if item is None:
                    table.items.pop(hash_value, None)
                else:
                    table.items[hash_value] = item
            elif item is None:
                table.items.get(hash_value, {}).pop(range_value, None)
            else:
                table.items[hash_value][range_value] = item
        for shard, length in self.shards.values():
            del shard.items[length:]  # the records of writes that never happened
