"""GET /payments?order_id=: the caller's payments for one of their orders; POST
/payments/webhooks/stripe: Stripe's signed word on how a payment ended."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict

from shop.kernel.clock import rfc3339
from shop.kernel.money import Money
from shop.payments.adapters.stripe_gateway import charge_notice
from shop.payments.container import Container
from shop.payments.domain.payment import Payment, PaymentStatus
from shop.payments.service import payments_of_order, settle_charge
from shop.platform.http import build_http_app, caller, lambda_handler, no_content
from shop.platform.routing import Header, Query, Response

app = build_http_app("payments")
container = Container()

OrderId = Annotated[str, Query(min_length=1, max_length=128, description="The order the payments belong to")]


class PaymentView(BaseModel):
    model_config = ConfigDict(frozen=True)

    payment_id: str
    order_id: str
    amount: Money
    status: PaymentStatus
    provider_reference: str
    created_at: str
    decline_reason: str | None = None
    refunded_at: str | None = None

    @classmethod
    def of(cls, payment: Payment) -> PaymentView:
        return cls(
            payment_id=payment.payment_id,
            order_id=payment.order_id,
            amount=payment.amount,
            status=payment.status,
            provider_reference=payment.provider_reference,
            created_at=rfc3339(payment.created_at),
            decline_reason=payment.decline_reason,
            refunded_at=rfc3339(payment.refunded_at) if payment.refunded_at else None,
        )


class PaymentList(BaseModel):
    items: list[PaymentView]


@app.get(
    "/payments",
    operation_id="listPayments",
    summary="The caller's payments for an order",
    responses={
        200: {"description": "The payments"},
        404: {"description": "No payment for this order of yours"},
    },
)
def list_payments(order_id: OrderId) -> PaymentList:
    who = caller(app)
    payments = payments_of_order(order_id, who.user_id, payments=container.payments())
    return PaymentList(items=[PaymentView.of(payment) for payment in payments])


StripeSignature = Annotated[
    str, Header(alias="stripe-signature", max_length=4096, description="Stripe's signature of the body")
]


@app.post(
    "/payments/webhooks/stripe",
    operation_id="handleStripeWebhook",
    tags=["payments"],
    summary="Stripe's notice that a payment intent succeeded or failed",
    responses={
        204: {"description": "Received (and recorded, if it settled a payment of the shop)"},
        400: {"description": "The signature does not verify the body"},
        404: {"description": "This deployment takes no Stripe webhooks"},
    },
)
def stripe_webhook(signature: StripeSignature) -> Response[Any]:
    body = app.current_event.decoded_body or ""
    notice = charge_notice(body, signature, container.stripe_webhook_secret())
    if notice is not None:
        settle_charge(notice, payments=container.payments(), clock=container.clock())
    return no_content()


handler = lambda_handler(app, "payments")
