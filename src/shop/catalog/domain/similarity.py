"""Item-to-item similarity learned from what was bought and viewed together, and what sells
best when a product has too few neighbours.

Each product keeps counts (confirmed orders, units, co-views) and, per partner, how often
the two were in one order or viewed one right after the other. Two products are similar
when their co-occurrence is large relative to how often each occurs at all (cosine of
their occurrence vectors), so a best seller is not everybody's neighbour.
"""

import math
from collections.abc import Collection, Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, NonNegativeInt

from shop.catalog.domain.product import Product

# A confirmed order says more about two products than a customer browsing from one to the other.
PURCHASE_WEIGHT = 3
VIEW_WEIGHT = 1
# Partners scored per read: the strongest by weighted co-occurrence (one batch read fetches their counts).
SHORTLIST = 20
# Damps similarities that rest on one or two co-occurrences (in weight units).
SHRINKAGE = 3.0


class Counts(BaseModel):
    """How often one product occurred: in confirmed orders (and units sold), and in co-views."""

    model_config = ConfigDict(frozen=True)

    orders: NonNegativeInt = 0
    units: NonNegativeInt = 0
    views: NonNegativeInt = 0

    @property
    def weight(self) -> int:
        return PURCHASE_WEIGHT * self.orders + VIEW_WEIGHT * self.views


class PairCounts(BaseModel):
    """How often a product occurred with `partner_id`: in one confirmed order, or viewed in a row."""

    model_config = ConfigDict(frozen=True)

    partner_id: str
    orders: NonNegativeInt = 0
    views: NonNegativeInt = 0

    @property
    def weight(self) -> int:
        return PURCHASE_WEIGHT * self.orders + VIEW_WEIGHT * self.views


class Neighbourhood(BaseModel):
    """A product with its own counts and those of every pair it is in."""

    model_config = ConfigDict(frozen=True)

    product: Product
    counts: Counts
    partners: tuple[PairCounts, ...]


class Candidate(BaseModel):
    """A product that may be recommended, with its own counts."""

    model_config = ConfigDict(frozen=True)

    product: Product
    counts: Counts


def co_viewed(previous_id: str, product_id: str) -> tuple[str, str] | None:
    """The pair a product page viewed after `previous_id`'s counts, if any."""
    if not previous_id or previous_id == product_id:
        return None
    return previous_id, product_id


def shortlist(partners: Iterable[PairCounts], size: int = SHORTLIST) -> list[PairCounts]:
    """The partners worth scoring: strongest weighted co-occurrence first."""
    ranked = sorted((p for p in partners if p.weight > 0), key=lambda p: (-p.weight, p.partner_id))
    return ranked[:size]


def similarity(pair: PairCounts, own: Counts, theirs: Counts) -> float:
    """Cosine of the two products' weighted occurrences, shrunk toward 0 on thin evidence."""
    together = pair.weight
    if together == 0:
        return 0.0
    # A total below the pair's count (pairs counted before the totals existed) is floored to it.
    cosine = together / math.sqrt(max(own.weight, together) * max(theirs.weight, together))
    return cosine * together / (together + SHRINKAGE)


def recommend(
    product_id: str,
    own: Counts,
    partners: Sequence[PairCounts],
    *,
    totals: Mapping[str, Counts],
    popular: Sequence[str],
    listed: Collection[str],
    limit: int,
) -> list[str]:
    """The most similar listed partners, then the best sellers to fill what is left."""
    scored = sorted(
        (
            (-similarity(pair, own, totals.get(pair.partner_id, Counts())), pair.partner_id)
            for pair in partners
            if pair.partner_id in listed and pair.partner_id != product_id
        ),
    )
    chosen = [partner_id for score, partner_id in scored if score < 0][:limit]
    for candidate in popular:
        if len(chosen) >= limit:
            break
        if candidate != product_id and candidate in listed and candidate not in chosen:
            chosen.append(candidate)
    return chosen


def best_sellers(counts: Mapping[str, Counts], limit: int) -> list[str]:
    """Most units sold first (ties by id, so the order is stable)."""
    sold = (pid for pid, product_counts in counts.items() if product_counts.units > 0)
    ranked = sorted(sold, key=lambda pid: (-counts[pid].units, pid))
    return ranked[:limit]
