"""RFC 9457 problem responses the gateway itself answers (before or instead of a handler),
built from the same vocabulary the handlers use, so a client sees one set of `type`s."""

from __future__ import annotations

import json
from typing import Any

from shop.platform.problems import PROBLEM_CONTENT_TYPE, problem

__all__ = ["PROBLEM_CONTENT_TYPE", "problem_body"]


def problem_body(status: int, detail: str, **extra: Any) -> bytes:
    return json.dumps({**problem(status, detail), **extra}).encode("utf-8")
