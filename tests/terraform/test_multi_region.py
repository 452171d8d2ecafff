"""The multi-region option (environments/aws `secondary_region`): off by default; on, the
tables become global tables, the secrets replicate, a second modules/shop runs in the
other region on the primary's replicas and user pool, and each region's relay is invoked
only for outbox records written in its region.

Fast: the wiring in the HCL, and that the stream filter names the attribute the outbox
writer stamps. Slow: `terraform plan` of environments/aws with the option on, against moto
(shop_tools.plan's copy of terraform/ with an override file for the local backend, as `make plan`).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shop.platform.outbox import OUTBOX_PREFIX, REGION_ATTRIBUTE
from shop_tools.plan import emulator, emulator_settings, environment_copy
from tests.terraform.cli import offline_environment, terraform
from tests.terraform.hcl import ENVIRONMENTS, MODULES, blocks, locals_of

pytestmark = pytest.mark.terraform

PRIMARY, SECONDARY = "us-east-1", "eu-west-1"


def variable_default(directory: Path, name: str) -> Any:
    return next(b.body.get("default") for b in blocks("variable", directory) if b.name == name)


def test_the_option_is_off_by_default() -> None:
    assert variable_default(ENVIRONMENTS / "aws", "secondary_region") is None
    assert variable_default(MODULES / "shop", "region_role") == "single"
    assert variable_default(MODULES / "table", "replicas") == []
    assert variable_default(MODULES / "outbox_relay", "own_region") is None


def test_the_stream_filter_names_what_the_outbox_writer_stamps() -> None:
    relay = locals_of(MODULES / "outbox_relay")
    patterns = " ".join(str(relay["region_patterns"]).split())
    assert f"'{REGION_ATTRIBUTE}': {{'S': ['${{var.own_region}}']}}" in patterns
    assert f"'prefix': '{OUTBOX_PREFIX}'" in patterns
    assert "'exists': False" in patterns
    assert "var.relay_unstamped_records" in relay["region_filters"]


def test_the_secondary_is_modules_shop_under_the_other_provider() -> None:
    calls = {b.name: b.body for b in blocks("module", ENVIRONMENTS / "aws")}
    secondary = calls["secondary"]
    assert secondary["source"] == calls["shop"]["source"]
    assert secondary["providers"] == {"aws": "${aws.secondary}"}
    assert secondary["region_role"] == "secondary"
    assert secondary["replica_of"] == "${module.shop.replica_of}"
    # IAM role and dashboard names are account-wide: the secondary's carry its region.
    assert "var.secondary_region" in secondary["name_prefix"]


def test_a_secondarys_users_service_calls_the_primarys_user_pool() -> None:
    # Cognito does not replicate; shop.platform.aws reads SHOP_REGION_COGNITO_IDP.
    shop = locals_of(MODULES / "shop")
    assert "SHOP_REGION_COGNITO_IDP = var.replica_of.identity.region" in shop["identity_environment"]
    assert shop["identity"].count("data.aws_region.current.name") == 1  # the primary's region
    call = {b.name: b.body for b in blocks("module", MODULES / "shop")}["service"]
    assert "local.identity_environment" in call["extra_environment"]


# --------------------------------------------------------------------------- plan (slow)


@pytest.fixture(scope="module")
def plan() -> Iterator[dict[str, Any]]:
    with emulator() as endpoint, tempfile.TemporaryDirectory(prefix="shop-multi-region-") as directory:
        root = Path(directory)
        environment = environment_copy(root)
        env = offline_environment(root / ".terraform", **emulator_settings(endpoint))
        # With the (local) backend: plan needs it initialised, unlike validate.
        initialised = terraform(environment, "init", "-lockfile=readonly", "-no-color", env=env)
        assert initialised.returncode == 0, initialised.stdout[-3000:] + initialised.stderr
        result = terraform(
            environment,
            "plan",
            "-no-color",
            "-var=stage=dev",
            f"-var=region={PRIMARY}",
            f"-var=secondary_region={SECONDARY}",
            "-var=payment_provider=stripe",
            f"-var=artifacts_dir={root / 'dist'}",
            f"-out={root / 'plan'}",
            env=env,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr
        shown = terraform(environment, "show", "-json", str(root / "plan"), env=env)
        assert shown.returncode == 0, shown.stderr
        yield json.loads(shown.stdout)


def planned(plan: dict[str, Any], prefix: str, type_: str) -> list[dict[str, Any]]:
    return [
        change
        for change in plan["resource_changes"]
        if change["address"].startswith(prefix) and change["type"] == type_
    ]


@pytest.mark.slow
def test_tables_become_global_tables_with_a_replica_in_the_secondary(plan: dict[str, Any]) -> None:
    tables = planned(plan, "module.shop.", "aws_dynamodb_table")
    assert tables
    for table in tables:
        after = table["change"]["after"]
        assert after["stream_enabled"] is True, table["address"]
        assert after["stream_view_type"] == "NEW_AND_OLD_IMAGES", table["address"]
        (replica,) = after["replica"]
        assert replica["region_name"] == SECONDARY
        assert replica["point_in_time_recovery"] is True
        # Its key is the secondary's own (known after apply), never the primary's.
        assert table["change"]["after_unknown"]["replica"][0]["kms_key_arn"] is True
    assert not planned(plan, "module.secondary[0].", "aws_dynamodb_table")


@pytest.mark.slow
def test_the_secondary_has_no_user_pool_and_no_secrets_of_its_own(plan: dict[str, Any]) -> None:
    assert planned(plan, "module.shop.", "aws_cognito_user_pool")
    assert not planned(plan, "module.secondary[0].", "aws_cognito_user_pool")
    assert not planned(plan, "module.secondary[0].", "aws_secretsmanager_secret")
    secrets = planned(plan, "module.shop.", "aws_secretsmanager_secret")
    assert len(secrets) == 2  # cursor key and Stripe key
    for secret in secrets:
        assert [r["region"] for r in secret["change"]["after"]["replica"]] == [SECONDARY]


@pytest.mark.slow
def test_each_relay_is_invoked_only_for_its_own_regions_records(plan: dict[str, Any]) -> None:
    def patterns(prefix: str) -> list[list[dict[str, Any]]]:
        mappings = planned(plan, prefix + "module.outbox_relay.", "aws_lambda_event_source_mapping")
        assert mappings
        return [
            [json.loads(f["pattern"]) for f in m["change"]["after"]["filter_criteria"][0]["filter"]]
            for m in mappings
        ]

    def stamped(region: str) -> dict[str, Any]:
        return {"eventName": ["INSERT"], "dynamodb": {"NewImage": {REGION_ATTRIBUTE: {"S": [region]}}}}

    unstamped = {"pk": {"S": [{"prefix": OUTBOX_PREFIX}]}, REGION_ATTRIBUTE: {"S": [{"exists": False}]}}
    for filters in patterns("module.shop."):  # a set: in any order
        # Records written before the stamp existed: the primary relays them, as before.
        expected = [stamped(PRIMARY), {"eventName": ["INSERT"], "dynamodb": {"NewImage": unstamped}}]
        assert sorted(json.dumps(f, sort_keys=True) for f in filters) == sorted(
            json.dumps(f, sort_keys=True) for f in expected
        )
    for filters in patterns("module.secondary[0]."):
        assert filters == [stamped(SECONDARY)]


@pytest.mark.slow
def test_every_table_pages_when_its_replica_falls_behind(plan: dict[str, Any]) -> None:
    tables = {t["change"]["after"]["name"] for t in planned(plan, "module.shop.", "aws_dynamodb_table")}
    alarms = [
        a["change"]["after"]
        for a in planned(plan, "module.shop.", "aws_cloudwatch_metric_alarm")
        if a["change"]["after"]["metric_name"] == "ReplicationLatency"
    ]
    assert {a["dimensions"]["TableName"] for a in alarms} == tables
    for alarm in alarms:
        assert alarm["dimensions"]["ReceivingRegion"] == SECONDARY
        assert (
            alarm["alarm_name"] == f"{alarm['dimensions']['TableName']}-table-{SECONDARY}-replication-latency"
        )
