"""Offline evaluation of the catalog's recommendations on a generated shop history.

It generates customers who browse and buy with latent structure (each prefers one or two
categories; some products are bundles bought together; popularity is skewed), replays the
history through the catalog's own service functions and domain code (`reserve_stock` and
`confirm_stock` as the OrderConfirmed consumer runs them, `record_view` for each page a
signed-in customer went to from another, `recommendations` for the answer), with a
dictionary in place of DynamoDB, and reports hit rate@5 on held-out purchases against two
baselines, and again with an attacker who buys and cancels, and views from one account, to
push unrelated products onto others' recommendations.

Held out: each customer's last session that ends in a purchase. The recommendations shown
on the first product page of that session hit if any of the five is bought at its end.

    make evaluate-recs      # or: .venv/bin/python scripts/evaluate_recommendations.py
    .venv/bin/python scripts/evaluate_recommendations.py --seed 3 --customers 2000
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from shop.catalog import service
from shop.catalog.domain.errors import ReservationChanged, ReservationExists
from shop.catalog.domain.events import OrderCancelled, OrderConfirmed, OrderPlaced
from shop.catalog.domain.product import MAX_STOCK, Product
from shop.catalog.domain.reservation import Reservation, ReservationStatus
from shop.catalog.domain.similarity import Candidate, Counts, Neighbourhood, PairCounts, best_sellers
from shop.kernel.change import Change
from shop.kernel.clock import FixedClock
from shop.kernel.money import Money

LIMIT = service.MAX_RECOMMENDATIONS
_NOW = datetime(2026, 1, 1, tzinfo=UTC)


# --- the store: what the DynamoDB adapters keep, as dictionaries ---------------------------


class MemoryCatalog:
    """Products, Inventory and CoOccurrences in memory, adding up what the adapters ADD."""

    def __init__(self, products: Sequence[Product]) -> None:
        self.products = {product.product_id: product for product in products}
        self.reservations: dict[str, Reservation] = {}
        self.pairs: dict[str, Counter[str]] = {}
        self.pair_views: dict[str, Counter[str]] = {}
        self.orders: Counter[str] = Counter()
        self.units: Counter[str] = Counter()
        self.views: Counter[str] = Counter()
        self.viewed: set[tuple[str, date, frozenset[str]]] = set()

    # Products (what the use cases replayed here read)
    def get(self, product_id: str) -> Product | None:
        return self.products.get(product_id)

    # Inventory
    def reserve(self, change: Change[Reservation]) -> None:
        reservation = change.after
        if reservation.order_id in self.reservations:
            raise ReservationExists(reservation.order_id)
        taken = {
            line.product_id: self.products[line.product_id].reserve(line.quantity)
            for line in reservation.lines
        }
        self.products.update(taken)
        self.reservations[reservation.order_id] = reservation

    def record(self, change: Change[Reservation]) -> None:
        reservation = change.after
        if reservation.order_id in self.reservations:
            raise ReservationExists(reservation.order_id)
        self.reservations[reservation.order_id] = reservation

    def find(self, order_id: str) -> Reservation | None:
        return self.reservations.get(order_id)

    def release(self, change: Change[Reservation]) -> None:
        assert change.before is not None
        self._move(change)
        if change.before.status is ReservationStatus.CONFIRMED:
            self._count(change.before, -1)

    def confirm(self, change: Change[Reservation]) -> None:
        self._move(change)
        self._count(change.after, 1)

    def _move(self, change: Change[Reservation]) -> None:
        assert change.before is not None
        reservation = change.after
        if self.reservations[reservation.order_id].status is not change.before.status:
            raise ReservationChanged(reservation.order_id)
        self.reservations[reservation.order_id] = reservation

    def _count(self, reservation: Reservation, sign: int) -> None:
        for line in reservation.sold():
            self.orders[line.product_id] += sign
            self.units[line.product_id] += sign * line.quantity
        for product_id, partner_id in reservation.bought_together():
            self.pairs.setdefault(product_id, Counter())[partner_id] += sign

    # CoOccurrences
    def neighbourhood(self, product_id: str) -> Neighbourhood | None:
        product = self.products.get(product_id)
        if product is None:
            return None
        bought, viewed = self.pairs.get(product_id, Counter()), self.pair_views.get(product_id, Counter())
        partners = tuple(
            PairCounts(partner_id=partner_id, orders=bought[partner_id], views=viewed[partner_id])
            for partner_id in bought.keys() | viewed.keys()
        )
        return Neighbourhood(product=product, counts=self._counts(product_id), partners=partners)

    def candidates(self, product_ids: Sequence[str]) -> list[Candidate]:
        return [
            Candidate(product=self.products[pid], counts=self._counts(pid))
            for pid in product_ids
            if pid in self.products
        ]

    def popular(self, limit: int) -> list[str]:
        return best_sellers({pid: Counts(units=units) for pid, units in self.units.items()}, limit)

    def record_view(self, previous_id: str, product_id: str, *, viewer_id: str, day: date) -> None:
        viewed = (viewer_id, day, frozenset((previous_id, product_id)))
        if previous_id not in self.products or viewed in self.viewed:
            return
        self.viewed.add(viewed)
        self.pair_views.setdefault(previous_id, Counter())[product_id] += 1
        self.pair_views.setdefault(product_id, Counter())[previous_id] += 1
        self.views.update([previous_id, product_id])

    def _counts(self, product_id: str) -> Counts:
        return Counts(
            orders=self.orders[product_id], units=self.units[product_id], views=self.views[product_id]
        )


# --- the generated history ----------------------------------------------------------------


@dataclass
class Session:
    customer: int
    pages: list[str]  # product pages read, in order
    basket: list[str] = field(default_factory=list)  # bought at the end (empty: none)


@dataclass
class World:
    products: list[Product]
    sessions: list[Session]  # the training history, in time order
    held_out: list[Session]


def generate(
    seed: int, *, customers: int, categories: int = 8, per_category: int = 30, bundle_share: float = 0.6
) -> World:
    rng = random.Random(seed)  # noqa: S311 - a reproducible history, nothing secret
    ids = [[f"c{c}-p{n:02}" for n in range(per_category)] for c in range(categories)]
    # popularity within a category is skewed (Zipf-like), in a random order of products
    weights = {}
    for category in ids:
        ranks = rng.sample(range(len(category)), len(category))
        weights.update({pid: 1 / (rank + 1) ** 0.9 for pid, rank in zip(category, ranks, strict=True)})
    bundles: dict[str, list[str]] = {}
    for category in ids:
        chosen = rng.sample(category, int(len(category) * bundle_share))
        while len(chosen) >= 2:
            size = min(rng.choice([2, 2, 3]), len(chosen))
            bundle, chosen = chosen[:size], chosen[size:]
            for pid in bundle:
                bundles[pid] = [other for other in bundle if other != pid]

    def pick(category: list[str]) -> str:
        return rng.choices(category, weights=[weights[pid] for pid in category])[0]

    def one_session(customer: int, favourites: list[int]) -> Session:
        category = ids[rng.choice(favourites) if rng.random() < 0.85 else rng.randrange(categories)]
        pages = [pick(category)]
        for _ in range(rng.randint(0, 4)):
            here, step = pages[-1], rng.random()
            if step < 0.35 and bundles.get(here):
                pages.append(rng.choice(bundles[here]))
            elif step < 0.85:
                pages.append(pick(category))
            else:
                pages.append(pick(ids[rng.randrange(categories)]))
        session = Session(customer, pages)
        if rng.random() < 0.6:  # a purchase ends the session: the last product looked at, maybe its bundle
            bought = pages[-1]
            extras = [pid for pid in bundles.get(bought, []) if rng.random() < 0.5]
            if rng.random() < 0.2 and len(pages) > 1:
                extras.append(rng.choice(pages[:-1]))
            session.basket = list(dict.fromkeys([bought, *extras]))
        return session

    histories = []
    for customer in range(customers):
        favourites = rng.sample(range(categories), rng.choice([1, 1, 2]))
        histories.append([one_session(customer, favourites) for _ in range(rng.randint(2, 8))])
    training: list[Session] = []
    held_out: list[Session] = []
    for history in histories:
        last = max((i for i, s in enumerate(history) if s.basket), default=None)
        if last is not None and set(history[last].basket) - {history[last].pages[0]}:
            held_out.append(history[last])
            training += history[:last]  # nothing from that session on is learned from
        else:
            training += history
    rng.shuffle(training)  # customers interleave
    products = [
        Product(
            product_id=pid,
            sku=pid,
            name=pid,
            price=Money(amount=1000, currency="EUR"),
            category=pid.split("-")[0],
            stock=MAX_STOCK,
            created_at=_NOW,
            updated_at=_NOW,
        )
        for category in ids
        for pid in category
    ]
    return World(products, training, held_out)


# --- training and evaluation --------------------------------------------------------------


def train(world: World, *, views: bool, attack: bool = False) -> MemoryCatalog:
    """Replays the history through the catalog's use cases, as the consumer and the API run them,
    one session a day; under attack, each day also brings the attacker's orders and views."""
    catalog = MemoryCatalog(world.products)
    for number, session in enumerate(world.sessions):
        clock = FixedClock(_NOW + timedelta(days=number))
        if views:
            for previous, page in zip(session.pages, session.pages[1:], strict=False):
                view(catalog, previous, page, f"customer-{session.customer}", clock)
        if session.basket:
            buy(catalog, f"o{number}", session.basket)
        if attack:
            steer(catalog, world, number, clock)
    return catalog


def view(catalog: MemoryCatalog, previous: str, page: str, viewer: str, clock: FixedClock) -> None:
    # products=: the view needs only Products.get, which the store has
    service.record_view(page, previous, viewer, products=catalog, co_occurrences=catalog, clock=clock)  # type: ignore[arg-type]


def buy(catalog: MemoryCatalog, order_id: str, basket: Sequence[str], quantity: int = 1) -> None:
    lines = [{"product_id": pid, "quantity": quantity} for pid in basket]
    placed = OrderPlaced.model_validate({"order_id": order_id, "lines": lines})
    service.reserve_stock(placed, inventory=catalog)
    service.confirm_stock(OrderConfirmed(order_id=order_id), inventory=catalog)
    service.confirm_stock(OrderConfirmed(order_id=order_id), inventory=catalog)  # a redelivery


def steer(catalog: MemoryCatalog, world: World, number: int, clock: FixedClock) -> None:
    """One attacker's day: for one held-out session's first product, an unrelated product bought
    with it 99 at a time and cancelled (the refund), and viewed with it 50 times from one account."""
    target = world.held_out[number % len(world.held_out)].pages[0]
    pushed = next(p.product_id for p in world.products if p.category != catalog.products[target].category)
    order_id = f"attack{number}"
    buy(catalog, order_id, [target, pushed], quantity=99)
    service.release_stock(OrderCancelled(order_id=order_id), inventory=catalog)
    for _ in range(50):
        view(catalog, pushed, target, "attacker", clock)


Recommender = Callable[[str], list[str]]


def learned(catalog: MemoryCatalog) -> Recommender:
    return lambda pid: [p.product_id for p in service.recommendations(pid, co_occurrences=catalog)]


def bought_together(catalog: MemoryCatalog) -> Recommender:
    """Today's method before this model: partners by confirmed orders together, nothing else."""

    def recommend(pid: str) -> list[str]:
        counts = catalog.pairs.get(pid, Counter())
        return sorted(counts, key=lambda partner: (-counts[partner], partner))[:LIMIT]

    return recommend


def popularity(catalog: MemoryCatalog) -> Recommender:
    best = catalog.popular(LIMIT + 1)
    return lambda pid: [other for other in best if other != pid][:LIMIT]


def hit_rate(recommender: Recommender, held_out: Sequence[Session]) -> float:
    hits = sum(1 for s in held_out if set(recommender(s.pages[0])[:LIMIT]) & (set(s.basket) - {s.pages[0]}))
    return hits / len(held_out)


def evaluate(seed: int, customers: int) -> tuple[World, dict[str, float]]:
    world = generate(seed, customers=customers)
    full, purchases_only = train(world, views=True), train(world, views=False)
    rates = {
        "learned: similarity of co-purchases and co-views, best sellers for the rest": hit_rate(
            learned(full), world.held_out
        ),
        "learned, under attack (cancelled orders and one account's repeated views, daily)": hit_rate(
            learned(train(world, views=True, attack=True)), world.held_out
        ),
        "learned from purchases only (no view signal)": hit_rate(learned(purchases_only), world.held_out),
        'baseline: "bought together" counts (the previous method)': hit_rate(
            bought_together(full), world.held_out
        ),
        "baseline: global popularity (best sellers)": hit_rate(popularity(full), world.held_out),
    }
    return world, rates


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--customers", type=int, default=1000)
    args = parser.parse_args()
    world, rates = evaluate(args.seed, args.customers)
    orders = sum(1 for s in world.sessions if s.basket)
    views = sum(len(s.pages) for s in world.sessions)
    print(
        f"seed {args.seed}: {len(world.products)} products, {args.customers} customers; trained on "
        f"{orders} orders and {views} product page reads; {len(world.held_out)} held-out purchases\n"
    )
    print("| model | hit rate@5 |")
    print("|---|---|")
    for name, rate in rates.items():
        print(f"| {name} | {rate:.3f} |")
    return 0
