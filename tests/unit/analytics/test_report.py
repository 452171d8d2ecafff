"""The dashboard's figures, merged from hours."""

from __future__ import annotations

from datetime import UTC, datetime

from shop.analytics.domain.hours import HourTotals, hours_until
from shop.analytics.domain.latency import bucket_of, upper_bound_ms
from shop.analytics.domain.report import TOP_PRODUCTS, report
from shop.analytics.domain.saga import QueueHealth

NOW = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
WINDOW = hours_until(NOW, 3)


def test_the_window_lists_every_hour_oldest_first_with_zeros_where_nothing_happened() -> None:
    assert WINDOW == ["2026-03-01T10", "2026-03-01T11", "2026-03-01T12"]
    result = report(WINDOW, [HourTotals(hour="2026-03-01T11", placed=4, confirmed=3, cancelled={"X": 1})], [])
    assert [(h.hour, h.placed, h.confirmed, h.cancelled) for h in result.hours] == [
        ("2026-03-01T10", 0, 0, 0),
        ("2026-03-01T11", 4, 3, 1),
        ("2026-03-01T12", 0, 0, 0),
    ]


def test_hours_outside_the_window_are_left_out() -> None:
    result = report(WINDOW, [HourTotals(hour="2026-03-01T09", placed=7)], [])
    assert result.conversion.orders == 0


def test_revenue_per_currency_is_exact_far_beyond_64_bits() -> None:
    huge = 10**30 + 7
    hours = [
        HourTotals(hour=WINDOW[0], revenue={"EUR": huge, "USD": 500}),
        HourTotals(hour=WINDOW[1], revenue={"EUR": huge}, refunded={"EUR": 7, "JPY": 100}),
    ]
    revenue = {r.currency: r for r in report(WINDOW, hours, []).revenue}
    assert list(revenue) == ["EUR", "JPY", "USD"]
    assert revenue["EUR"].confirmed == str(2 * huge)
    assert revenue["EUR"].net == str(2 * huge - 7)
    assert (revenue["JPY"].confirmed, revenue["JPY"].net) == ("0", "-100")


def test_conversion_counts_carts_orders_and_confirmations() -> None:
    hours = [
        HourTotals(hour=h, carts=7, placed=5, confirmed=4, cancelled={"OUT_OF_STOCK": 1}) for h in WINDOW
    ]
    conversion = report(WINDOW, hours, []).conversion
    assert (conversion.carts, conversion.orders, conversion.confirmed) == (21, 15, 12)
    assert conversion.cancelled == {"OUT_OF_STOCK": 3}


def test_latency_percentiles_merge_the_hours() -> None:
    hours = [
        HourTotals(hour=WINDOW[0], latency={bucket_of(300): 50}),
        HourTotals(hour=WINDOW[2], latency={bucket_of(4000): 50}),
    ]
    latency = report(WINDOW, hours, []).latency
    assert latency.confirmations == 100
    assert latency.p50_ms == upper_bound_ms(bucket_of(300))
    assert latency.p90_ms == latency.p99_ms == upper_bound_ms(bucket_of(4000))


def test_top_products_rank_net_units_and_drop_those_refunded_away() -> None:
    hours = [
        HourTotals(hour=WINDOW[0], units={f"p{i}": i for i in range(1, 15)}, names={"p14": "Kettle"}),
        HourTotals(hour=WINDOW[1], units={"p13": -13, "p2": 30}),
    ]
    top = report(WINDOW, hours, []).top_products
    assert len(top) == TOP_PRODUCTS
    assert [(p.product_id, p.units) for p in top[:3]] == [("p2", 32), ("p14", 14), ("p12", 12)]
    assert top[1].name == "Kettle"
    assert "p13" not in {p.product_id for p in top}


def test_queues_pass_through() -> None:
    queues = [QueueHealth(name="orders", waiting=1, in_flight=0, dead_letters=2)]
    assert report(WINDOW, [], queues).queues == queues
