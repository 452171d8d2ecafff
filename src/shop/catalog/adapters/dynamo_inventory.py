"""Stock reservations in DynamoDB: each decision is one TransactWriteItems whose conditions
make it happen at most once, with its outbox event inside the same transaction."""

from __future__ import annotations

from typing import Any

from shop.catalog.adapters.items import (
    POPULAR,
    pair_key,
    product_key,
    reservation_key,
    sold_key,
)
from shop.catalog.domain.errors import InventoryBusy, OutOfStock, ReservationChanged, ReservationExists
from shop.catalog.domain.reservation import Reservation, ReservationStatus, ReservedLine
from shop.kernel.change import Change
from shop.kernel.clock import Clock, rfc3339
from shop.platform.dynamo import from_item, to_item
from shop.platform.transaction import Transaction, TransactionCancelled

_NEW = "attribute_not_exists(pk)"


def _reservation_item(reservation: Reservation, updated_at: str) -> dict[str, Any]:
    return {
        **reservation_key(reservation.order_id),
        "entity": "RESERVATION",
        "order_id": reservation.order_id,
        "status": reservation.status.value,
        "lines": [line.model_dump() for line in reservation.lines],
        "updated_at": updated_at,
    }


def _reservation_from(item: dict[str, Any]) -> Reservation:
    return Reservation(
        order_id=item["order_id"],
        status=ReservationStatus(item["status"]),
        lines=tuple(ReservedLine(**line) for line in item.get("lines", [])),
    )


class DynamoInventory:
    """Implements ports.Inventory."""

    def __init__(self, client: Any, table: str, clock: Clock) -> None:
        self._client = client
        self._table = table
        self._clock = clock

    def reserve(self, change: Change[Reservation]) -> None:
        reservation = change.after
        transaction = Transaction(self._client, self._table)
        record = transaction.put(_reservation_item(reservation, self._now()), _NEW)
        takes = [
            transaction.update(
                product_key(line.product_id),
                "SET stock = stock - :quantity",
                "attribute_exists(pk) AND deleted = :listed AND stock >= :quantity",
                values={":quantity": line.quantity, ":listed": False},
            )
            for line in reservation.lines
        ]
        transaction.publish(change.events)

        def short_or_busy(cancelled: TransactionCancelled) -> Exception:
            lines = zip(reservation.lines, takes, strict=True)
            short = [line.product_id for line, take in lines if cancelled.failed(take)]
            return OutOfStock(short) if short else _busy(reservation, cancelled)

        transaction.commit(
            {record: lambda _: ReservationExists(reservation.order_id)}, otherwise=short_or_busy
        )

    def record(self, change: Change[Reservation]) -> None:
        reservation = change.after
        transaction = Transaction(self._client, self._table)
        record = transaction.put(_reservation_item(reservation, self._now()), _NEW)
        transaction.publish(change.events)
        transaction.commit(
            {record: lambda _: ReservationExists(reservation.order_id)},
            otherwise=lambda cancelled: _busy(reservation, cancelled),
        )

    def find(self, order_id: str) -> Reservation | None:
        response = self._client.get_item(
            TableName=self._table, Key=to_item(reservation_key(order_id)), ConsistentRead=True
        )
        item = response.get("Item")
        return _reservation_from(from_item(item)) if item else None

    def release(self, change: Change[Reservation]) -> None:
        transaction = self._move(change)
        for line in change.after.lines:
            transaction.update(
                product_key(line.product_id),
                "SET stock = stock + :quantity",
                "attribute_exists(pk)",
                values={":quantity": line.quantity},
            )
        if change.before is not None and change.before.status is ReservationStatus.CONFIRMED:
            _count(transaction, change.before, -1)  # a refunded sale was never one
        self._commit(transaction, change.after)

    def confirm(self, change: Change[Reservation]) -> None:
        transaction = self._move(change)
        _count(transaction, change.after, 1)
        self._commit(transaction, change.after)

    def _move(self, change: Change[Reservation]) -> Transaction:
        """A transaction whose first operation moves the stored reservation on from `change.before`."""
        if change.before is None:
            raise ValueError("a move starts from a stored reservation")
        reservation, previous = change.after, change.before.status
        transaction = Transaction(self._client, self._table)
        transaction.update(
            reservation_key(reservation.order_id),
            "SET #status = :status, updated_at = :now",
            "#status = :previous",
            names={"#status": "status"},
            values={":status": reservation.status.value, ":previous": previous.value, ":now": self._now()},
        )
        transaction.publish(change.events)
        return transaction

    def _commit(self, transaction: Transaction, reservation: Reservation) -> None:
        transaction.commit(
            {0: lambda _: ReservationChanged(f"reservation of {reservation.order_id} changed meanwhile")},
            otherwise=lambda cancelled: _busy(reservation, cancelled),
        )

    def _now(self) -> str:
        return rfc3339(self._clock.now())


def _count(transaction: Transaction, reservation: Reservation, sign: int) -> None:
    """Add (1) or take back (-1) the sales and the pairs bought together the order counts as."""
    for line in reservation.sold():
        transaction.update(
            sold_key(line.product_id),
            "ADD #orders :one, #units :quantity SET product_id = :id, gsi1pk = :popular, gsi1sk = :id",
            names={"#orders": "orders", "#units": "units"},
            values={
                ":one": sign,
                ":quantity": sign * line.quantity,
                ":id": line.product_id,
                ":popular": POPULAR,
            },
        )
    for product_id, partner_id in reservation.bought_together():
        transaction.update(
            pair_key(product_id, partner_id),
            "ADD #count :one",
            names={"#count": "count"},
            values={":one": sign},
        )


def _busy(reservation: Reservation, cancelled: TransactionCancelled) -> Exception:
    return InventoryBusy(f"reservation of {reservation.order_id} collided: {cancelled}")
