"""The catalog, read through its public HTTP API (never its table): one
`GET /products?ids=a,b,c` for all the products a cart needs."""

import re
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, ValidationError

from shop.cart.domain.products import Product
from shop.kernel.errors import Unavailable
from shop.platform.api_client import get_json

MAX_IDS_PER_CALL = 100
# What an id the catalog issues looks like, as long as its ?ids= takes (64); anything else
# cannot be a product (and a comma would split the ids parameter), so it is unknown without asking.
_PRODUCT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


class ProductsAnswer(BaseModel):
    """What the cart reads of the catalog's `GET /products?ids=` (tests/contract holds the catalog to it)."""

    model_config = ConfigDict(extra="ignore")

    items: list[Product]


class HttpProductCatalog:
    def products(self, product_ids: Sequence[str]) -> Mapping[str, Product]:
        ids = list(dict.fromkeys(pid for pid in product_ids if _PRODUCT_ID.match(pid)))
        if not ids:
            return {}
        if len(ids) > MAX_IDS_PER_CALL:
            raise ValueError(f"at most {MAX_IDS_PER_CALL} products per catalog call")
        response = get_json("/products", params={"ids": ",".join(ids)})
        if response.status != 200:
            raise Unavailable(f"the catalog answered {response.status} to a products lookup")
        try:
            answer = ProductsAnswer.model_validate(response.body)
        except ValidationError as error:
            raise Unavailable("the catalog's products answer is not readable") from error
        wanted = set(ids)
        return {product.product_id: product for product in answer.items if product.product_id in wanted}
