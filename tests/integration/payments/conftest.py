"""One localstripe server per test session, on 127.0.0.1 (a free port, in memory)."""

from collections.abc import Iterator
from uuid import uuid4

import pytest
import stripe

from shop.local.test_support.localstripe import API_KEY, LocalStripe
from shop.payments.adapters.stripe_gateway import StripeGateway


@pytest.fixture(scope="session")
def localstripe() -> Iterator[LocalStripe]:
    with LocalStripe() as fake:
        yield fake


@pytest.fixture
def provider(localstripe: LocalStripe) -> stripe.StripeClient:
    """Stripe's own client on the same server: what the provider holds, seen from outside."""
    return stripe.StripeClient(API_KEY, base_addresses={"api": localstripe.api_base})


@pytest.fixture
def stripe_gateway(localstripe: LocalStripe) -> StripeGateway:
    return StripeGateway(API_KEY, localstripe.api_base)


@pytest.fixture
def order_id() -> str:
    """A fresh idempotency key: the server lives for the whole session and remembers keys."""
    return f"order-{uuid4().hex}"
