"""What Terraform deploys per stage that the bill depends on (`make cost`), read from terraform/.

Memory sizes per function (modules/shop's defaults, the relay's, the stage's `functions`
overrides), log retention, and the standing resources the idle floor prices: the alarms each
module declares, KMS keys, secrets, the dashboard, the event source mappings, WAF's rules.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import hcl2

from shop.local.runtime.lambda_context import function_name_for
from shop.resources import Resources, load_resources
from shop_tools.paths import REPO

TERRAFORM = REPO / "terraform"
MODULES = TERRAFORM / "modules"
STAGES = TERRAFORM / "environments" / "aws" / "stages"
_DEFAULT_MEMORY = re.compile(
    r"\b(http|events)\s*=\s*optional\(object\(\{\s*memory_size\s*=\s*optional\(number,\s*(\d+)\)"
)
_RELAY_MEMORY = re.compile(r'variable "memory_size"\s*\{[^}]*?default\s*=\s*(\d+)', re.S)


@dataclass(frozen=True)
class Deployment:
    stage: str
    region: str
    memory_mb: dict[str, int]  # by function name, as the local runtime names them
    log_retention_days: int
    queues: int  # each with an event source mapping and a DLQ
    tables: int
    alarms: int  # on one metric each
    query_alarms: int  # Metrics Insights queries, billed per metric each one analyses
    kms_keys: int
    secrets: int
    dashboards: int
    waf_rules: int  # 0: no CloudFront/WAF in front of the API
    snap_start: bool


def deployment(stage: str, resources: Resources | None = None) -> Deployment:
    resources = resources or load_resources()
    settings = _tfvars(stage)
    memory = _memory_sizes(resources, settings.get("functions") or {})
    functions = len(memory)
    queues = len(resources.consumers)
    tables = len(resources.table_services)
    alarms: Counter[str] = Counter()
    for module, instances in (
        ("function", functions - 1),  # the relay is no modules/function
        ("outbox_relay", 1),
        ("queue", queues),
        ("table", tables),
        ("monitoring", 1),
    ):
        for kind, count in _alarms_in(module).items():
            alarms[kind] += count * instances
    stripe = settings.get("payment_provider") == "stripe"
    # prod must have edge_protection (its variable's validation): one WAF rule per per-client limit
    edge = stage == "prod"
    return Deployment(
        stage=stage,
        region=str(settings.get("region", "eu-west-1")),
        memory_mb=memory,
        log_retention_days=int(settings.get("log_retention_days", 14)),
        queues=queues,
        tables=tables,
        alarms=alarms["metric"],
        query_alarms=alarms["query"],
        kms_keys=1,
        secrets=1 + int(stripe),
        dashboards=1,
        waf_rules=len(resources.throttling.per_client) if edge and resources.throttling else 0,
        snap_start=bool(settings.get("snap_start", False)),
    )


def stages() -> list[str]:
    return sorted(path.stem for path in STAGES.glob("*.tfvars"))


def _tfvars(stage: str) -> dict[str, Any]:
    with (STAGES / f"{stage}.tfvars").open(encoding="utf-8") as handle:
        parsed: dict[str, Any] = hcl2.load(handle)
    return {name: _plain(value) for name, value in parsed.items()}


def _plain(value: Any) -> Any:
    """python-hcl2 keeps strings' quotes and adds block markers; the plain values."""
    if isinstance(value, str):
        return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items() if not str(key).startswith("__")}
    return value


def _memory_sizes(resources: Resources, overrides: dict[str, Any]) -> dict[str, int]:
    text = (MODULES / "shop" / "variables.tf").read_text(encoding="utf-8")
    defaults = {kind: int(size) for kind, size in _DEFAULT_MEMORY.findall(text)}
    memory: dict[str, int] = {}
    for service in resources.services:
        for kind, handler in (("http", service.http_handler), ("events", service.events_handler)):
            if handler:
                sized = (overrides.get(service.name) or {}).get(kind) or {}
                memory[function_name_for(handler)] = int(sized.get("memory_size", defaults[kind]))
    relay = _RELAY_MEMORY.search((MODULES / "outbox_relay" / "variables.tf").read_text(encoding="utf-8"))
    assert relay is not None, "modules/outbox_relay declares no memory_size default"
    memory[function_name_for(resources.relay_handler)] = int(relay.group(1))
    return memory


def _alarms_in(module: str) -> Counter[str]:
    """The alarms a module declares once per instance (modules/alarms calls without a for_each,
    such as each replica's), by kind: on a metric, or a Metrics Insights query."""
    with (MODULES / module / "main.tf").open(encoding="utf-8") as handle:
        parsed = hcl2.load(handle)
    kinds: Counter[str] = Counter()
    for call in parsed.get("module", []):
        for body in call.values():
            if _plain(body.get("source")) == "../alarms" and "for_each" not in body and "count" not in body:
                for alarm in (body.get("alarms") or {}).values():
                    kinds["query" if "query" in alarm else "metric"] += 1
    return kinds
