"""Fault injection for the chaos suite (tests/chaos): the services carry no test hooks.

`SHOP_CHAOS` names a fault plan, a JSON file. Only the local stack's processes read it: an
execution environment (worker.py) registers botocore event handlers on every session it
creates, and the moto process (moto_process.py) wraps SQS's send. Nothing else changes, so
the code under test is the code that ships. The plan:

    {"enabled": true, "seed": 7, "log": "/tmp/faults.jsonl",
     "rates": {"<fault>": probability per chance}, "limits": {"<fault>": most injections},
     "queues": ["shop-orders-events", ...]}

A process re-reads it when it changes (the suite turns faults on after its set-up and off
before the queues drain), and appends one JSON line per injected fault to `log`, before the
fault acts (a killed process has written its line). The faults, where each can happen:

- `dynamodb_throttle`: ProvisionedThroughputExceededException or ThrottlingException. In an
  HTTP function it is sent back as the emulator's answer, so botocore's retries absorb it as
  they would on AWS; in an events or relay function it reaches the code, as when the retries
  are exhausted.
- `transaction_conflict`: TransactWriteItems cancelled with `TransactionConflict` (events).
- `sns_publish_failure`: the relay's PublishBatch fails outright, or answers every entry Failed.
- `consumer_crash`: an events function's process exits mid-batch, after a write of an earlier
  record of the batch went through (the whole batch comes back).
- `environment_killed`: SIGKILL of the execution environment before or after an AWS call of
  an events or relay function (after: its effect is done, the answer is lost).
- `duplicate_delivery`, `delayed_delivery`: a message sent to an event queue (by SNS's fan-out)
  is stored twice, or becomes visible only after a few seconds (so later ones overtake it).
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import threading
from collections.abc import Callable
from typing import Any

PLAN_VARIABLE = "SHOP_CHAOS"
FAULTS = (
    "dynamodb_throttle",
    "transaction_conflict",
    "sns_publish_failure",
    "consumer_crash",
    "environment_killed",
    "duplicate_delivery",
    "delayed_delivery",
)
_ENTRY_ID = re.compile(r"PublishBatchRequestEntries\.member\.\d+\.Id")
_WRITES = frozenset({"TransactWriteItems", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"})
Handler = Callable[[dict[str, Any], Any], Any]


class Plan:
    """The fault plan as this process last read it, and its decisions."""

    def __init__(self, path: str, where: str) -> None:
        self.path = path
        self.where = where
        self._mtime = -1.0
        self._raw: dict[str, Any] = {}
        self._random = random.Random(f"{where}:{os.getpid()}")  # noqa: S311 - faults, not secrets
        self._lock = threading.Lock()

    def _current(self) -> dict[str, Any]:
        try:
            mtime = os.stat(self.path).st_mtime
        except OSError:
            return {}
        if mtime != self._mtime:
            try:
                with open(self.path, encoding="utf-8") as file:
                    self._raw = json.load(file)
            except ValueError:  # being rewritten: keep the last plan until the next call
                return self._raw
            self._mtime = mtime
            self._random.seed(f"{self._raw.get('seed', 0)}:{self.where}:{os.getpid()}")
        return self._raw

    def queues(self) -> frozenset[str]:
        return frozenset(self._current().get("queues", ()))

    def draw(self, fault: str) -> bool:
        """Whether to inject `fault` now (and if so, it is logged as injected)."""
        with self._lock:
            plan = self._current()
            if not plan.get("enabled"):
                return False
            if self._random.random() >= float(plan.get("rates", {}).get(fault, 0.0)):
                return False
            limit = plan.get("limits", {}).get(fault)
            if limit is not None and injected(plan["log"]).get(fault, 0) >= int(limit):
                return False
            _append(plan["log"], {"fault": fault, "where": self.where, "pid": os.getpid()})
            return True

    def uniform(self, low: float, high: float) -> float:
        with self._lock:
            return self._random.uniform(low, high)


def injected(log_path: str) -> dict[str, int]:
    """How many faults of each kind the log records."""
    counts: dict[str, int] = {}
    try:
        with open(log_path, encoding="utf-8") as file:
            for line in file:
                try:
                    fault = str(json.loads(line)["fault"])
                except (ValueError, KeyError):
                    continue  # a line cut short by a kill
                counts[fault] = counts.get(fault, 0) + 1
    except FileNotFoundError:
        pass
    return counts


def _append(log_path: str, record: dict[str, Any]) -> None:
    # One write of one short line to a file opened O_APPEND: lines of many processes do not mix.
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (json.dumps(record) + "\n").encode())
    finally:
        os.close(fd)


# -- execution environments -----------------------------------------------------------------


class _Invocation:
    """What the faults of an events function need to know of the invocation in progress."""

    def __init__(self) -> None:
        self.records = 0
        self.writes_done = 0


def install(dotted_path: str, load: Callable[[], Handler]) -> Handler:
    """Register the faults on every botocore session this process creates, then load the handler
    (its clients are created after this) and return it wrapped to follow its invocations."""
    import botocore.session

    kind = "relay" if dotted_path.endswith("outbox_relay.handler") else dotted_path.split(".")[-2]
    plan = Plan(os.environ[PLAN_VARIABLE], dotted_path)
    invocation = _Invocation()
    hooks = _Hooks(plan, kind, invocation)
    create_session = botocore.session.get_session

    def get_session(env_vars: Any = None) -> Any:
        session = create_session(env_vars)
        hooks.register(session)
        return session

    botocore.session.get_session = get_session
    function = load()

    def handler(event: dict[str, Any], context: Any) -> Any:
        invocation.records = len(event.get("Records") or ())
        invocation.writes_done = 0
        return function(event, context)

    return handler


class _Hooks:
    def __init__(self, plan: Plan, kind: str, invocation: _Invocation) -> None:
        self.plan = plan
        self.kind = kind  # "http", "events" or "relay"
        self.invocation = invocation

    def register(self, session: Any) -> None:
        if self.kind == "http":
            session.register("before-send.dynamodb", self.retried_throttle)
        else:
            session.register("before-call", self.before_call)
            session.register("after-call", self.after_call)

    def retried_throttle(self, request: Any, **_: Any) -> Any:
        if not self.plan.draw("dynamodb_throttle"):
            return None
        from botocore.awsrequest import AWSResponse, HTTPHeaders

        body = json.dumps(
            {
                "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "message": "The level of configured provisioned throughput for the table was exceeded.",
            }
        ).encode()
        headers = HTTPHeaders()
        headers["x-amzn-RequestId"] = "chaos"
        headers["Content-Type"] = "application/x-amz-json-1.0"
        return AWSResponse(request.url, 400, headers, _Raw(body))

    def before_call(self, model: Any, params: Any, event_name: str, **_: Any) -> Any:
        service, operation = event_name.split(".")[1:3]
        if self.plan.draw("environment_killed"):
            os.kill(os.getpid(), signal.SIGKILL)
        if service == "sns" and operation == "PublishBatch" and self.plan.draw("sns_publish_failure"):
            return self._sns_failure(params)
        if service != "dynamodb" or self.kind != "events":
            return None
        if (
            operation in _WRITES
            and self.invocation.records > 1
            and self.invocation.writes_done > 0
            and self.plan.draw("consumer_crash")
        ):
            os._exit(70)  # mid-batch: an earlier record's write went through
        if operation == "TransactWriteItems" and self.plan.draw("transaction_conflict"):
            return _transaction_conflict(params)
        if self.plan.draw("dynamodb_throttle"):
            return _error(
                self._throttle_code(), "Rate of requests exceeds the allowed throughput (injected)."
            )
        return None

    def after_call(self, event_name: str, http_response: Any, **_: Any) -> None:
        service, operation = event_name.split(".")[1:3]
        if service == "dynamodb" and operation in _WRITES and http_response.status_code < 300:
            self.invocation.writes_done += 1
        if self.plan.draw("environment_killed"):
            os.kill(os.getpid(), signal.SIGKILL)

    def _throttle_code(self) -> str:
        return (
            "ProvisionedThroughputExceededException"
            if self.plan.uniform(0, 1) < 0.5
            else "ThrottlingException"
        )

    def _sns_failure(self, params: Any) -> Any:
        if self.plan.uniform(0, 1) < 0.5:
            return _error("InternalError", "Internal failure (injected).", status=500)
        body = params.get("body") or {}  # SNS speaks the query protocol: a flat form
        ids = [value for name, value in body.items() if _ENTRY_ID.fullmatch(name)]
        failed = [
            {"Id": id_, "Code": "InternalError", "Message": "injected", "SenderFault": False} for id_ in ids
        ]
        return _ok({"Successful": [], "Failed": failed})


class _Raw:
    """The raw body botocore reads from an AWSResponse."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


def _response(status: int, parsed: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from botocore.awsrequest import AWSResponse, HTTPHeaders

    parsed["ResponseMetadata"] = {"RequestId": "chaos", "HTTPStatusCode": status, "HTTPHeaders": {}}
    return AWSResponse("", status, HTTPHeaders(), _Raw(b"")), parsed


def _ok(parsed: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    return _response(200, parsed)


def _error(code: str, message: str, *, status: int = 400, **extra: Any) -> tuple[Any, dict[str, Any]]:
    return _response(status, {"Error": {"Code": code, "Message": message}, **extra})


def _transaction_conflict(params: Any) -> tuple[Any, dict[str, Any]]:
    """As DynamoDB answers when another transaction holds one of the items: that item's reason is
    TransactionConflict, the others None."""
    items = json.loads(params.get("body") or b"{}").get("TransactItems", [])  # DynamoDB speaks JSON
    reasons = [{"Code": "None"} for _ in items]
    if reasons:
        reasons[-1] = {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
    message = "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]".format(
        ", ".join(reason["Code"] for reason in reasons)
    )
    return _error("TransactionCanceledException", message, CancellationReasons=reasons)


# -- the emulator ---------------------------------------------------------------------------


def install_emulator() -> None:
    """Duplicate and delay some of the messages sent to the plan's queues (moto's process)."""
    from moto.sqs.models import SQSBackend

    plan = Plan(os.environ[PLAN_VARIABLE], "emulator")
    send = SQSBackend.send_message

    def send_message(self: Any, queue_name: str, message_body: str, *args: Any, **kwargs: Any) -> Any:
        if queue_name not in plan.queues():
            return send(self, queue_name, message_body, *args, **kwargs)
        if plan.draw("delayed_delivery"):
            kwargs["delay_seconds"] = round(plan.uniform(1, 4))
        message = send(self, queue_name, message_body, *args, **kwargs)
        if plan.draw("duplicate_delivery"):
            send(self, queue_name, message_body, *args, **kwargs)
        return message

    SQSBackend.send_message = send_message  # type: ignore[method-assign]
