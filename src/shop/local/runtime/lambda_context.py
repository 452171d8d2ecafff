"""The Lambda context object, with the attributes Powertools and the handlers read."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from shop.resources import REGION

ACCOUNT_ID = "123456789012"


@dataclass
class LambdaContext:
    function_name: str
    memory_limit_in_mb: int = 512
    timeout_seconds: float = 30.0
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"
    _started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"

    def __post_init__(self) -> None:
        if not self.log_group_name:
            self.log_group_name = f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self._started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


def function_name_for(dotted_path: str) -> str:
    """`shop.catalog.handlers.http.handler` → `shop-catalog-http`, as Terraform names it."""
    parts = dotted_path.split(".")
    if len(parts) >= 4 and parts[0] == "shop" and parts[2] == "handlers":
        return f"shop-{parts[1]}-{parts[3]}"
    return "shop-" + "-".join(parts[1:-1] or parts)
