"""`make cost`'s reading of Terraform and its pricing (shop_tools.cost_deployment, cost_model),
on made-up counts; tests/perf/test_cost.py counts a real run."""

from __future__ import annotations

import pytest

from shop_tools.cost_deployment import deployment
from shop_tools.cost_model import (
    IDLE_POLLERS,
    LONG_POLL_SECONDS,
    SECONDS_PER_MONTH,
    FunctionUse,
    Prices,
    Usage,
    bill,
    break_even,
    by,
    cpu_scale,
    idle_floor,
    snapstart,
)

PRICES = Prices.load()


def test_memory_sizes_come_from_each_stage_s_terraform() -> None:
    dev, prod = deployment("dev"), deployment("prod")
    assert dev.memory_mb["shop-orders-http"] == 512  # modules/shop's default
    assert prod.memory_mb["shop-orders-http"] == 1024  # stages/prod.tfvars
    assert prod.memory_mb["shop-platform-outbox_relay"] == 256  # modules/outbox_relay's default
    assert (dev.log_retention_days, prod.log_retention_days) == (14, 365)
    assert prod.waf_rules > 0
    assert dev.waf_rules == 0


def test_every_price_says_where_it_comes_from() -> None:
    assert PRICES.read_on
    assert PRICES.region
    for name, price in PRICES.sources.items():
        assert price["source"].startswith("https://aws.amazon.com/"), name
        assert price["how"] in ("read", "memory"), name


def _usage(**functions: FunctionUse) -> Usage:
    meter = {
        "requests": [["shop-orders-http", "sns", "Publish", 2], ["", "sqs", "ReceiveMessage", 99]],
        "units": [["shop-orders-http", "shop-orders", "write", 4], ["", "shop-orders", "read", 99]],
        "deliveries": {"shop-catalog": 3},
        "published": {"shop-events": 2},
    }
    return Usage(
        orders=1,
        customers=1,
        api_requests={"POST /orders": 1},
        functions=functions,
        meter=meter,
        log_bytes=0,
        custom_metrics=0,
        libraries_init_ms=300.0,
        queue_functions={"shop-catalog": "shop-catalog-events"},
    )


def test_cpu_time_is_scaled_to_lambda_s_share_of_a_vcpu_and_waiting_is_not() -> None:
    use = FunctionUse(invocations=1, cold_starts=1, cpu_ms=100.0, wait_ms=20.0, init_ms=50.0)
    lines = bill(_usage(**{"shop-orders-http": use}), deployment("dev"), PRICES)
    seconds = {line.item: line.quantity for line in lines if line.service == "lambda"}
    assert cpu_scale(512) == pytest.approx(1769 / 512)
    assert seconds["GB-s invoke"] == pytest.approx(0.5 * (100 * 1769 / 512 + 20) / 1000)
    # INIT: the function's own import and the libraries the local fork server had preloaded
    assert seconds["GB-s INIT"] == pytest.approx(0.5 * (50 + 300) * 1769 / 512 / 1000)
    assert cpu_scale(2048) == 1.0


def test_the_stack_s_own_calls_are_not_billed_and_the_pollers_are_modelled() -> None:
    use = FunctionUse(invocations=3)
    lines = bill(_usage(**{"shop-catalog-events": use}), deployment("dev"), PRICES)
    sqs = {line.item: line.quantity for line in lines if line.service == "sqs"}
    assert sqs == {"ReceiveMessage + DeleteMessageBatch (poller)": 6, "SendMessage (SNS delivery)": 3}
    dynamodb = [line for line in lines if line.service == "dynamodb"]
    assert [(line.function, line.item, line.quantity) for line in dynamodb] == [
        ("shop-orders-http", "WRU", 4)
    ]
    assert by(lines, "service")["sns"] == pytest.approx(2 * PRICES.usd["sns_publish"])


def test_the_idle_floor_holds_the_mappings_long_polls() -> None:
    floor = {line.item: line.quantity for line in idle_floor(deployment("dev"), PRICES)}
    polls = floor["empty long polls of the event source mappings"]
    assert polls == deployment("dev").queues * IDLE_POLLERS * SECONDS_PER_MONTH / LONG_POLL_SECONDS
    assert floor["alarms"] == deployment("dev").alarms > 0
    # each table's throttles and system errors: Metrics Insights queries over its operations
    assert floor["Metrics Insights alarms (at least)"] == 2 * deployment("dev").tables


def test_the_break_even_charges_cognito_only_past_its_free_users() -> None:
    mau = PRICES.usd["cognito_mau"]
    # 10,000 orders are 2,500 users: all free
    assert break_even(110.0, 10.0, 0.01, PRICES, orders_per_customer=4) == pytest.approx(10_000)
    # 100,000 orders would be 25,000 users: 15,000 of them paid
    orders = break_even(10.0 + 1000.0 + 15_000 * mau, 10.0, 0.01, PRICES, orders_per_customer=4)
    assert orders == pytest.approx(100_000)


def test_snapstart_is_priced_as_a_cache_all_month_and_a_restore_per_cold_start() -> None:
    dev = deployment("dev")
    use = FunctionUse(invocations=2, cold_starts=2, init_ms=100.0)
    snap = snapstart(_usage(**{"shop-orders-http": use}), dev, PRICES)
    gigabytes = sum(dev.memory_mb.values()) / 1024
    assert snap.cache_usd_month == pytest.approx(gigabytes * SECONDS_PER_MONTH * 1.5046e-6)
    assert snap.restore_usd == pytest.approx(2 * 0.5 * PRICES.usd["lambda_snapstart_restore_gb"])
    assert snap.init_usd == pytest.approx(0.5 * (100 + 2 * 300) / 1000 * 1769 / 512 * 1.33334e-5)
