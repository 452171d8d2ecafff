"""A client developer's path: generate a Python client from the served OpenAPI document with
openapi-python-client (no warnings), then shop with nothing but that client: register, log
in, browse, fill the cart, check out the cart as read (If-Match its ETag), wait for CONFIRMED,
see the payment, cancel."""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PACKAGE = "shop_api_client"
SETTLE_SECONDS = 15.0


@pytest.fixture(scope="module")
def generated(shop_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client package generated from what the API serves, importable as `shop_api_client`."""
    where = tmp_path_factory.mktemp("client")
    document = where / "openapi.json"
    document.write_bytes(requests.get(f"{shop_url}/openapi.json", timeout=10).content)
    config = where / "config.yaml"
    config.write_text("post_hooks: []\n")  # formatting the code is no part of the check
    arguments = ["--path", str(document), "--meta", "none", "--output-path", str(where / PACKAGE)]
    run = subprocess.run(
        [str(GENERATOR), "generate", *arguments, "--config", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "warning" not in output.lower(), f"openapi-python-client warns:\n{output}"
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(where))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def api(module: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.api.{module}")


def models() -> Any:
    return importlib.import_module(f"{PACKAGE}.models")


def test_a_generated_client_shops_from_sign_up_to_cancel(generated: ModuleType, shop_url: str) -> None:
    m = models()
    anonymous = generated.Client(base_url=shop_url, raise_on_unexpected_status=True)
    email, password = f"client-{uuid.uuid4().hex[:10]}@example.com", "Generated123"

    registered = api("users.register_user").sync_detailed(
        client=anonymous, body=m.NewAccount(email=email, password=password, name="Client Dev")
    )
    assert registered.status_code == 201
    assert isinstance(registered.parsed, m.RegisteredUser)
    tokens = api("users.log_in").sync(client=anonymous, body=m.Credentials(email=email, password=password))
    assert isinstance(tokens, m.TokenResponse)
    client = generated.AuthenticatedClient(base_url=shop_url, token=tokens.access_token)

    me = api("users.get_my_profile").sync(client=client)
    assert isinstance(me, m.ProfileView)
    assert me.email == email

    page = api("catalog.list_products").sync(client=anonymous, limit=50)
    assert isinstance(page, m.PageProductOut)
    product = next(item for item in page.items if item.stock >= 1)
    assert api("catalog.get_product").sync(product.product_id, client=anonymous).sku == product.sku

    cart = api("cart.set_cart_item").sync(product.product_id, client=client, body=m.SetQuantity(quantity=1))
    assert isinstance(cart, m.PricedCart)
    assert [(item.product_id, item.quantity) for item in cart.items] == [(product.product_id, 1)]

    country = m.AddressCountry("FR")  # the document lists the ISO codes the server accepts
    address = m.Address(line1="1 Rue de la Paix", city="Paris", postal_code="75002", country=country)
    seen = api("cart.get_cart").sync_detailed(client=client)
    assert isinstance(seen.parsed, m.PricedCart)
    assert seen.parsed.pending_order is None
    checkout = m.PlaceOrderRequest(shipping_address=address, payment_token="tok_visa")
    stale = api("orders.create_order").sync_detailed(client=client, body=checkout, if_match='"not-the-cart"')
    assert stale.status_code == 412
    assert isinstance(stale.parsed, m.Problem)
    assert stale.headers["ETag"] == seen.headers["ETag"]
    placed = api("orders.create_order").sync_detailed(
        client=client, body=checkout, idempotency_key=uuid.uuid4().hex, if_match=seen.headers["ETag"]
    )
    assert placed.status_code == 202
    order = placed.parsed
    assert isinstance(order, m.OrderOut)
    assert order.status == m.OrderStatus.PENDING
    assert order.total.amount == product.price.amount

    confirmed = wait_for_status(client, order.order_id, m.OrderStatus.CONFIRMED)
    assert confirmed.payment.payment_id

    payments = api("payments.list_payments").sync(client=client, order_id=order.order_id)
    assert isinstance(payments, m.PaymentList)
    assert [(p.status, p.amount.amount) for p in payments.items] == [
        (m.PaymentStatus.CAPTURED, order.total.amount)
    ]

    cancelled = api("orders.cancel_order").sync(order.order_id, client=client)
    assert isinstance(cancelled, m.OrderOut)
    assert cancelled.status == m.OrderStatus.CANCELLED
    assert cancelled.cancellation_reason == m.CancellationReason.CUSTOMER_CANCELLED

    listed = api("orders.list_orders").sync(client=client)
    assert isinstance(listed, m.PageOrderOut)
    assert [o.order_id for o in listed.items] == [order.order_id]


def test_a_generated_client_reads_problems_as_problems(generated: ModuleType, shop_url: str) -> None:
    m = models()
    anonymous = generated.Client(base_url=shop_url)
    missing = api("catalog.get_product").sync_detailed("no-such-product", client=anonymous)
    assert missing.status_code == 404
    assert isinstance(missing.parsed, m.Problem)
    assert (missing.parsed.type_, missing.parsed.status) == ("/problems/not-found", 404)
    invalid = api("catalog.list_products").sync_detailed(client=anonymous, limit=0)
    assert invalid.status_code == 400
    assert [error.field for error in invalid.parsed.errors] == ["limit"]


def wait_for_status(client: Any, order_id: str, wanted: Any) -> Any:
    get_order = api("orders.get_order")
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        order = get_order.sync(order_id, client=client)
        if order.status == wanted or time.monotonic() > deadline:
            assert order.status == wanted, f"order {order_id} is {order.status}, not {wanted}"
            return order
        time.sleep(0.2)
