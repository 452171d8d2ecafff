"""Payments in DynamoDB: one item per order (pk ORDER#<order_id>, sk PAYMENT), put as REQUESTED before
the charge and settled with its outbox event in one transaction, every write conditional."""

from __future__ import annotations

from typing import Any

from shop.kernel.change import Change
from shop.kernel.clock import parse_rfc3339, rfc3339
from shop.kernel.money import Money
from shop.payments.domain.errors import PaymentAlreadyRecorded, PaymentNotRefundable
from shop.payments.domain.payment import Payment, PaymentStatus
from shop.platform.dynamo import from_item, to_item
from shop.platform.transaction import Transaction

PAYMENT_SK = "PAYMENT"


def payment_key(order_id: str) -> dict[str, str]:
    return {"pk": f"ORDER#{order_id}", "sk": PAYMENT_SK}


class DynamoPayments:
    """Implements ports.Payments."""

    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    def for_order(self, order_id: str) -> Payment | None:
        response = self._client.get_item(
            TableName=self._table, Key=to_item(payment_key(order_id)), ConsistentRead=True
        )
        item = response.get("Item")
        return _payment(from_item(item)) if item else None

    def record(self, change: Change[Payment]) -> None:
        payment, before = change.after, change.before
        transaction = Transaction(self._client, self._table)
        if before is None:
            put = transaction.put(_item(payment), "attribute_not_exists(pk)", return_old_on_failure=True)
        else:
            put = transaction.put(
                _item(payment),
                "#status = :before AND payment_id = :payment_id",
                names={"#status": "status"},
                values={":before": before.status.value, ":payment_id": before.payment_id},
                return_old_on_failure=True,
            )
        transaction.publish(change.events)
        transaction.commit(
            {
                put: lambda old: PaymentAlreadyRecorded(
                    f"order {payment.order_id} already has a payment", existing=_payment(old) if old else None
                )
            }
        )

    def record_refund(self, change: Change[Payment]) -> None:
        payment, before = change.after, change.before
        if payment.refunded_at is None or payment.refund_reference is None:
            raise ValueError("record_refund needs a refunded payment")
        if before is None:
            raise ValueError("record_refund needs the captured payment it refunds")
        transaction = Transaction(self._client, self._table)
        update = transaction.update(
            payment_key(payment.order_id),
            "SET #status = :refunded, refunded_at = :at, refund_reference = :reference, updated_at = :at",
            "#status = :captured AND payment_id = :payment_id",
            names={"#status": "status"},
            values={
                ":refunded": PaymentStatus.REFUNDED.value,
                ":captured": PaymentStatus.CAPTURED.value,
                ":payment_id": before.payment_id,
                ":at": rfc3339(payment.refunded_at),
                ":reference": payment.refund_reference,
            },
        )
        transaction.publish(change.events)
        transaction.commit(
            {update: lambda _: PaymentNotRefundable(f"payment {payment.payment_id} is no longer CAPTURED")}
        )


def _item(payment: Payment) -> dict[str, Any]:
    return {
        **payment_key(payment.order_id),
        "entity": "PAYMENT",
        "payment_id": payment.payment_id,
        "order_id": payment.order_id,
        "customer_id": payment.customer_id,
        "amount": payment.amount.amount,
        "currency": payment.amount.currency,
        "status": payment.status.value,
        "provider_reference": payment.provider_reference,
        "decline_reason": payment.decline_reason,
        "created_at": rfc3339(payment.created_at),
        "updated_at": rfc3339(payment.created_at),
    }


def _payment(item: dict[str, Any]) -> Payment:
    refunded_at = item.get("refunded_at")
    return Payment(
        payment_id=item["payment_id"],
        order_id=item["order_id"],
        customer_id=item["customer_id"],
        amount=Money(amount=int(item["amount"]), currency=item["currency"]),
        status=PaymentStatus(item["status"]),
        provider_reference=item["provider_reference"],
        decline_reason=item.get("decline_reason"),
        created_at=parse_rfc3339(item["created_at"]),
        refunded_at=parse_rfc3339(refunded_at) if refunded_at else None,
        refund_reference=item.get("refund_reference"),
    )
