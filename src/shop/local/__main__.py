"""`python -m shop.local`: the whole backend on 127.0.0.1, seeded, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from types import FrameType

from shop.local.edge.local_pages import MAILBOX_PATH
from shop.local.orchestration import console
from shop.local.orchestration.stack import DEFAULT_PORT, EmbeddedStack, PortBusy, SeedFailed
from shop.local.runtime.lambda_runtime import DEFAULT_MAX_ENVIRONMENTS
from shop.local.test_support.localstripe import WEBHOOK_PATH, LocalStripe


class Stop(BaseException):
    """SIGTERM, raised in the main thread as Ctrl-C raises KeyboardInterrupt."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m shop.local",
        description=(
            "Run the shop backend locally: the API gateway, the SQS pollers and the outbox relay in "
            "this process, moto (AWS emulator) in one of its own, and each function in worker "
            "processes like Lambda's execution environments; on 127.0.0.1 only."
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
    parser.add_argument(
        "--max-environments",
        type=int,
        default=DEFAULT_MAX_ENVIRONMENTS,
        metavar="N",
        help="execution environments (worker processes) per function; more concurrent requests "
        "wait for one, and get 429 after 29 s (default: %(default)s)",
    )
    parser.add_argument(
        "--log-format", choices=console.FORMATS, default="text", help="text (default) or json lines"
    )
    parser.add_argument(
        "--throttle-scale",
        type=float,
        default=float(os.environ.get("SHOP_THROTTLE_SCALE") or 1),
        metavar="X",
        help="multiply resources.json's rate limits (burst and rate) by X; 429 past them "
        "(default: $SHOP_THROTTLE_SCALE or %(default)s)",
    )
    parser.add_argument(
        "--payments",
        choices=("sandbox", "stripe"),
        default="sandbox",
        help="payment provider: the tok_... sandbox (default), or Stripe's API as localstripe fakes it "
        "on 127.0.0.1 (started here, webhooks included)",
    )
    parser.add_argument("--metrics", action="store_true", help="leave Powertools metrics on")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="the stack's debug detail and the functions' INFO logs"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console.configure(args.log_format, verbose=args.verbose)
    if not args.verbose:
        os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")  # the functions' per-request lines

    def request_stop(signum: int, frame: FrameType | None) -> None:
        raise Stop

    signal.signal(signal.SIGTERM, request_stop)
    stripe = LocalStripe() if args.payments == "stripe" else None
    stack = EmbeddedStack(
        port=args.port,
        seed=not args.no_seed,
        aws_endpoint=args.aws_endpoint,
        metrics=args.metrics,
        max_environments=args.max_environments,
        throttle_scale=args.throttle_scale,
    )
    try:
        if stripe is not None:
            os.environ.update(stripe.start().environment())  # the payments functions inherit it
        stack.start()
        if stripe is not None:
            stripe.register_webhook(stack.url + WEBHOOK_PATH)
        for line in banner(stack, seeded=not args.no_seed, stripe=stripe):
            print(line, flush=True)
        signal.pause()
    except PortBusy as exc:
        print(f"error: {exc}. Is `make run` already running? Stop it or set SHOP_PORT.", file=sys.stderr)
        return 3
    except SeedFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 4
    except (KeyboardInterrupt, Stop):
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the stop short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("Stopping...", file=sys.stderr, flush=True)
        stack.stop()
        if stripe is not None:
            stripe.stop()
        print("Stopped.", file=sys.stderr, flush=True)
    return 0


def banner(stack: EmbeddedStack, *, seeded: bool, stripe: LocalStripe | None = None) -> list[str]:
    """What is true of this run, and nothing else."""
    lines = [
        f"Shop API:      {stack.url}   (started in {stack.startup_seconds:.2f}s)",
        f"API docs:      {stack.url}/docs   (OpenAPI document: {stack.url}/openapi.json)",
        f"AWS emulator:  {stack.aws_endpoint}   user pool {stack.pool_id}",
        f"Mailbox:       {stack.url}{MAILBOX_PATH}   (every e-mail the shop would send: codes, order news)",
        f"Functions:     up to {stack.runtime.max_environments} execution environments each, on first use",
    ]
    if stripe is not None:
        lines.append(f"Payments:      Stripe API faked by localstripe at {stripe.api_base}")
    report = stack.seed_report
    if seeded and report is not None:
        lines.append(f"Seed:          {report.summary()}".replace("\n", "\n               "))
        if report.admin_logged_in:
            lines.append(f"Admin:         {stack.admin_email} / {stack.admin_password}")
    lines.append("Stop with Ctrl-C.")
    return lines


if __name__ == "__main__":
    sys.exit(main())
