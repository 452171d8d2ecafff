"""The payments queue: PaymentRequested → charge, RefundRequested → refund."""

from __future__ import annotations

from shop.kernel.events import Event
from shop.payments.container import start_container
from shop.payments.domain.events import PaymentRequested, RefundRequested
from shop.payments.service import charge_payment, refund_payment
from shop.platform.consumer import sqs_handler

container = start_container()


def on_payment_requested(event: Event) -> None:
    charge_payment(
        PaymentRequested.model_validate(event.data),
        payments=container.payments(),
        gateway=container.gateway(),
        clock=container.clock(),
    )


def on_refund_requested(event: Event) -> None:
    refund_payment(
        RefundRequested.model_validate(event.data),
        payments=container.payments(),
        gateway=container.gateway(),
        clock=container.clock(),
    )


handler = sqs_handler(
    "payments", {"PaymentRequested": on_payment_requested, "RefundRequested": on_refund_requested}
)
