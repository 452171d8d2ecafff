"""From what a run served to a bill (`make cost`): each count priced from the committed price table.

What is measured and what is modelled:
- measured: API requests (the gateway's access log), invocations, cold starts, CPU and wall time
  per invocation (the runtime's REPORT records), every AWS request by the function that made it
  and DynamoDB's request units (the emulator's meter), SNS's deliveries to each queue, log bytes;
- modelled, as AWS runs it: Lambda's CPU share (a full vCPU at 1,769 MB, in proportion below:
  a function's CPU time is multiplied by 1769/memory, its waiting on AWS and on other services
  kept as measured here); the SQS pollers of an event source mapping (a ReceiveMessage that
  returns the batch and a DeleteMessageBatch per invocation, the empty long polls in the idle
  floor); one X-Ray trace per API request (the default sampling rule records every request at a
  shop's rate); a KMS Decrypt of the environment variables and a Secrets Manager read per cold
  start of an HTTP function; Lambda's own START/END/REPORT log lines.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shop_tools.cost_deployment import Deployment
from shop_tools.paths import SCRIPTS

PRICES = SCRIPTS / "cost_prices.json"
FULL_VCPU_MB = 1769  # Lambda's memory at which a function has one whole vCPU
PLATFORM_LOG_BYTES = 300  # START, END and REPORT lines Lambda writes per invocation
HOURS_PER_MONTH = 730
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
# AWS's pollers of an SQS event source mapping: five long polls of 20 s at a time while idle
IDLE_POLLERS = 5
LONG_POLL_SECONDS = 20
COGNITO_FREE_MAU = 10_000  # a user pool's monthly active users free of charge (Essentials and Lite)
STACK_ITSELF = ""  # the local relay, pollers and set-up call AWS as no function: modelled or free

Add = Callable[[str, str, str, float, str], None]  # (service, function, item, quantity, price key)


@dataclass
class FunctionUse:
    invocations: int = 0
    cold_starts: int = 0
    cpu_ms: float = 0.0
    wait_ms: float = 0.0
    init_ms: float = 0.0


@dataclass
class Usage:
    """What one run of the workload made the shop do."""

    orders: int
    customers: int
    api_requests: dict[str, int]  # by route
    functions: dict[str, FunctionUse]
    meter: dict[str, Any]  # the emulator's tally (shop.local.emulator.meter.snapshot)
    log_bytes: int
    custom_metrics: int
    libraries_init_ms: float  # the preloaded libraries' import, which the local init does not pay
    queue_functions: dict[str, str] = field(default_factory=dict)  # queue name -> its consumer


@dataclass(frozen=True)
class Line:
    service: str
    function: str  # "" when no one function causes it
    item: str
    quantity: float
    price_key: str
    usd: float


@dataclass
class Prices:
    region: str
    read_on: str
    usd: dict[str, float]
    sources: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, path: Path = PRICES) -> Prices:
        table = json.loads(path.read_text(encoding="utf-8"))
        prices = table["prices"]
        return cls(table["region"], table["read_on"], {k: float(v["usd"]) for k, v in prices.items()}, prices)


def cpu_scale(memory_mb: int) -> float:
    return max(1.0, FULL_VCPU_MB / memory_mb)


def bill(usage: Usage, deployment: Deployment, prices: Prices) -> list[Line]:
    """The run's bill, line by line."""
    lines: list[Line] = []

    def add(service: str, function: str, item: str, quantity: float, key: str) -> None:
        if quantity:
            lines.append(Line(service, function, item, quantity, key, quantity * prices.usd[key]))

    api = sum(usage.api_requests.values())
    add("apigateway", "", "HTTP API requests", api, "apigateway_http_request")
    add("xray", "", "traces recorded", api, "xray_trace_recorded")
    if deployment.waf_rules:
        add("waf", "", "requests inspected", api, "waf_request")
        add("cloudfront", "", "HTTPS requests", api, "cloudfront_https_request")
    for name, use in sorted(usage.functions.items()):
        _lambda_lines(add, name, use, deployment, usage.libraries_init_ms)
    _aws_request_lines(add, usage)
    log_gb = (
        usage.log_bytes + PLATFORM_LOG_BYTES * sum(u.invocations for u in usage.functions.values())
    ) / 1e9
    add("cloudwatch", "", "log GB ingested", log_gb, "cloudwatch_logs_ingested_gb")
    retained_months = deployment.log_retention_days / 30
    add(
        "cloudwatch",
        "",
        f"log GB-months stored ({deployment.log_retention_days} days)",
        log_gb * retained_months,
        "cloudwatch_logs_stored_gb_month",
    )
    add("cognito", "", "monthly active users", usage.customers, "cognito_mau")
    return lines


def _lambda_lines(add: Add, name: str, use: FunctionUse, deployment: Deployment, libraries_ms: float) -> None:
    memory = deployment.memory_mb.get(name, 512)
    scale = cpu_scale(memory)
    gb = memory / 1024
    add("lambda", name, "invocations", use.invocations, "lambda_request")
    add("lambda", name, "GB-s invoke", gb * (use.cpu_ms * scale + use.wait_ms) / 1000, "lambda_arm_gb_second")
    init_ms = (use.init_ms + use.cold_starts * libraries_ms) * scale
    add("lambda", name, "GB-s INIT", gb * init_ms / 1000, "lambda_arm_gb_second")
    add("kms", name, "Decrypt of the environment (cold starts)", use.cold_starts, "kms_request")
    if name.endswith("-http") and name != "shop-meta-http":
        add("secretsmanager", name, "GetSecretValue (cold starts)", use.cold_starts, "secrets_api_call")
    if name.endswith("-events"):  # the mapping's poller: the receive that brought the batch, its delete
        add("sqs", name, "ReceiveMessage + DeleteMessageBatch (poller)", 2 * use.invocations, "sqs_request")


def _aws_request_lines(add: Add, usage: Usage) -> None:
    units: dict[tuple[str, str], float] = defaultdict(float)
    for caller, _table, kind, amount in usage.meter["units"]:
        units[caller, kind] += amount
    for (caller, kind), amount in sorted(units.items()):
        if caller == STACK_ITSELF:
            continue
        key = "dynamodb_read_request_unit" if kind == "read" else "dynamodb_write_request_unit"
        add(
            "dynamodb", caller, {"read": "RRU", "write": "WRU", "index_write": "WRU (GSI)"}[kind], amount, key
        )
    for caller, service, operation, count in usage.meter["requests"]:
        if caller == STACK_ITSELF or service in ("dynamodb", "dynamodbstreams", "cognito-idp"):
            continue  # units above; streams read by Lambda triggers are free; Cognito bills MAU
        if service == "sns" and operation.startswith("Publish"):
            add("sns", caller, "publishes", count, "sns_publish")
        elif service == "sqs":
            add("sqs", caller, operation, count, "sqs_request")
        elif service == "secretsmanager":
            add("secretsmanager", caller, operation, count, "secrets_api_call")
        elif service == "kms":
            add("kms", caller, operation, count, "kms_request")
    for queue, delivered in sorted(usage.meter["deliveries"].items()):
        add(
            "sqs",
            usage.queue_functions.get(queue, ""),
            "SendMessage (SNS delivery)",
            delivered,
            "sqs_request",
        )


# -- the idle floor and the break-even ------------------------------------------------------------


def idle_floor(deployment: Deployment, prices: Prices) -> list[Line]:
    """What the stage costs a month with no traffic at all."""
    lines: list[Line] = []

    def add(service: str, item: str, quantity: float, key: str) -> None:
        if quantity:
            lines.append(Line(service, "", item, quantity, key, quantity * prices.usd[key]))

    add("kms", "customer managed keys", deployment.kms_keys, "kms_key_month")
    add("secretsmanager", "secrets", deployment.secrets, "secret_month")
    add("cloudwatch", "alarms", deployment.alarms, "cloudwatch_alarm_month")
    # a Metrics Insights alarm is billed per metric it analyses: a table's, one per operation it
    # sees; priced here at one each, a lower bound
    add("cloudwatch", "Metrics Insights alarms (at least)", deployment.query_alarms, "cloudwatch_alarm_month")
    add("cloudwatch", "dashboards", deployment.dashboards, "cloudwatch_dashboard_month")
    idle_polls = deployment.queues * IDLE_POLLERS * SECONDS_PER_MONTH / LONG_POLL_SECONDS
    add("sqs", "empty long polls of the event source mappings", idle_polls, "sqs_request")
    if deployment.waf_rules:
        add("waf", "web ACL", 1, "waf_web_acl_month")
        add("waf", "rate-based rules", deployment.waf_rules, "waf_rule_month")
    if deployment.snap_start:
        add(
            "lambda",
            "SnapStart cache GB-s",
            snapstart_cache_gb_seconds(deployment),
            "lambda_snapstart_cache_gb_second",
        )
    return lines


def snapstart_cache_gb_seconds(deployment: Deployment) -> float:
    """Each function's published version, its snapshot cached all month."""
    return sum(deployment.memory_mb.values()) / 1024 * SECONDS_PER_MONTH


@dataclass(frozen=True)
class SnapStart:
    """What SnapStart on every function would change: a cache all month, and a restore of the
    function's memory in place of each INIT."""

    cache_usd_month: float
    init_usd: float  # the run's INIT as billed now
    restore_usd: float  # the run's cold starts as restores


def snapstart(usage: Usage, deployment: Deployment, prices: Prices) -> SnapStart:
    init = sum(line.usd for line in bill(usage, deployment, prices) if line.item == "GB-s INIT")
    restored_gb = sum(
        use.cold_starts * deployment.memory_mb.get(name, 512) / 1024 for name, use in usage.functions.items()
    )
    cache = snapstart_cache_gb_seconds(deployment) * prices.usd["lambda_snapstart_cache_gb_second"]
    return SnapStart(cache, init, restored_gb * prices.usd["lambda_snapstart_restore_gb"])


def always_on(prices: Prices) -> list[Line]:
    """The alternative a shop owner would otherwise run: two small ARM instances behind a load
    balancer, with a managed PostgreSQL in two zones."""
    usd = prices.usd
    parts = [
        ("ec2", "2 x t4g.small", 2 * HOURS_PER_MONTH, "ec2_t4g_small_hour"),
        ("ec2", "2 x 20 GB gp3", 40, "ebs_gp3_gb_month"),
        ("elb", "application load balancer", HOURS_PER_MONTH, "alb_hour"),
        ("elb", "1 LCU", HOURS_PER_MONTH, "alb_lcu_hour"),
        ("rds", "db.t4g.micro Multi-AZ", HOURS_PER_MONTH, "rds_t4g_micro_multi_az_hour"),
        ("rds", "20 GB gp3 Multi-AZ", 20, "rds_gp3_multi_az_gb_month"),
    ]
    return [
        Line(service, "", item, quantity, key, quantity * usd[key]) for service, item, quantity, key in parts
    ]


def break_even(
    alternative: float, fixed: float, per_order: float, prices: Prices, orders_per_customer: int
) -> float:
    """Orders a month at which the shop costs what the always-on alternative does: `per_order`
    without Cognito, whose monthly active users are free up to COGNITO_FREE_MAU."""
    orders = (alternative - fixed) / per_order
    if orders / orders_per_customer <= COGNITO_FREE_MAU:
        return orders
    per_customer = prices.usd["cognito_mau"]
    return (alternative - fixed + COGNITO_FREE_MAU * per_customer) / (
        per_order + per_customer / orders_per_customer
    )


def total(lines: list[Line]) -> float:
    return sum(line.usd for line in lines)


def by(lines: list[Line], attribute: str) -> dict[str, float]:
    sums: dict[str, float] = defaultdict(float)
    for line in lines:
        sums[getattr(line, attribute) or "(shared)"] += line.usd
    return dict(sorted(sums.items(), key=lambda item: -item[1]))
