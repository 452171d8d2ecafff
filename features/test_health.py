"""health.feature: the health and OpenAPI routes and the gateway's own problem answers."""

from __future__ import annotations

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.acceptance

scenarios("health.feature")
