"""`python -m shop.local`: the whole backend on 127.0.0.1, seeded, until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from types import FrameType

from shop.local.stack import DEFAULT_PORT, LocalStack, PortBusy


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m shop.local",
        description=(
            "Run the shop backend locally in one process: moto (AWS emulator), the API gateway, "
            "the SQS pollers and the outbox relay, on 127.0.0.1 only."
        ),
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("SHOP_PORT") or DEFAULT_PORT),
        help="port of the API on 127.0.0.1 (default: $SHOP_PORT or %(default)s; 0 picks a free one)",
    )
    parser.add_argument(
        "--aws-endpoint",
        metavar="URL",
        help="use this emulator for DynamoDB, SNS and SQS (e.g. LocalStack, http://127.0.0.1:4566) "
        "instead of an embedded moto; Cognito stays on the embedded moto",
    )
    parser.add_argument(
        "--no-seed", action="store_true", help="do not seed the admin account and demo catalog"
    )
    parser.add_argument("--metrics", action="store_true", help="leave Powertools metrics on")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request and handler detail")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        logging.getLogger("shop.local").setLevel(logging.INFO)
        logging.getLogger("shop.local.access").setLevel(logging.WARNING)
    stack = LocalStack(port=args.port, seed=False, aws_endpoint=args.aws_endpoint, metrics=args.metrics)
    try:
        stack.start()
    except PortBusy as exc:
        print(f"error: {exc}. Is `make run` already running? Stop it or set SHOP_PORT.", file=sys.stderr)
        return 3
    stopping = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, request_stop)
    try:
        print(f"Shop API:      {stack.url}   (started in {stack.startup_seconds:.2f}s)")
        print(f"AWS emulator:  {stack.aws_endpoint}   user pool {stack.pool_id}")
        if not args.no_seed:
            report = stack.seed()
            print(f"Seed:          {report.summary()}".replace("\n", "\n               "))
        print(f"Admin:         {stack.admin_email} / {stack.admin_password}")
        print("Stop with Ctrl-C.", flush=True)
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("\nStopping...", flush=True)
        stack.stop()
        print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
