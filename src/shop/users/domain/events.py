"""Integration events the users service publishes."""

from typing import ClassVar

from shop.kernel.events import EventData


class UserRegistered(EventData):
    event_type: ClassVar[str] = "UserRegistered"

    user_id: str
    email: str
    name: str


class UserDeleted(EventData):
    """An account was deleted: every service erases what it holds about this customer. It
    carries the id alone, so the event itself holds no personal data."""

    event_type: ClassVar[str] = "UserDeleted"

    user_id: str
