"""Multi-region APPLIED to the emulator: environments/aws with `secondary_region` set, applied
to moto (two regions of one ThreadedMotoServer, with the local stack's patches: global-table
replicas are shop.local.emulator.patches.dynamodb_replicas), read back through boto3 in both
regions, re-planned with no changes, destroyed, and nothing left in either region.

A reduced system: the aws environment and its modules as they are, in shop_tools.plan's copy,
whose resources.json keeps two services, users and payments. The whole two-region system
(510 resources) took 8.3 minutes here (plan 22 s, apply 204 s, re-plan 25 s, destroy 248 s at
-parallelism=30), more than `make slow` can spend; test_multi_region.py plans all of it. The
two services still have every multi-region part: global tables with a replica in the secondary
(PITR, SSE with the secondary's key, propagated tags), both secrets replicated with the
secondary's secrets key, the secondary's modules/shop (keys, topic, queue, functions, relay on
the replica streams, API, alarms), the replication-latency alarms, and the users service of the
secondary calling the primary's user pool.

Not tested here: items do not replicate (a write to a replica stays in its region: the
emulator's replicas are separate tables), nor does a failover (terraform/README.md, Multi-region).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import boto3
import pytest

from shop_tools.plan import emulator, emulator_settings, environment_copy
from tests.terraform.cli import managed_resources, offline_environment, terraform
from tests.terraform.test_apply import Deployment, functions, leftovers

pytestmark = [pytest.mark.terraform, pytest.mark.slow, pytest.mark.timeout(900)]

PRIMARY, SECONDARY = "us-east-1", "eu-west-1"
SERVICES = ("users", "payments")  # the reduced system (see the docstring)
STAGE = "dev"
# Bounds against hangs, not benchmarks: measured times are in terraform/README.md.
BUDGET_SECONDS = {"plan": 120, "apply": 300, "replan": 120, "destroy": 300}
PARALLELISM = "-parallelism=30"


@dataclass
class Regional(Deployment):
    """test_apply's Deployment (whose listings this test reuses) in one region."""

    region: str = PRIMARY

    def client(self, service: str) -> Any:
        return boto3.client(
            service,  # type: ignore[call-overload]
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )


@dataclass
class TwoRegions:
    directory: Path
    primary: Regional
    planned: int = 0
    applied: bool = False
    times: dict[str, float] = field(default_factory=dict)

    @property
    def secondary(self) -> Regional:
        return replace(self.primary, region=SECONDARY)

    def run(self, step: str, *args: str) -> Any:
        started = time.monotonic()
        result = terraform(
            self.directory, *args, "-no-color", env=self.primary.env, timeout=BUDGET_SECONDS[step] * 2
        )
        self.times[step] = round(time.monotonic() - started, 1)
        print(f"terraform {step}: {self.times[step]} s", file=sys.stderr, flush=True)
        return result


def reduce_to_services(resources_json: Path) -> None:
    resources = json.loads(resources_json.read_text())
    resources["services"] = {name: resources["services"][name] for name in SERVICES}
    resources["outbox_relay"]["tables"] = [t for t in resources["outbox_relay"]["tables"] if t in SERVICES]
    resources_json.write_text(json.dumps(resources))


@pytest.fixture(scope="module")
def deployment() -> Iterator[TwoRegions]:
    with emulator() as endpoint, tempfile.TemporaryDirectory(prefix="shop-multi-region-apply-") as work:
        root = Path(work)
        directory = environment_copy(root)
        reduce_to_services(root / "src" / "shop" / "resources.json")
        var_file = root / "two-regions.tfvars.json"
        var_file.write_text(
            json.dumps(
                {
                    "stage": STAGE,
                    "region": PRIMARY,
                    "secondary_region": SECONDARY,
                    "payment_provider": "stripe",
                    "artifacts_dir": str(root / "dist"),
                }
            )
        )
        env = offline_environment(root / ".terraform", **emulator_settings(endpoint))
        state = directory / "terraform.tfstate"  # the override's local backend
        found = TwoRegions(directory, Regional(endpoint, env, var_file, state))
        initialised = terraform(directory, "init", "-lockfile=readonly", "-no-color", env=env)
        assert initialised.returncode == 0, initialised.stdout[-3000:] + initialised.stderr

        plan = found.run("plan", "plan", f"-var-file={var_file}", f"-out={root / 'plan'}")
        assert plan.returncode == 0, plan.stdout[-3000:] + plan.stderr
        summary = next(line for line in plan.stdout.splitlines() if line.startswith("Plan:"))
        found.planned = int(summary.split()[1])
        apply = found.run("apply", "apply", PARALLELISM, str(root / "plan"))
        found.applied = True
        assert apply.returncode == 0, apply.stdout[-4000:] + apply.stderr
        yield found
        if found.applied:  # a failed test left it standing: clean up, the destroy test reports
            found.run("destroy", "destroy", "-auto-approve", PARALLELISM, f"-var-file={var_file}")
        print(f"\nterraform, two regions against moto: {found.planned} resources, times {found.times}")


def state_resources(deployment: TwoRegions) -> list[str]:
    return managed_resources(deployment.directory, env=deployment.primary.env)


def key_arn(region: Regional, alias: str) -> str:
    return region.client("kms").describe_key(KeyId=f"alias/{alias}")["KeyMetadata"]["Arn"]  # type: ignore[no-any-return]


def test_both_regions_are_applied_in_bounded_time(deployment: TwoRegions) -> None:
    applied = state_resources(deployment)
    assert len(applied) == deployment.planned
    assert any(a.startswith("module.secondary[0].") for a in applied)
    for step in ("plan", "apply"):
        assert deployment.times[step] < BUDGET_SECONDS[step], deployment.times


def test_every_table_is_a_global_table_with_its_replica_in_the_secondary(deployment: TwoRegions) -> None:
    primary, secondary = deployment.primary, deployment.secondary
    keys = {
        PRIMARY: key_arn(primary, f"shop-{STAGE}"),
        SECONDARY: key_arn(secondary, f"shop-{STAGE}-{SECONDARY}"),
    }
    names = [f"shop-{STAGE}-{service}" for service in SERVICES]
    assert sorted(primary.client("dynamodb").list_tables()["TableNames"]) == sorted(names)
    assert sorted(secondary.client("dynamodb").list_tables()["TableNames"]) == sorted(names)
    for name in names:
        source = primary.client("dynamodb").describe_table(TableName=name)["Table"]
        replica = secondary.client("dynamodb").describe_table(TableName=name)["Table"]
        for table, here, other in ((source, PRIMARY, SECONDARY), (replica, SECONDARY, PRIMARY)):
            assert table["GlobalTableVersion"] == "2019.11.21", (name, here)
            assert table["Replicas"] == [
                {"RegionName": other, "ReplicaStatus": "ACTIVE", "KMSMasterKeyId": keys[other]}
            ], (name, here)
            assert table["SSEDescription"]["KMSMasterKeyArn"] == keys[here], (name, here)
            # Global tables need new and old images, on every table.
            assert table["StreamSpecification"] == {
                "StreamEnabled": True,
                "StreamViewType": "NEW_AND_OLD_IMAGES",
            }
            assert table["LatestStreamArn"].startswith(table["TableArn"] + "/stream/"), (name, here)
        assert replica["KeySchema"] == source["KeySchema"], name
        assert replica["GlobalSecondaryIndexes"] == source["GlobalSecondaryIndexes"], name
        dynamodb = secondary.client("dynamodb")
        backups = dynamodb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED", name
        tags = {
            t["Key"]: t["Value"]
            for t in dynamodb.list_tags_of_resource(ResourceArn=replica["TableArn"])["Tags"]
        }
        assert tags["Stage"] == STAGE, name  # propagate_tags


def test_the_secondary_runs_on_the_replicas_and_the_primarys_user_pool(deployment: TwoRegions) -> None:
    secondary = deployment.secondary
    prefix = f"shop-{STAGE}-{SECONDARY}"
    found = functions(secondary)
    dynamodb = secondary.client("dynamodb")
    streams = {
        name: dynamodb.describe_table(TableName=f"shop-{STAGE}-{name}")["Table"]["LatestStreamArn"]
        for name in SERVICES
    }
    mappings = secondary.client("lambda").list_event_source_mappings()["EventSourceMappings"]
    relayed = [
        m["EventSourceArn"] for m in mappings if m["FunctionArn"].endswith(f":function:{prefix}-outbox-relay")
    ]
    assert sorted(relayed) == sorted(streams.values())
    for service in SERVICES:
        env = found[f"{prefix}-{service}-http"]["Environment"]["Variables"]
        assert env[f"{service.upper()}_TABLE_NAME"] == f"shop-{STAGE}-{service}"  # the replica, same name
    users = found[f"{prefix}-users-http"]["Environment"]["Variables"]
    assert users["SHOP_REGION_COGNITO_IDP"] == PRIMARY
    (pool,) = deployment.primary.client("cognito-idp").list_user_pools(MaxResults=10)["UserPools"]
    assert users["USER_POOL_ID"] == pool["Id"]
    assert secondary.client("cognito-idp").list_user_pools(MaxResults=10)["UserPools"] == []


def test_the_secrets_replicate_with_the_secondarys_secrets_key(deployment: TwoRegions) -> None:
    primary, secondary = deployment.primary, deployment.secondary
    replica_key = key_arn(secondary, f"shop-{STAGE}-{SECONDARY}-secrets")
    listed = primary.client("secretsmanager").list_secrets()["SecretList"]
    assert sorted(s["Name"] for s in listed) == [f"shop-{STAGE}/cursor-key", f"shop-{STAGE}/stripe-api-key"]
    for secret in listed:
        (status,) = primary.client("secretsmanager").describe_secret(SecretId=secret["ARN"])[
            "ReplicationStatus"
        ]
        assert (status["Region"], status["KmsKeyId"], status["Status"]) == (SECONDARY, replica_key, "InSync")
        replica = secondary.client("secretsmanager").describe_secret(SecretId=secret["Name"])
        assert (replica["PrimaryRegion"], replica["KmsKeyId"]) == (PRIMARY, replica_key)
    cursor = f"shop-{STAGE}/cursor-key"
    assert (
        secondary.client("secretsmanager").get_secret_value(SecretId=cursor)["SecretString"]
        == primary.client("secretsmanager").get_secret_value(SecretId=cursor)["SecretString"]
    )


def test_a_plan_after_apply_shows_no_changes(deployment: TwoRegions) -> None:
    result = deployment.run(
        "replan", "plan", "-detailed-exitcode", f"-var-file={deployment.primary.var_file}"
    )
    changes = [line for line in result.stdout.splitlines() if line.strip().startswith(("#", "~", "+", "-"))]
    assert result.returncode == 0, "\n".join(changes[:80]) + result.stderr


def test_destroy_leaves_nothing_in_either_region(deployment: TwoRegions) -> None:
    # No refresh: the plan after apply has just compared every resource with moto.
    result = deployment.run(
        "destroy",
        "destroy",
        "-auto-approve",
        "-refresh=false",
        PARALLELISM,
        f"-var-file={deployment.primary.var_file}",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    deployment.applied = False
    assert state_resources(deployment) == []
    for region in (deployment.primary, deployment.secondary):
        left = leftovers(region)
        # Secrets wait out their recovery window (7 days in dev) scheduled for deletion, as AWS keeps them.
        pending = left.pop("secrets", [])
        for name in pending:
            assert region.client("secretsmanager").describe_secret(SecretId=name).get("DeletedDate"), name
        assert left == {}, region.region
    assert deployment.times["destroy"] < BUDGET_SECONDS["destroy"], deployment.times
