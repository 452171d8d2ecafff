"""What can go wrong with a payment, in the shop's words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shop.kernel.errors import Conflict, InvalidInput, NotFound, Unavailable, Unprocessable

if TYPE_CHECKING:
    from shop.payments.domain.payment import Payment


class PaymentAlreadyRecorded(Conflict):
    """The order already has its payment: a redelivered request, or a concurrent twin."""

    title = "Payment already recorded"

    def __init__(self, detail: str = "", *, existing: Payment | None = None) -> None:
        super().__init__(detail)
        self.existing = existing


class PaymentNotRefundable(Conflict):
    """Only a captured payment can be refunded (a declined one took no money; a refunded one is done)."""

    title = "Payment not refundable"


class InvalidRefund(Unprocessable):
    """A refund that does not fit the payment: another currency, or more than was captured."""

    title = "Invalid refund"


class RefundFailed(Unavailable):
    """The provider did not refund; the request is retried, then lands in the DLQ."""

    title = "Refund failed"


class PaymentPending(Unavailable):
    """The provider is still processing the charge: the request is retried (and the provider's notice
    records the outcome when it arrives first)."""

    title = "Payment pending"


class InvalidWebhook(InvalidInput):
    """A notice whose signature does not verify its body, signed too long ago or in the future, or
    that is not a payment the shop can read."""

    title = "Invalid webhook"


class WebhooksDisabled(NotFound):
    """This deployment's provider sends no notices (the sandbox)."""

    title = "Webhooks not enabled"
