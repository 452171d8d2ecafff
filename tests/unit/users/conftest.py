"""The users' fakes every unit test of the service starts from."""

from __future__ import annotations

import pytest

from tests.unit.users.fakes import FakeIdentity, FakeProfiles


@pytest.fixture
def identity() -> FakeIdentity:
    return FakeIdentity()


@pytest.fixture
def profiles() -> FakeProfiles:
    return FakeProfiles()
