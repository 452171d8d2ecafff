"""SnapStart is a variable of environments/aws (modules/shop's `snap_start`, for the primary and
the secondary alike), off by default and off in every stage: `make cost` prices it as a month of
cached snapshots and a restore per cold start dearer than the INIT it replaces
(docs/performance.md, Cost)."""

from __future__ import annotations

import pytest

from shop_tools.cost_deployment import deployment, stages
from tests.terraform.hcl import ENVIRONMENTS, blocks

pytestmark = pytest.mark.terraform


def test_environments_aws_passes_its_snap_start_to_every_shop_module() -> None:
    variables = {block.name: block.body for block in blocks("variable", ENVIRONMENTS / "aws")}
    assert variables["snap_start"]["default"] is False
    calls = {block.name: block.body for block in blocks("module", ENVIRONMENTS / "aws")}
    for name in ("shop", "secondary"):
        assert calls[name]["snap_start"] == "${var.snap_start}", name


@pytest.mark.parametrize("stage", stages())
def test_no_stage_turns_snapstart_on(stage: str) -> None:
    assert deployment(stage).snap_start is False
