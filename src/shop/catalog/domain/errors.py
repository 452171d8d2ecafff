"""What can go wrong in the catalog, said in the catalog's words."""

from __future__ import annotations

from collections.abc import Iterable

from shop.kernel.errors import Conflict, DomainError, NotFound, Unavailable


class ProductNotFound(NotFound):
    title = "Product not found"

    def __init__(self, product_id: str) -> None:
        super().__init__(f"There is no product {product_id}.")
        self.product_id = product_id


class SkuTaken(Conflict):
    title = "SKU taken"

    def __init__(self, sku: str) -> None:
        super().__init__(f"Another product already has the SKU {sku}.", field="sku")
        self.sku = sku


class OutOfStock(DomainError):
    """Some lines of an order cannot be served: short of stock, deleted or unknown."""

    title = "Out of stock"

    def __init__(self, product_ids: Iterable[str]) -> None:
        self.product_ids = tuple(dict.fromkeys(product_ids))
        super().__init__("Not enough stock for: " + ", ".join(self.product_ids))


class ReservationExists(Conflict):
    """The order already has a reservation record (reserved, rejected or released)."""

    title = "Reservation exists"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"Order {order_id} already has a reservation.")
        self.order_id = order_id


class IllegalTransition(Conflict):
    title = "Illegal reservation transition"


class ReservationChanged(Unavailable):
    """Someone changed the reservation since it was read: redeliver and decide again."""

    title = "Reservation changed concurrently"


class InventoryBusy(Unavailable):
    """A concurrent transaction touched the same items; the event is redelivered."""

    title = "Inventory busy"
