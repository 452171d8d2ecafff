"""Item-to-item similarity: weights, normalization, shrinkage, and the best-seller fallback."""

import pytest

from shop.catalog.domain.similarity import (
    PURCHASE_WEIGHT,
    VIEW_WEIGHT,
    Counts,
    PairCounts,
    best_sellers,
    co_viewed,
    recommend,
    shortlist,
    similarity,
)


def pair(partner_id: str, orders: int = 0, views: int = 0) -> PairCounts:
    return PairCounts(partner_id=partner_id, orders=orders, views=views)


def test_a_purchase_weighs_more_than_a_view() -> None:
    assert PURCHASE_WEIGHT > VIEW_WEIGHT > 0
    assert pair("b", orders=1).weight == PURCHASE_WEIGHT
    assert Counts(orders=2, units=9, views=3).weight == 2 * PURCHASE_WEIGHT + 3 * VIEW_WEIGHT


def test_a_best_seller_is_less_similar_than_a_partner_bought_mostly_with_it() -> None:
    own = Counts(orders=10)
    niche = similarity(pair("niche", orders=4), own, Counts(orders=4))
    best_seller = similarity(pair("hit", orders=5), own, Counts(orders=500))
    assert niche > best_seller > 0


def test_thin_evidence_is_damped_and_nothing_in_common_is_zero() -> None:
    once = similarity(pair("b", views=1), Counts(views=1), Counts(views=1))
    often = similarity(pair("b", views=20), Counts(views=20), Counts(views=20))
    assert 0 < once < often < 1
    assert similarity(pair("b"), Counts(orders=3), Counts(orders=3)) == 0


def test_totals_below_a_pair_count_are_floored_to_it() -> None:
    # pairs counted before the per-product totals existed
    assert similarity(pair("b", orders=2), Counts(), Counts()) == similarity(
        pair("b", orders=2), Counts(orders=2), Counts(orders=2)
    )


def test_the_shortlist_keeps_the_strongest_pairs() -> None:
    pairs = [pair("a", views=2), pair("b", orders=1), pair("c"), pair("d", views=5)]
    assert [p.partner_id for p in shortlist(pairs, size=2)] == ["d", "b"]
    assert [p.partner_id for p in shortlist(pairs)] == ["d", "b", "a"]


def test_recommend_ranks_by_similarity_and_fills_with_best_sellers() -> None:
    partners = [pair("hit", orders=5), pair("niche", orders=4), pair("gone", orders=9)]
    totals = {"hit": Counts(orders=500), "niche": Counts(orders=4), "gone": Counts(orders=9)}
    chosen = recommend(
        "p",
        Counts(orders=10),
        partners,
        totals=totals,
        popular=["p", "hit", "x", "y", "z"],
        listed={"hit", "niche", "x", "y", "z", "p"},
        limit=4,
    )
    assert chosen == ["niche", "hit", "x", "y"]  # never itself, never an unlisted product, no repeats


def test_a_product_nobody_bought_gets_the_best_sellers() -> None:
    assert recommend("p", Counts(), [], totals={}, popular=["a", "b"], listed={"a", "b"}, limit=5) == [
        "a",
        "b",
    ]


@pytest.mark.parametrize(("previous", "expected"), [("", None), ("p", None), ("q", ("q", "p"))])
def test_a_view_counts_a_co_view_only_from_another_product(
    previous: str, expected: tuple[str, str] | None
) -> None:
    assert co_viewed(previous, "p") == expected


def test_best_sellers_by_units_then_id() -> None:
    counts = {"a": Counts(units=3), "b": Counts(units=7), "c": Counts(units=3), "d": Counts(views=40)}
    assert best_sellers(counts, 5) == ["b", "a", "c"]
    assert best_sellers(counts, 1) == ["b"]


def test_one_co_view_is_enough_to_be_shortlisted() -> None:
    assert [p.partner_id for p in shortlist([pair("once", views=1), pair("never")])] == ["once"]


def test_a_partner_without_totals_is_scored_on_the_pair_alone_and_one_with_nothing_in_common_never() -> None:
    chosen = recommend(
        "p",
        Counts(orders=2),
        [pair("new", orders=2), pair("nothing")],
        totals={},  # counted before the totals existed
        popular=["x"],
        listed={"new", "nothing", "x"},
        limit=3,
    )
    assert chosen == ["new", "x"]
