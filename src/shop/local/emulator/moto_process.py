"""`python -m shop.local.emulator.moto_process`: moto's server in a process of its own, so the
emulator's CPU never shares a GIL with the gateway, with the stack's fixes installed and
its housekeeping done here.

It writes one JSON line `{"port": N}` on stdout once it serves, then answers one JSON
line per command read on stdin (`{"op": "trim_stream", "args": {...}}`; `mailbox` reads the
local mailbox, which lives here, and `mail_topic` fills it from a topic), and exits when
stdin closes: the stack that started it stopped or died.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

log = logging.getLogger("shop.local.emulator")

ITERATOR_MAX_AGE_SECONDS = 15 * 60  # as on AWS
HOUSEKEEPING_INTERVAL_SECONDS = 60.0


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the stack stops us
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # anything moto prints goes to stderr
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per AWS call otherwise

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from shop.local.edge.loopback import for_local_tools_only
    from shop.local.emulator import mailbox, meter, notification_mail, patches

    patches.install()
    if os.environ.get("SHOP_METER"):  # `make cost` counts what the stack asks of AWS
        meter.install()
    if os.environ.get("SHOP_CHAOS"):  # the chaos suite's fault plan: see shop/local/test_support/chaos.py
        from shop.local.test_support.chaos import install_emulator

        install_emulator()
    # moto's ThreadedMotoServer, guarded: no web page may reach the emulator (edge/loopback.py).
    app = for_local_tools_only(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    expiry = IteratorExpiry()
    housekeeping = threading.Thread(
        target=expiry.run_every, args=(HOUSEKEEPING_INTERVAL_SECONDS,), daemon=True
    )
    housekeeping.start()
    _reply(replies, {"port": server.server_port})
    commands: dict[str, Callable[..., Any]] = {
        "trim_stream": trim_stream,
        "expire_iterators": expiry.expire_older_than,
        "stream_stats": stream_stats,
        "mailbox": mailbox.messages,
        "mail_topic": notification_mail.install,
        "meter": meter.snapshot,
    }
    for line in sys.stdin:
        try:
            request = json.loads(line)
            result = commands[request["op"]](**request.get("args", {}))
            _reply(replies, {"ok": result})
        except Exception as exc:  # a bad command must not take the emulator down
            _reply(replies, {"error": repr(exc)})
    server.shutdown()
    return 0


def _reply(stream: TextIO, message: dict[str, Any]) -> None:
    stream.write(json.dumps(message) + "\n")


def _tables() -> list[Any]:
    from moto.dynamodb.models import dynamodb_backends

    return [
        table
        for account in list(dynamodb_backends.values())
        for backend in list(account.values())
        for table in list(backend.tables.values())
    ]


def trim_stream(table_name: str, up_to_sequence_number: str) -> int:
    """Drop the stream records up to and including this one (the relay has them); how many.

    DynamoDB Streams keeps records 24 hours; moto keeps them for ever, and every shard
    iterator and table copy carries them. The stack needs none it has delivered.
    """
    from shop.local.emulator.patches.dynamodb import backend_lock

    with backend_lock:
        dropped = 0
        for table in _tables():
            shard = table.stream_shard
            if table.name != table_name or shard is None:
                continue
            count = min(len(shard.items), int(up_to_sequence_number) - shard.starting_sequence_number + 1)
            if count > 0:
                del shard.items[:count]
                shard.starting_sequence_number += count  # sequence numbers go on where they were
                dropped += count
        return dropped


def stream_stats() -> dict[str, int]:
    """Stream records held per table, and shard iterators held in all (for tests)."""
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    from shop.local.emulator.patches.dynamodb import backend_lock

    with backend_lock:
        stats = {table.name: len(table.stream_shard.items) for table in _tables() if table.stream_shard}
        stats["shard_iterators"] = sum(
            len(backend.shard_iterators)
            for account in list(dynamodbstreams_backends.values())
            for backend in list(account.values())
        )
        return stats


class IteratorExpiry:
    """Expire moto's DynamoDB Streams shard iterators after 15 minutes, as AWS does.

    moto keeps every iterator it ever handed out, and each GetRecords hands out a new one, so a
    relay polling for hours would otherwise grow the emulator by tens of megabytes an hour.
    """

    def __init__(self) -> None:
        self._first_seen: dict[str, float] = {}

    def run_every(self, interval_seconds: float) -> None:
        while True:
            time.sleep(interval_seconds)
            try:
                self.expire_older_than(ITERATOR_MAX_AGE_SECONDS)
            except Exception:  # housekeeping must never take the emulator down
                log.exception("expiring stream iterators failed")

    def expire_older_than(self, max_age_seconds: float) -> int:
        from moto.dynamodbstreams.models import dynamodbstreams_backends

        from shop.local.emulator.patches.dynamodb import backend_lock

        now = time.monotonic()
        expired = 0
        live: dict[str, float] = {}
        with backend_lock:
            for account in list(dynamodbstreams_backends.values()):
                for backend in list(account.values()):
                    iterators = backend.shard_iterators
                    for key in list(iterators):
                        first_seen = self._first_seen.get(key, now)
                        if now - first_seen >= max_age_seconds:
                            iterators.pop(key, None)
                            expired += 1
                        else:
                            live[key] = first_seen
        self._first_seen = live
        return expired


if __name__ == "__main__":
    sys.exit(main())
