"""Queue health rows: each queue with its DLQ, named without the shop's prefix."""

from __future__ import annotations

from shop.analytics.domain.saga import QueueDepth, QueueHealth, queue_health


def test_queues_pair_with_their_dlq_and_a_lone_dlq_is_its_own_row() -> None:
    depths = [
        QueueDepth(name="shop-dev-orders", visible=3, in_flight=1),
        QueueDepth(name="shop-dev-orders-dlq", visible=2, in_flight=0),
        QueueDepth(name="shop-dev-outbox-relay-dlq", visible=1, in_flight=0),
        QueueDepth(name="shop-dev-cart", visible=0, in_flight=0),
    ]
    assert queue_health(depths, "shop-dev-") == [
        QueueHealth(name="cart", waiting=0, in_flight=0, dead_letters=None),
        QueueHealth(name="orders", waiting=3, in_flight=1, dead_letters=2),
        QueueHealth(name="outbox-relay", waiting=None, in_flight=None, dead_letters=1),
    ]
