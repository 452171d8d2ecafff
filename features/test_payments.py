"""payments.feature: GET /payments, with the shared steps of steps.py only."""

from __future__ import annotations

import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.acceptance

scenarios("payments.feature")
