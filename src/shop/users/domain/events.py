"""Integration events the users service publishes."""

from __future__ import annotations

from typing import ClassVar

from shop.kernel.events import EventData


class UserRegistered(EventData):
    event_type: ClassVar[str] = "UserRegistered"

    user_id: str
    email: str
    name: str
