"""How `python -m shop.local` prints its own log lines: short human lines by default, or one
JSON object per line (Powertools' formatter, as the functions log) for tools to read."""

from __future__ import annotations

import logging
import sys

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

FORMATS = ("text", "json")


def configure(log_format: str, *, verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(LambdaPowertoolsFormatter(service="shop-local"))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(message)s", datefmt="%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    # The stack's own lines: one access line per request, a REPORT line per invocation, the
    # relay's deliveries; -v adds the debug detail of the stack's parts.
    logging.getLogger("shop.local").setLevel(logging.DEBUG if verbose else logging.INFO)
