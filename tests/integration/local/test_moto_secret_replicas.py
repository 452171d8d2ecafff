"""moto keeps a Secrets Manager replica's own KMS key, as AWS does and as hashicorp/aws's
`replica` blocks compare (see shop.local.emulator.patches.secret_replicas); each test fails
on an unpatched moto 5.2.5."""

from typing import Any

import boto3
import pytest

from shop.local.emulator.patches import secret_replicas

pytestmark = pytest.mark.integration

PRIMARY, SECONDARY = "us-east-1", "eu-west-1"


def secrets(region: str) -> Any:
    return boto3.client("secretsmanager", region_name=region)


def kms_key(region: str) -> str:
    return boto3.client("kms", region_name=region).create_key()["KeyMetadata"]["Arn"]  # type: ignore[no-any-return]


@pytest.fixture
def keys(aws: None) -> dict[str, str]:
    secret_replicas.install()  # also installed by the `aws` fixture through patches.install()
    return {PRIMARY: kms_key(PRIMARY), SECONDARY: kms_key(SECONDARY)}


def test_a_replica_created_with_its_secret_keeps_its_key(keys: dict[str, str]) -> None:
    arn = secrets(PRIMARY).create_secret(
        Name="shop-dev/cursor-key",
        KmsKeyId=keys[PRIMARY],
        AddReplicaRegions=[{"Region": SECONDARY, "KmsKeyId": keys[SECONDARY]}],
    )["ARN"]
    (status,) = secrets(PRIMARY).describe_secret(SecretId=arn)["ReplicationStatus"]
    assert (status["Region"], status["KmsKeyId"], status["Status"]) == (SECONDARY, keys[SECONDARY], "InSync")
    replica = secrets(SECONDARY).describe_secret(SecretId=arn.replace(PRIMARY, SECONDARY))
    assert (replica["PrimaryRegion"], replica["KmsKeyId"]) == (PRIMARY, keys[SECONDARY])


def test_a_replica_added_later_keeps_its_key_and_one_without_uses_the_default(keys: dict[str, str]) -> None:
    arn = secrets(PRIMARY).create_secret(Name="shop-dev/stripe-api-key", KmsKeyId=keys[PRIMARY])["ARN"]
    added = secrets(PRIMARY).replicate_secret_to_regions(
        SecretId=arn,
        AddReplicaRegions=[{"Region": SECONDARY, "KmsKeyId": keys[SECONDARY]}, {"Region": "eu-central-1"}],
    )
    assert [s["KmsKeyId"] for s in added["ReplicationStatus"]] == [
        keys[SECONDARY],
        "alias/aws/secretsmanager",
    ]
    unkeyed = secrets("eu-central-1").describe_secret(SecretId=arn.replace(PRIMARY, "eu-central-1"))
    assert "KmsKeyId" not in unkeyed
