"""What a port contract suite runs on: a store (the in-memory fake or the DynamoDB adapter on
moto) and what it has published, read the same way from both, so a suite asserts once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import pytest

from shop.kernel.events import EventData
from tests.support.dynamodb import outbox_events

Port = TypeVar("Port")

# Every suite's fixture takes these params: the fake always, the adapter with moto.
BACKENDS = ["fake", pytest.param("dynamodb", marks=pytest.mark.integration)]


@dataclass(frozen=True)
class Store(Generic[Port]):
    port: Port
    # The event types committed so far, sorted (the outbox table has no order).
    published: Callable[[], list[str]]


def fake_store(port: Port, events: list[EventData]) -> Store[Port]:
    return Store(port, lambda: sorted(event.event_type for event in events))


def dynamo_store(port: Port, table: str) -> Store[Port]:
    return Store(port, lambda: sorted(event["event_type"] for event in outbox_events(table)))


def on_moto(request: pytest.FixtureRequest) -> bool:
    """Whether this run is the adapter's; it starts moto (the `aws` fixture) if so."""
    if request.param == "fake":
        return False
    request.getfixturevalue("aws")
    return True
