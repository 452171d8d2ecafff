"""The order aggregate: a guarded state machine that records the events each move causes.

PENDING → RESERVED → CONFIRMED → SHIPPED, and CANCELLED from PENDING (out of stock,
customer), RESERVED (payment declined, customer) or CONFIRMED (customer, with a refund).
The payment's sub-state (PENDING → CAPTURED / DECLINED / NOT_REQUIRED / REFUND_PENDING →
REFUNDED) moves by a table of its own, `_PAYMENT_MOVES`, as the order's moves by `_MOVES`.
Every move returns a `Change` (before, after, events) that the repository persists with a
condition on `before`; an illegal move raises `IllegalTransition`.
"""

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shop.kernel.address import Address
from shop.kernel.change import Change
from shop.kernel.money import Money, total
from shop.orders.domain.cart import Cart
from shop.orders.domain.errors import CartNotOrderable, EmptyCart, IllegalTransition
from shop.orders.domain.events import (
    EventLine,
    OrderCancelled,
    OrderConfirmed,
    OrderPlaced,
    PaymentRequested,
    RefundRequested,
)

ERASED = "erased"  # what an erased customer's address reads


class OrderStatus(StrEnum):
    PENDING = "PENDING"
    RESERVED = "RESERVED"
    CONFIRMED = "CONFIRMED"
    SHIPPED = "SHIPPED"
    CANCELLED = "CANCELLED"


class CancellationReason(StrEnum):
    OUT_OF_STOCK = "OUT_OF_STOCK"
    PAYMENT_DECLINED = "PAYMENT_DECLINED"
    CUSTOMER_CANCELLED = "CUSTOMER_CANCELLED"


class PaymentStatus(StrEnum):
    PENDING = "PENDING"  # requested (or about to be): the gateway's answer is awaited
    NOT_REQUIRED = "NOT_REQUIRED"  # cancelled before payment was ever requested: nothing to charge
    CAPTURED = "CAPTURED"
    DECLINED = "DECLINED"
    REFUND_PENDING = "REFUND_PENDING"
    REFUNDED = "REFUNDED"


# The legal moves: (from, to) → the reasons a cancellation may give (None: not a cancellation).
_MOVES: Mapping[tuple[OrderStatus, OrderStatus], frozenset[CancellationReason] | None] = {
    (OrderStatus.PENDING, OrderStatus.RESERVED): None,
    (OrderStatus.PENDING, OrderStatus.CANCELLED): frozenset(
        {CancellationReason.OUT_OF_STOCK, CancellationReason.CUSTOMER_CANCELLED}
    ),
    (OrderStatus.RESERVED, OrderStatus.CONFIRMED): None,
    (OrderStatus.RESERVED, OrderStatus.CANCELLED): frozenset(
        {CancellationReason.PAYMENT_DECLINED, CancellationReason.CUSTOMER_CANCELLED}
    ),
    (OrderStatus.CONFIRMED, OrderStatus.SHIPPED): None,
    (OrderStatus.CONFIRMED, OrderStatus.CANCELLED): frozenset({CancellationReason.CUSTOMER_CANCELLED}),
}

# The legal moves of the payment's sub-state: (from, to) → the order statuses it may leave from.
_PAYMENT_MOVES: Mapping[tuple[PaymentStatus, PaymentStatus], frozenset[OrderStatus]] = {
    (PaymentStatus.PENDING, PaymentStatus.NOT_REQUIRED): frozenset({OrderStatus.PENDING}),
    (PaymentStatus.PENDING, PaymentStatus.CAPTURED): frozenset({OrderStatus.RESERVED}),
    # declined while reserved, or after the customer cancelled (a late decline)
    (PaymentStatus.PENDING, PaymentStatus.DECLINED): frozenset({OrderStatus.RESERVED, OrderStatus.CANCELLED}),
    # captured after the customer cancelled (a late capture): it goes back
    (PaymentStatus.PENDING, PaymentStatus.REFUND_PENDING): frozenset({OrderStatus.CANCELLED}),
    (PaymentStatus.CAPTURED, PaymentStatus.REFUND_PENDING): frozenset({OrderStatus.CONFIRMED}),
    (PaymentStatus.REFUND_PENDING, PaymentStatus.REFUNDED): frozenset({OrderStatus.CANCELLED}),
}


class OrderLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    product_id: str
    name: str
    unit_price: Money
    quantity: Annotated[int, Field(ge=1)]
    line_total: Money
    revision: str | None = Field(
        default=None, description="The version of the cart line ordered: its confirmation removes exactly it"
    )

    def as_event_line(self) -> EventLine:
        return EventLine.model_validate(self.model_dump())


class Payment(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: PaymentStatus = PaymentStatus.PENDING
    payment_id: str | None = None


class HistoryEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: OrderStatus
    at: datetime


class Order(BaseModel):
    model_config = ConfigDict(frozen=True)

    order_id: str
    customer_id: str
    status: OrderStatus
    lines: tuple[OrderLine, ...]
    total: Money
    shipping_address: Address
    payment: Payment = Payment()
    payment_token: str
    cancellation_reason: CancellationReason | None = None
    created_at: datetime
    updated_at: datetime
    history: tuple[HistoryEntry, ...]
    version: int = 1
    request_fingerprint: str | None = None

    @property
    def in_flight(self) -> bool:
        """Placed and not final yet: its customer's cart can place no other order meanwhile."""
        return self.status in (OrderStatus.PENDING, OrderStatus.RESERVED)

    # -- placing ----------------------------------------------------------------------

    @classmethod
    def place(
        cls,
        *,
        order_id: str,
        customer_id: str,
        cart: Cart,
        shipping_address: Address,
        payment_token: str,
        at: datetime,
        request_fingerprint: str | None = None,
    ) -> Change["Order"]:
        if cart.unavailable:
            raise CartNotOrderable([line.product_id for line in cart.unavailable])
        if cart.is_empty:
            raise EmptyCart
        currency = cart.items[0].unit_price.currency
        lines = tuple(
            OrderLine(
                product_id=line.product_id,
                name=line.name,
                unit_price=line.unit_price,
                quantity=line.quantity,
                line_total=line.unit_price.times(line.quantity),
                revision=line.revision,
            )
            for line in cart.items
        )
        order = cls(
            order_id=order_id,
            customer_id=customer_id,
            status=OrderStatus.PENDING,
            lines=lines,
            total=total([line.line_total for line in lines], currency),
            shipping_address=shipping_address,
            payment_token=payment_token,
            created_at=at,
            updated_at=at,
            history=(HistoryEntry(status=OrderStatus.PENDING, at=at),),
            request_fingerprint=request_fingerprint,
        )
        placed = OrderPlaced(
            order_id=order_id,
            customer_id=customer_id,
            lines=order._event_lines(),
            total=order.total,
            placed_at=at,
        )
        return Change(before=None, after=order, events=(placed,))

    # -- the moves (strict: raise IllegalTransition) -----------------------------------

    def request_payment(self, at: datetime) -> Change["Order"]:
        after = self._move(OrderStatus.RESERVED, at)
        requested = PaymentRequested(
            order_id=self.order_id,
            customer_id=self.customer_id,
            amount=self.total,
            payment_token=self.payment_token,
        )
        return Change(self, after, (requested,))

    def reject_for_stock(self, at: datetime) -> Change["Order"]:
        after = self._move(
            OrderStatus.CANCELLED, at, CancellationReason.OUT_OF_STOCK, payment=self._payment_not_required()
        )
        return Change(self, after, (self._cancelled(CancellationReason.OUT_OF_STOCK),))

    def confirm(self, payment_id: str, at: datetime) -> Change["Order"]:
        after = self._move(
            OrderStatus.CONFIRMED, at, payment=Payment(status=PaymentStatus.CAPTURED, payment_id=payment_id)
        )
        confirmed = OrderConfirmed(
            order_id=self.order_id,
            customer_id=self.customer_id,
            lines=self._event_lines(),
            total=self.total,
            placed_at=self.created_at,
        )
        return Change(self, after, (confirmed,))

    def decline_payment(self, payment_id: str | None, at: datetime) -> Change["Order"]:
        payment = Payment(status=PaymentStatus.DECLINED, payment_id=payment_id)
        after = self._move(OrderStatus.CANCELLED, at, CancellationReason.PAYMENT_DECLINED, payment=payment)
        return Change(self, after, (self._cancelled(CancellationReason.PAYMENT_DECLINED),))

    def cancel_by_customer(self, at: datetime) -> Change["Order"]:
        reason = CancellationReason.CUSTOMER_CANCELLED
        if self.status is OrderStatus.CONFIRMED and self.payment.payment_id is not None:
            refund = Payment(status=PaymentStatus.REFUND_PENDING, payment_id=self.payment.payment_id)
            after = self._move(OrderStatus.CANCELLED, at, reason, payment=refund)
            return Change(self, after, (self._cancelled(reason), self._refund(self.payment.payment_id)))
        # From RESERVED the payment was requested: it stays PENDING until its outcome arrives.
        payment = self._payment_not_required() if self.status is OrderStatus.PENDING else None
        after = self._move(OrderStatus.CANCELLED, at, reason, payment=payment)
        return Change(self, after, (self._cancelled(reason),))

    def ship(self, at: datetime) -> Change["Order"]:
        return Change(self, self._move(OrderStatus.SHIPPED, at))

    def refund_late_capture(self, payment_id: str, at: datetime) -> Change["Order"]:
        """Money taken for an order the customer cancelled meanwhile goes back."""
        self._expect_cancelled()
        payment = Payment(status=PaymentStatus.REFUND_PENDING, payment_id=payment_id)
        after = self._touch(at, payment=payment)
        return Change(self, after, (self._refund(payment_id),))

    def record_late_decline(self, payment_id: str | None, at: datetime) -> Change["Order"]:
        """A decline for an order the customer cancelled meanwhile: nothing to undo, but the
        order should not show its payment as still pending."""
        self._expect_cancelled()
        payment = Payment(status=PaymentStatus.DECLINED, payment_id=payment_id)
        return Change(self, self._touch(at, payment=payment))

    def mark_refunded(self, at: datetime) -> Change["Order"]:
        payment = Payment(status=PaymentStatus.REFUNDED, payment_id=self.payment.payment_id)
        return Change(self, self._touch(at, payment=payment))

    # -- erasure ----------------------------------------------------------------------

    def erase_personal_data(self, at: datetime) -> Change["Order"] | None:
        """Its customer deleted the account: the order stays for the books, its address a
        pseudonym that keeps the country alone (tax needs it), and the request's fingerprint
        (a hash of the address) goes. None once done, so a redelivered event changes nothing."""
        erased = Address(line1=ERASED, city=ERASED, postal_code=ERASED, country=self.shipping_address.country)
        if self.shipping_address == erased and self.request_fingerprint is None:
            return None
        return Change(self, self._touch(at, shipping_address=erased, request_fingerprint=None))

    # -- the saga's reactions (tolerant: None when the event no longer applies) --------

    def on_stock_reserved(self, at: datetime) -> Change["Order"] | None:
        return self.request_payment(at) if self.status is OrderStatus.PENDING else None

    def on_stock_rejected(self, at: datetime) -> Change["Order"] | None:
        return self.reject_for_stock(at) if self.status is OrderStatus.PENDING else None

    def on_payment_captured(self, payment_id: str, at: datetime) -> Change["Order"] | None:
        if self.status is OrderStatus.RESERVED:
            return self.confirm(payment_id, at)
        if self.status is OrderStatus.CANCELLED and self.payment.status is PaymentStatus.PENDING:
            return self.refund_late_capture(payment_id, at)
        return None

    def on_payment_declined(self, payment_id: str | None, at: datetime) -> Change["Order"] | None:
        if self.status is OrderStatus.RESERVED:
            return self.decline_payment(payment_id, at)
        if self.status is OrderStatus.CANCELLED and self.payment.status is PaymentStatus.PENDING:
            return self.record_late_decline(payment_id, at)
        return None

    def on_payment_refunded(self, at: datetime) -> Change["Order"] | None:
        return self.mark_refunded(at) if self.payment.status is PaymentStatus.REFUND_PENDING else None

    # -- helpers ------------------------------------------------------------------------

    def _move(
        self,
        status: OrderStatus,
        at: datetime,
        reason: CancellationReason | None = None,
        *,
        payment: Payment | None = None,
    ) -> "Order":
        if (self.status, status) not in _MOVES:
            raise IllegalTransition(f"Order {self.order_id} is {self.status}; it cannot become {status}.")
        reasons = _MOVES[(self.status, status)]
        if (reasons is None) != (reason is None) or (reasons is not None and reason not in reasons):
            raise IllegalTransition(
                f"Order {self.order_id} cannot go from {self.status} to {status} for {reason}."
            )
        changes: dict[str, object] = {
            "status": status,
            "history": (*self.history, HistoryEntry(status=status, at=at)),
        }
        if reason is not None:
            changes["cancellation_reason"] = reason
        return self._touch(at, payment=payment, **changes)

    def _touch(self, at: datetime, *, payment: Payment | None = None, **changes: object) -> "Order":
        if payment is not None:
            if self.status not in _PAYMENT_MOVES.get((self.payment.status, payment.status), ()):
                raise IllegalTransition(
                    f"Order {self.order_id}'s payment is {self.payment.status}; "
                    f"it cannot become {payment.status}."
                )
            changes["payment"] = payment
        return self.model_copy(update={**changes, "updated_at": at, "version": self.version + 1})

    def _expect_cancelled(self) -> None:
        if self.status is not OrderStatus.CANCELLED:
            raise IllegalTransition(f"Order {self.order_id} is {self.status}, not a cancelled order.")

    def _payment_not_required(self) -> Payment:
        return Payment(status=PaymentStatus.NOT_REQUIRED, payment_id=self.payment.payment_id)

    def _event_lines(self) -> tuple[EventLine, ...]:
        return tuple(line.as_event_line() for line in self.lines)

    def _cancelled(self, reason: CancellationReason) -> OrderCancelled:
        return OrderCancelled(
            order_id=self.order_id,
            customer_id=self.customer_id,
            reason=reason.value,
            lines=self._event_lines(),
            placed_at=self.created_at,
        )

    def _refund(self, payment_id: str) -> RefundRequested:
        return RefundRequested(
            order_id=self.order_id, customer_id=self.customer_id, payment_id=payment_id, amount=self.total
        )
