"""The offline evaluation, small: the learned recommendations beat both baselines on a
generated history, replayed through the catalog's own use cases."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "evaluate_recommendations.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("evaluate_recommendations", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_learned_model_beats_bought_together_and_popularity() -> None:
    evaluation = load()
    world, rates = evaluation.evaluate(seed=11, customers=250)
    assert len(world.held_out) > 150
    learned, _purchases_only, together, popular = rates.values()
    assert learned > together
    assert learned > popular
    assert evaluation.evaluate(seed=11, customers=250)[1] == rates  # deterministic


def test_the_replay_counts_each_order_once_whatever_the_redelivery() -> None:
    evaluation = load()
    world = evaluation.generate(3, customers=40)
    catalog = evaluation.train(world, views=False)
    baskets = [session.basket for session in world.sessions if session.basket]
    assert sum(catalog.orders.values()) == sum(len(basket) for basket in baskets)
    assert catalog.views.total() == 0
