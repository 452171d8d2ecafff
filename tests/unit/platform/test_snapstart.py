"""SnapStart restore hooks: registered with the runtime's snapshot_restore_py when it is
there, and each restore forgets what init left behind."""

import random
import sys
import types
from collections.abc import Callable, Iterator

import pytest

from shop.platform import api_client, aws, snapstart


@pytest.fixture
def fresh_registration() -> Iterator[None]:
    snapstart.register_restore_hooks.cache_clear()
    yield
    snapstart.register_restore_hooks.cache_clear()


def test_without_snapstart_nothing_is_registered(
    fresh_registration: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # not importable
    assert snapstart.register_restore_hooks() is False


def test_on_snapstart_the_hook_is_registered_once(
    fresh_registration: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered: list[Callable[[], None]] = []
    runtime = types.ModuleType("snapshot_restore_py")
    runtime.register_after_restore = registered.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", runtime)
    assert snapstart.register_restore_hooks() is True
    snapstart.register_restore_hooks()
    assert registered == [snapstart.after_restore]


def test_a_restore_reseeds_randomness_and_drops_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    before_client, before_pool = aws.client("sqs"), api_client._pool()
    random.seed(1)
    snapshot_draw = random.random()
    random.seed(1)  # the state every restored copy would share
    snapstart.after_restore()
    assert random.random() != snapshot_draw
    assert aws.client("sqs") is not before_client
    assert api_client._pool() is not before_pool
