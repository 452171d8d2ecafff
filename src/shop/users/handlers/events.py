"""The users queue: tell customers what became of their orders, and finish a deletion."""

from __future__ import annotations

from shop.kernel.events import Event
from shop.platform.consumer import sqs_handler
from shop.platform.observability import logger
from shop.users import service
from shop.users.container import Container
from shop.users.domain.events import UserDeleted
from shop.users.domain.notifications import OrderOutcome

container = Container()
_log = logger("users")


def on_order_confirmed(event: Event) -> None:
    _notify(OrderOutcome.confirmed(event.data))


def on_order_cancelled(event: Event) -> None:
    _notify(OrderOutcome.cancelled(event.data))


def on_user_deleted(event: Event) -> None:
    service.close_identity(UserDeleted.model_validate(event.data), identity=container.identity())


def _notify(outcome: OrderOutcome) -> None:
    result = service.notify_customer(
        outcome,
        notices=container.notices(),
        notifier=container.notifier(),
        verified_only=container.notify_verified_only(),
    )
    if result == "no_profile":
        _log.warning("no profile to notify; acknowledged", extra={"order_id": outcome.order_id})
    else:
        _log.info("order notification", extra={"order_id": outcome.order_id, "result": result})


handler = sqs_handler(
    "users",
    {
        "OrderConfirmed": on_order_confirmed,
        "OrderCancelled": on_order_cancelled,
        "UserDeleted": on_user_deleted,
    },
)
