"""The emulator's meter (`make cost`): every request moto serves, counted as AWS would bill it.

Installed in the emulator's process when the stack starts with `SHOP_METER=1`. It counts each
request by its caller (the function whose environment sent it: botocore's user-agent carries
`app/<function>`, which the worker sets; the stack's own pollers, relay and seed send none),
service and operation; DynamoDB's request units from the sizes of the items each request
reads or writes, as DynamoDB bills them (reads per 4 KB, strongly consistent 1, eventually
consistent ½, transactional 2; writes per 1 KB, transactional 2, a failed conditional write
too; one more write per global secondary index the item is in or leaves); the messages
published on each topic (a PublishBatch is one request of up to ten) and those SNS delivers to
each SQS queue. `snapshot` hands the tally to the stack over the command pipe.
"""

from __future__ import annotations

import functools
import inspect
import json
import math
import re
import threading
from base64 import b64decode
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

_APP_ID = re.compile(r"\bapp/([A-Za-z0-9._-]+)")
_lock = threading.Lock()
_requests: Counter[tuple[str, str, str]] = Counter()  # (caller, service, operation)
_units: defaultdict[tuple[str, str, str], float] = defaultdict(float)  # (caller, table, kind of unit)
_deliveries: Counter[str] = Counter()  # queue name -> messages SNS delivered to it
_published: Counter[str] = Counter()  # topic name -> messages published on it
_scanned = threading.local()  # bytes a Query read before its filter and projection
_installed = False

READ_UNIT_BYTES = 4096
WRITE_UNIT_BYTES = 1024
_BILLED_ERRORS = ("ConditionalCheckFailed", "TransactionCanceled")  # failed writes still consume units


def install() -> None:
    """Wrap moto's request dispatch, its Query and its SQS sends in this process; idempotent."""
    global _installed  # noqa: PLW0603 - a process-wide patch is applied once
    if _installed:
        return
    from moto.core.responses import BaseResponse
    from moto.dynamodb.models.table import Table
    from moto.sns.models import SNSBackend
    from moto.sqs.models import SQSBackend

    BaseResponse.call_action = _metered(BaseResponse.call_action)  # type: ignore[method-assign]
    Table.query = _measuring_query(Table.query)  # type: ignore[method-assign]
    SQSBackend.send_message = _counting_deliveries(SQSBackend.send_message)  # type: ignore[method-assign]
    SNSBackend.publish = _counting_publishes(SNSBackend.publish)  # type: ignore[method-assign]
    _installed = True


def snapshot(reset: bool = False) -> dict[str, Any]:
    """The tally so far (and start a new one if `reset`)."""
    with _lock:
        tally = {
            "requests": [[*key, count] for key, count in sorted(_requests.items())],
            "units": [[*key, round(units, 2)] for key, units in sorted(_units.items())],
            "deliveries": dict(sorted(_deliveries.items())),
            "published": dict(sorted(_published.items())),
            "installed": _installed,
        }
        if reset:
            for tally_of in (_requests, _units, _deliveries, _published):
                tally_of.clear()
    return tally


# -- item sizes, as DynamoDB counts them ------------------------------------------------------


def item_size(item: dict[str, Any]) -> int:
    """An item's size in bytes: its attribute names plus their values (AttributeValue JSON)."""
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def value_size(value: dict[str, Any]) -> int:
    (kind, content), *_ = value.items()
    if kind in ("L", "M"):  # 3 bytes for the container, 1 per element
        elements = content.items() if kind == "M" else (("", element) for element in content)
        return 3 + sum(1 + len(name.encode()) + value_size(element) for name, element in elements)
    if kind in ("SS", "NS", "BS"):
        return sum(value_size({kind[0]: element}) for element in content)
    return _SCALAR_SIZES[kind](content)


def _number_size(text: str) -> int:
    digits = text.lstrip("-").replace(".", "").strip("0") or "0"
    return math.ceil(len(digits) / 2) + 1  # a byte per two significant digits, and one


_SCALAR_SIZES: dict[str, Callable[[Any], int]] = {
    "S": lambda text: len(text.encode()),
    "N": _number_size,
    "B": lambda data: len(b64decode(data)) if isinstance(data, str) else len(data),
    "BOOL": lambda _flag: 1,
    "NULL": lambda _flag: 1,
}


def read_units(size: int, *, consistent: bool, transactional: bool = False) -> float:
    units = max(1, math.ceil(size / READ_UNIT_BYTES))
    return units * 2 if transactional else units if consistent else units / 2


def write_units(size: int, *, transactional: bool = False) -> int:
    units = max(1, math.ceil(size / WRITE_UNIT_BYTES))
    return units * 2 if transactional else units


# -- the hooks ------------------------------------------------------------------------------------


def _metered(call_action: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(call_action)
    def call(self: Any) -> Any:
        service = str(self.service_name or "")
        operation = self._get_action()
        match = _APP_ID.search(self.headers.get("User-Agent", ""))
        caller = match.group(1) if match else ""
        if service == "sqs" and operation.startswith("SendMessage"):
            return call_action(self)  # counted where SNS's deliveries are counted too
        if service != "dynamodb":
            with _lock:
                _requests[caller, service, operation] += 1
            return call_action(self)
        from shop.local.emulator.patches.dynamodb import backend_lock

        with backend_lock:  # the items before and after, with no other write between
            body = self.body or "{}"
            request = body if isinstance(body, dict) else json.loads(body)
            tables = _Tables(self)
            before = tables.written_items(operation, request)
            _scanned.bytes = 0
            answer = call_action(self)
            status, _headers, body = answer
            billed = int(status) < 400 or any(error in str(body) for error in _BILLED_ERRORS)
            units = _units_of(operation, request, before, tables) if billed else []
        with _lock:
            _requests[caller, service, operation] += 1
            for table, kind, amount in units:
                _units[caller, table, kind] += amount
        return answer

    return call


def _measuring_query(query: Callable[..., Any]) -> Callable[..., Any]:
    """DynamoDB bills a Query for every item it read, before any filter or projection."""
    signature = inspect.signature(query)

    @functools.wraps(query)
    def measured(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.arguments["filter_expression"] = None
        bound.arguments["projection_expressions"] = None
        read, _count, _last = query(*bound.args, **bound.kwargs)
        _scanned.bytes = getattr(_scanned, "bytes", 0) + sum(
            item_size(item.to_json()["Attributes"]) for item in read
        )
        return query(*args, **kwargs)

    return measured


def _counting_deliveries(send_message: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(send_message)
    def send(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        with _lock:
            _deliveries[queue_name] += 1
        return send_message(self, queue_name, *args, **kwargs)

    return send


def _counting_publishes(publish: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(publish)

    @functools.wraps(publish)
    def published(*args: Any, **kwargs: Any) -> Any:
        topic_arn = str(signature.bind(*args, **kwargs).arguments.get("arn") or "")
        with _lock:
            _published[topic_arn.rsplit(":", 1)[-1]] += 1
        return publish(*args, **kwargs)

    return published


# -- DynamoDB's request units ---------------------------------------------------------------------

Unit = tuple[str, str, float]  # (table, read|write|index_write, units)
_Writes = list[tuple[str, dict[str, Any], dict[str, Any] | None]]  # (table, key, item before)


class _Tables:
    """The backend's tables as the request's account and region see them."""

    def __init__(self, response: Any) -> None:
        from moto.dynamodb.models import dynamodb_backends

        self._backend = dynamodb_backends[response.current_account][response.region]

    def key_of(self, table_name: str, item: dict[str, Any]) -> dict[str, Any]:
        table = self._backend.get_table(table_name)
        names = [table.hash_key_attr, table.range_key_attr]
        return {name: item[name] for name in names if name and name in item}

    def item(self, table_name: str, key: dict[str, Any]) -> dict[str, Any] | None:
        try:
            found = self._backend.get_item(table_name, key)
        except Exception:  # a table or key the request got wrong: moto answers the error
            return None
        return None if found is None else dict(found.to_json()["Attributes"])

    def index_keys(self, table_name: str) -> list[list[str]]:
        table = self._backend.get_table(table_name)
        return [[part["AttributeName"] for part in index.schema] for index in table.global_indexes]

    def written_items(self, operation: str, request: dict[str, Any]) -> _Writes:
        """Each item the request writes, by key, with what it held before."""
        targets: list[tuple[str, dict[str, Any]]] = []
        if operation in ("PutItem", "UpdateItem", "DeleteItem"):
            table = request["TableName"]
            targets.append((table, request.get("Key") or self.key_of(table, request["Item"])))
        elif operation == "TransactWriteItems":
            for entry in request.get("TransactItems", []):
                (kind, action), *_ = entry.items()
                if kind != "ConditionCheck":
                    table = action["TableName"]
                    targets.append((table, action.get("Key") or self.key_of(table, action["Item"])))
        elif operation == "BatchWriteItem":
            for table, entries in request.get("RequestItems", {}).items():
                for entry in entries:
                    put = entry.get("PutRequest")
                    key = self.key_of(table, put["Item"]) if put else entry["DeleteRequest"]["Key"]
                    targets.append((table, key))
        return [(table, key, self.item(table, key)) for table, key in targets]


def _units_of(operation: str, request: dict[str, Any], before: _Writes, tables: _Tables) -> list[Unit]:
    if operation in ("GetItem", "TransactGetItems", "BatchGetItem"):
        return _reads(operation, request, tables)
    if operation in ("Query", "Scan"):
        consistent = bool(request.get("ConsistentRead"))
        return [(request["TableName"], "read", read_units(_scanned.bytes, consistent=consistent))]
    transactional = operation == "TransactWriteItems"
    units: list[Unit] = []
    for table, key, old in before:
        new = tables.item(table, key)
        old_size = item_size(old) if old else 0
        new_size = item_size(new) if new else 0
        units.append((table, "write", write_units(max(old_size, new_size), transactional=transactional)))
        units += [(table, "index_write", n) for n in _index_writes(tables.index_keys(table), old, new)]
    if transactional:  # a condition check reads its item transactionally
        for entry in request.get("TransactItems", []):
            check = entry.get("ConditionCheck")
            if check:
                found = tables.item(check["TableName"], check["Key"])
                size = item_size(found) if found else 0
                units.append(
                    (check["TableName"], "read", read_units(size, consistent=True, transactional=True))
                )
    return units


def _reads(operation: str, request: dict[str, Any], tables: _Tables) -> list[Unit]:
    wanted: list[tuple[str, dict[str, Any], bool]] = []
    if operation == "GetItem":
        wanted.append((request["TableName"], request["Key"], bool(request.get("ConsistentRead"))))
    elif operation == "TransactGetItems":
        wanted += [
            (entry["Get"]["TableName"], entry["Get"]["Key"], True) for entry in request["TransactItems"]
        ]
    else:
        for table, asked in request.get("RequestItems", {}).items():
            wanted += [(table, key, bool(asked.get("ConsistentRead"))) for key in asked["Keys"]]
    transactional = operation == "TransactGetItems"
    units: list[Unit] = []
    for table, key, consistent in wanted:
        found = tables.item(table, key)
        size = item_size(found) if found else 0
        units.append((table, "read", read_units(size, consistent=consistent, transactional=transactional)))
    return units


def _index_writes(
    indexes: list[list[str]], old: dict[str, Any] | None, new: dict[str, Any] | None
) -> list[int]:
    """An index write per index the item is in after (a put), or leaves (a delete), or both when
    its index key changed; sized like the item (the indexes project ALL)."""
    writes: list[int] = []
    for names in indexes:
        old_key = [old.get(name) for name in names] if old and all(name in old for name in names) else None
        new_key = [new.get(name) for name in names] if new and all(name in new for name in names) else None
        if old_key is not None and old_key != new_key:
            writes.append(write_units(item_size(old)))  # type: ignore[arg-type]
        if new_key is not None:
            writes.append(write_units(item_size(new)))  # type: ignore[arg-type]
    return writes
