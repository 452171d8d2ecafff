"""Offline evaluation of the catalog's recommendations on a generated shop history.

It generates customers who browse and buy with latent structure (each prefers one or two
categories; some products are bundles bought together; popularity is skewed), replays the
history through the catalog's own service functions and domain code (`reserve_stock` and
`confirm_stock` as the OrderConfirmed consumer runs them, `record_view` for each page a
signed-in customer went to from another, `recommendations` for the answer), with the
catalog's in-memory fakes in place of DynamoDB, and reports hit rate@5 on held-out purchases against two
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
from datetime import UTC, datetime, timedelta

from shop.catalog import service
from shop.catalog.domain.events import OrderCancelled, OrderConfirmed, OrderPlaced
from shop.catalog.domain.product import MAX_STOCK, Product
from shop.kernel.clock import FixedClock
from shop.kernel.money import Money
from shop_tools.catalog_fakes import FakeCoOccurrences, FakeInventory, FakeProducts

LIMIT = service.MAX_RECOMMENDATIONS
_NOW = datetime(2026, 1, 1, tzinfo=UTC)


# --- the store: the catalog's fakes, held to the DynamoDB adapters by the contract suite ----


@dataclass
class Catalog:
    products: FakeProducts
    inventory: FakeInventory
    co_occurrences: FakeCoOccurrences

    @classmethod
    def of(cls, products: Sequence[Product]) -> Catalog:
        store = FakeProducts()
        for product in products:
            store.add(product)
        inventory = FakeInventory(store)
        return cls(store, inventory, FakeCoOccurrences(inventory))


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


def train(world: World, *, views: bool, attack: bool = False) -> Catalog:
    """Replays the history through the catalog's use cases, as the consumer and the API run them,
    one session a day; under attack, each day also brings the attacker's orders and views."""
    catalog = Catalog.of(world.products)
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


def view(catalog: Catalog, previous: str, page: str, viewer: str, clock: FixedClock) -> None:
    service.record_view(
        page, previous, viewer, products=catalog.products, co_occurrences=catalog.co_occurrences, clock=clock
    )


def buy(catalog: Catalog, order_id: str, basket: Sequence[str], quantity: int = 1) -> None:
    lines = [{"product_id": pid, "quantity": quantity} for pid in basket]
    placed = OrderPlaced.model_validate({"order_id": order_id, "lines": lines})
    service.reserve_stock(placed, inventory=catalog.inventory)
    service.confirm_stock(OrderConfirmed(order_id=order_id), inventory=catalog.inventory)
    service.confirm_stock(OrderConfirmed(order_id=order_id), inventory=catalog.inventory)  # a redelivery


def steer(catalog: Catalog, world: World, number: int, clock: FixedClock) -> None:
    """One attacker's day: for one held-out session's first product, an unrelated product bought
    with it 99 at a time and cancelled (the refund), and viewed with it 50 times from one account."""
    target = world.held_out[number % len(world.held_out)].pages[0]
    pushed = next(
        p.product_id for p in world.products if p.category != catalog.products.items[target].category
    )
    order_id = f"attack{number}"
    buy(catalog, order_id, [target, pushed], quantity=99)
    service.release_stock(OrderCancelled(order_id=order_id), inventory=catalog.inventory)
    for _ in range(50):
        view(catalog, pushed, target, "attacker", clock)


Recommender = Callable[[str], list[str]]


def learned(catalog: Catalog) -> Recommender:
    return lambda pid: [
        p.product_id for p in service.recommendations(pid, co_occurrences=catalog.co_occurrences)
    ]


def bought_together(catalog: Catalog) -> Recommender:
    """Today's method before this model: partners by confirmed orders together, nothing else."""
    partners: dict[str, Counter[str]] = {}
    for (product_id, partner_id), orders in catalog.inventory.pairs.items():
        partners.setdefault(product_id, Counter())[partner_id] = orders

    def recommend(pid: str) -> list[str]:
        counts = partners.get(pid, Counter())
        return sorted(counts, key=lambda partner: (-counts[partner], partner))[:LIMIT]

    return recommend


def popularity(catalog: Catalog) -> Recommender:
    best = catalog.co_occurrences.popular(LIMIT + 1)
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
