"""One hour of the projection: running totals that events add to, never recompute.

Every field is a sum of increments, so an hour's totals are the merge of the deltas its
events caused, in any order. Amounts are Python ints (unbounded; DynamoDB keeps 38 digits)."""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

HOUR_FORMAT = "%Y-%m-%dT%H"
K = TypeVar("K")


def hour_of(moment: datetime) -> str:
    """The UTC hour a moment falls in, e.g. `2026-01-01T13`: sorts as time does."""
    return moment.astimezone(UTC).strftime(HOUR_FORMAT)


def hours_until(last: datetime, count: int) -> list[str]:
    """The `count` hours ending with the one `last` falls in, oldest first."""
    return [hour_of(last - timedelta(hours=back)) for back in range(count - 1, -1, -1)]


class HourTotals(BaseModel):
    model_config = ConfigDict(frozen=True)

    hour: str
    carts: int = 0  # carts started
    placed: int = 0
    confirmed: int = 0
    cancelled: dict[str, int] = Field(default_factory=dict)  # reason → orders
    revenue: dict[str, int] = Field(default_factory=dict)  # currency → minor units confirmed
    refunded: dict[str, int] = Field(
        default_factory=dict
    )  # currency → minor units of confirmed orders cancelled
    units: dict[str, int] = Field(default_factory=dict)  # product id → units sold, less those refunded
    names: dict[str, str] = Field(default_factory=dict)  # product id → name
    latency: dict[int, int] = Field(default_factory=dict)  # latency bucket → confirmations

    @property
    def is_empty(self) -> bool:
        counters = (self.cancelled, self.revenue, self.refunded, self.units, self.latency)
        return not (self.carts or self.placed or self.confirmed or any(any(c.values()) for c in counters))

    def __add__(self, other: "HourTotals") -> "HourTotals":
        if other.hour != self.hour:
            raise ValueError(f"cannot add hour {other.hour} to hour {self.hour}")
        return HourTotals(
            hour=self.hour,
            carts=self.carts + other.carts,
            placed=self.placed + other.placed,
            confirmed=self.confirmed + other.confirmed,
            cancelled=add_counts(self.cancelled, other.cancelled),
            revenue=add_counts(self.revenue, other.revenue),
            refunded=add_counts(self.refunded, other.refunded),
            units=add_counts(self.units, other.units),
            names={**self.names, **other.names},
            latency=add_counts(self.latency, other.latency),
        )


def add_counts(left: Mapping[K, int], right: Mapping[K, int]) -> dict[K, int]:
    merged = dict(left)
    for key, count in right.items():
        merged[key] = merged.get(key, 0) + count
    return merged
