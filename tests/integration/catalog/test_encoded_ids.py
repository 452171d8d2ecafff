"""A product id reaches the catalog however the client percent-encoded it: the local gateway
decodes `pathParameters` as API Gateway does, and the handler reads those."""

from urllib.parse import quote

import pytest

from tests.integration.catalog.support import ADMIN, call
from tests.support.dynamodb import DynamoCalls

pytestmark = pytest.mark.integration


def test_an_encoded_product_id_answers_as_the_plain_one(requests: DynamoCalls) -> None:
    product = {
        "sku": "ENC-1",
        "name": "Encoded",
        "price": {"amount": 100, "currency": "EUR"},
        "category": "Home",
        "stock": 1,
    }
    status, created, _ = call("POST", "/products", body=product, claims=ADMIN)
    assert status == 201, created
    product_id = created["product_id"]
    every_character_encoded = "".join(f"%{byte:02X}" for byte in product_id.encode())
    for path in (
        f"/products/%{ord(product_id[0]):02X}{product_id[1:]}",
        f"/products/{every_character_encoded}",
    ):
        assert call("GET", path)[:2] == (200, created), path
    assert call("GET", f"/products/{quote(product_id + '/')}")[0] == 404
