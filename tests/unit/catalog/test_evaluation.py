"""The offline evaluation, small: the learned recommendations beat both baselines on a
generated history, replayed through the catalog's own use cases."""

from shop_tools import evaluate_recommendations as evaluation


def test_the_learned_model_beats_bought_together_and_popularity() -> None:
    world, rates = evaluation.evaluate(seed=11, customers=250)
    assert len(world.held_out) > 150
    learned, attacked, _purchases_only, together, popular = rates.values()
    assert learned > together
    assert learned > popular
    assert attacked > learned - 0.05  # refunds and repeated views do not steer it
    assert evaluation.evaluate(seed=11, customers=250)[1] == rates  # deterministic


def test_the_replay_counts_each_order_once_whatever_the_redelivery() -> None:
    world = evaluation.generate(3, customers=40)
    catalog = evaluation.train(world, views=False)
    baskets = [session.basket for session in world.sessions if session.basket]
    assert sum(catalog.inventory.orders.values()) == sum(len(basket) for basket in baskets)
    assert catalog.co_occurrences.views.total() == 0
