"""GET /payments?order_id=: the caller's payments for one of their orders; POST
/payments/webhooks/stripe: Stripe's signed word on how a payment ended."""

from typing import Annotated, Any

from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel, ConfigDict

from shop.kernel.clock import rfc3339
from shop.kernel.money import Money
from shop.payments.container import start_container
from shop.payments.domain.payment import Payment, PaymentStatus, UnmatchedNotice
from shop.payments.service import payments_of_order, settle_charge
from shop.platform.http import build_http_app, caller, documented, lambda_handler, no_content
from shop.platform.observability import logger, metrics
from shop.platform.routing import Header, Query, Response

app = build_http_app("payments")
container = start_container()
UNMATCHED_METRIC = "UnmatchedPaymentNotices"  # a CloudWatch alarm watches it (terraform/modules/monitoring)

_PROBLEMS = {
    400: "The signature does not verify the body, or its time is out of tolerance",
    404: "This deployment takes no Stripe webhooks",
}

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
    def of(cls, payment: Payment) -> "PaymentView":
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
    responses=documented(200, "The payments (none yet, or not an order of yours: an empty list)", _PROBLEMS),
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
    responses=documented(
        204,
        "Received: recorded if it settles a payment the shop is waiting for, else logged, counted and, "
        "if it took money, refunded",
        _PROBLEMS,
        400,
        404,
    ),
)
def stripe_webhook(signature: StripeSignature) -> Response[Any]:
    unmatched = settle_charge(
        app.current_event.decoded_body or "",
        signature,
        notices=container.notices(),
        payments=container.payments(),
        gateway=container.gateway(),
    )
    if unmatched is not None:
        _report(unmatched)
    return no_content()


def _report(unmatched: UnmatchedNotice) -> None:
    """Acknowledged, so the provider stops sending it, but seen: logged and counted for the alarm."""
    logger("payments").warning(
        "provider notice matches no payment the shop is waiting for",
        extra={
            "order_id": unmatched.notice.order_id,
            "mismatch": unmatched.mismatch.value,
            "amount": unmatched.notice.amount.model_dump(),
            "provider_reference": unmatched.notice.result.provider_reference,
            "refund_reference": unmatched.refund.provider_reference if unmatched.refund else None,
        },
    )
    board = metrics("payments")
    board.add_metric(name=UNMATCHED_METRIC, unit=MetricUnit.Count, value=1)
    board.flush_metrics()
    board.clear_metrics()  # flush keeps them when metrics are disabled (locally)


handler = lambda_handler(app, "payments")
