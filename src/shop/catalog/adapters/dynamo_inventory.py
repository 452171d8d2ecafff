"""Stock reservations in DynamoDB: each decision is one TransactWriteItems whose conditions
make it happen at most once, with its outbox event inside the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shop.catalog.adapters.items import (
    POPULAR,
    pair_key,
    product_key,
    reservation_from,
    reservation_item,
    reservation_key,
    sold_key,
)
from shop.catalog.domain.errors import InventoryBusy, OutOfStock, ReservationChanged, ReservationExists
from shop.catalog.domain.reservation import Reservation, ReservationStatus
from shop.kernel.clock import Clock, rfc3339
from shop.kernel.events import Event, EventData
from shop.platform.context import correlation_id
from shop.platform.dynamo import TransactionCancelled, UnitOfWork, from_item, to_item

_NEW = "attribute_not_exists(pk)"


class DynamoInventory:
    """Implements ports.Inventory."""

    def __init__(self, client: Any, table: str, clock: Clock) -> None:
        self._client = client
        self._table = table
        self._clock = clock

    def reserve(self, reservation: Reservation, announcement: EventData) -> None:
        uow = UnitOfWork()
        record = uow.put(self._table, reservation_item(reservation, self._now()), _NEW)
        takes = [
            uow.update(
                self._table,
                product_key(line.product_id),
                "SET stock = stock - :quantity",
                "attribute_exists(pk) AND deleted = :listed AND stock >= :quantity",
                values={":quantity": line.quantity, ":listed": False},
            )
            for line in reservation.lines
        ]
        uow.publish(self._table, self._event(announcement))
        try:
            uow.commit()
        except TransactionCancelled as cancelled:
            if cancelled.failed(record):
                raise ReservationExists(reservation.order_id) from cancelled
            short = [
                line.product_id
                for line, op in zip(reservation.lines, takes, strict=True)
                if cancelled.failed(op)
            ]
            if short:
                raise OutOfStock(short) from cancelled
            raise InventoryBusy(f"reservation of {reservation.order_id} collided: {cancelled}") from cancelled

    def record(self, reservation: Reservation, announcement: EventData | None = None) -> None:
        uow = UnitOfWork()
        record = uow.put(self._table, reservation_item(reservation, self._now()), _NEW)
        if announcement is not None:
            uow.publish(self._table, self._event(announcement))
        try:
            uow.commit()
        except TransactionCancelled as cancelled:
            if cancelled.failed(record):
                raise ReservationExists(reservation.order_id) from cancelled
            raise InventoryBusy(f"record of {reservation.order_id} collided: {cancelled}") from cancelled

    def find(self, order_id: str) -> Reservation | None:
        response = self._client.get_item(
            TableName=self._table, Key=to_item(reservation_key(order_id)), ConsistentRead=True
        )
        item = response.get("Item")
        return reservation_from(from_item(item)) if item else None

    def release(self, reservation: Reservation, previous: ReservationStatus) -> None:
        uow = UnitOfWork()
        self._move(uow, reservation, previous)
        for line in reservation.lines:
            uow.update(
                self._table,
                product_key(line.product_id),
                "SET stock = stock + :quantity",
                "attribute_exists(pk)",
                values={":quantity": line.quantity},
            )
        self._commit(uow, reservation)

    def confirm(self, reservation: Reservation, pairs: Sequence[tuple[str, str]]) -> None:
        uow = UnitOfWork()
        self._move(uow, reservation, ReservationStatus.RESERVED)
        for line in reservation.lines:
            uow.update(
                self._table,
                sold_key(line.product_id),
                "ADD #orders :one, #units :quantity SET product_id = :id, gsi1pk = :popular, gsi1sk = :id",
                names={"#orders": "orders", "#units": "units"},
                values={":one": 1, ":quantity": line.quantity, ":id": line.product_id, ":popular": POPULAR},
            )
        for product_id, partner_id in pairs:
            uow.update(
                self._table,
                pair_key(product_id, partner_id),
                "ADD #count :one",
                names={"#count": "count"},
                values={":one": 1},
            )
        self._commit(uow, reservation)

    def _move(self, uow: UnitOfWork, reservation: Reservation, previous: ReservationStatus) -> None:
        uow.update(
            self._table,
            reservation_key(reservation.order_id),
            "SET #status = :status, updated_at = :now",
            "#status = :previous",
            names={"#status": "status"},
            values={":status": reservation.status.value, ":previous": previous.value, ":now": self._now()},
        )

    def _commit(self, uow: UnitOfWork, reservation: Reservation) -> None:
        try:
            uow.commit()
        except TransactionCancelled as cancelled:
            if cancelled.failed(0):
                raise ReservationChanged(
                    f"reservation of {reservation.order_id} changed meanwhile"
                ) from cancelled
            raise InventoryBusy(f"reservation of {reservation.order_id} collided: {cancelled}") from cancelled

    def _now(self) -> str:
        return rfc3339(self._clock.now())

    @staticmethod
    def _event(data: EventData) -> Event:
        return Event.of(data, correlation_id=correlation_id())
