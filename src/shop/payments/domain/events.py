"""Events payments publishes, and its own tolerant models of the events it consumes."""

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shop.kernel.events import EventData
from shop.kernel.money import Money

Id = Annotated[str, Field(min_length=1, max_length=128)]


# Published (through the outbox)
class PaymentCaptured(EventData):
    event_type: ClassVar[str] = "PaymentCaptured"

    order_id: str
    payment_id: str
    amount: Money
    provider_reference: str


class PaymentDeclined(EventData):
    event_type: ClassVar[str] = "PaymentDeclined"

    order_id: str
    payment_id: str
    reason: str


class PaymentRefunded(EventData):
    event_type: ClassVar[str] = "PaymentRefunded"

    order_id: str
    payment_id: str
    amount: Money


# Consumed (published by orders; only the fields payments needs)
class PaymentRequested(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    order_id: Id
    customer_id: Id
    amount: Money
    payment_token: Annotated[str, Field(max_length=255)]


class RefundRequested(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    order_id: Id
    customer_id: Id
    payment_id: Id
    amount: Money
