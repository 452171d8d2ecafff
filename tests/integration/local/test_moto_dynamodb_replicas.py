"""moto answers DynamoDB global-table replica updates as AWS does, as hashicorp/aws's
`replica` blocks need (see shop.local.emulator.patches.dynamodb_replicas); each test fails
on an unpatched moto 5.2.5."""

from typing import Any

import boto3
import pytest

from shop.local.emulator.patches import dynamodb_replicas

pytestmark = pytest.mark.integration

PRIMARY, SECONDARY = "us-east-1", "eu-west-1"
TABLE = "shop-dev-orders"


def dynamodb(region: str) -> Any:
    return boto3.client("dynamodb", region_name=region)


def kms_key(region: str) -> str:
    return boto3.client("kms", region_name=region).create_key()["KeyMetadata"]["Arn"]  # type: ignore[no-any-return]


@pytest.fixture
def table(aws: None) -> dict[str, str]:
    """A table as terraform/modules/table makes a global one: GSI, NEW_AND_OLD_IMAGES
    stream, SSE with the primary's key, tags; then a replica with the secondary's key."""
    dynamodb_replicas.install()  # also installed by the `aws` fixture through patches.install()
    keys = {PRIMARY: kms_key(PRIMARY), SECONDARY: kms_key(SECONDARY)}
    dynamodb(PRIMARY).create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "gsi1pk", "gsi1sk")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gsi1",
                "KeySchema": [
                    {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                    {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": keys[PRIMARY]},
        Tags=[{"Key": "Stage", "Value": "dev"}],
    )
    dynamodb(PRIMARY).update_table(
        TableName=TABLE,
        ReplicaUpdates=[{"Create": {"RegionName": SECONDARY, "KMSMasterKeyId": keys[SECONDARY]}}],
    )
    return keys


def test_a_replica_is_the_same_table_in_the_other_region_with_its_own_key(table: dict[str, str]) -> None:
    primary = dynamodb(PRIMARY).describe_table(TableName=TABLE)["Table"]
    replica = dynamodb(SECONDARY).describe_table(TableName=TABLE)["Table"]
    assert replica["TableArn"] == primary["TableArn"].replace(PRIMARY, SECONDARY)
    for same in ("KeySchema", "AttributeDefinitions", "BillingModeSummary", "StreamSpecification"):
        assert replica[same] == primary[same], same
    assert [i["IndexName"] for i in replica["GlobalSecondaryIndexes"]] == ["gsi1"]
    assert (
        replica["GlobalSecondaryIndexes"][0]["KeySchema"] == primary["GlobalSecondaryIndexes"][0]["KeySchema"]
    )
    assert replica["LatestStreamArn"].startswith(replica["TableArn"] + "/stream/")
    assert replica["SSEDescription"]["KMSMasterKeyArn"] == table[SECONDARY]
    streams = boto3.client("dynamodbstreams", region_name=SECONDARY).list_streams(TableName=TABLE)["Streams"]
    assert [s["StreamArn"] for s in streams] == [replica["LatestStreamArn"]]


def test_each_region_lists_the_other_as_an_active_replica(table: dict[str, str]) -> None:
    for region, other in ((PRIMARY, SECONDARY), (SECONDARY, PRIMARY)):
        described = dynamodb(region).describe_table(TableName=TABLE)["Table"]
        assert described["GlobalTableVersion"] == "2019.11.21", region
        assert described["Replicas"] == [
            {"RegionName": other, "ReplicaStatus": "ACTIVE", "KMSMasterKeyId": table[other]}
        ], region
    updated = dynamodb(PRIMARY).update_table(
        TableName=TABLE,
        ReplicaUpdates=[{"Update": {"RegionName": SECONDARY, "KMSMasterKeyId": table[PRIMARY]}}],
    )
    assert updated["TableDescription"]["Replicas"][0]["KMSMasterKeyId"] == table[PRIMARY]


def test_pitr_and_tags_are_set_on_the_replica_through_its_region(table: dict[str, str]) -> None:
    """As the provider does for point_in_time_recovery and propagate_tags: AWS copies neither."""
    replica = dynamodb(SECONDARY)
    arn = replica.describe_table(TableName=TABLE)["Table"]["TableArn"]
    assert replica.list_tags_of_resource(ResourceArn=arn)["Tags"] == []
    replica.update_continuous_backups(
        TableName=TABLE, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    replica.tag_resource(ResourceArn=arn, Tags=[{"Key": "Stage", "Value": "dev"}])
    backups = replica.describe_continuous_backups(TableName=TABLE)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    assert replica.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "Stage", "Value": "dev"}]


def test_deleting_the_replica_drops_its_table_and_ends_the_global_table(table: dict[str, str]) -> None:
    assert dynamodb(SECONDARY).list_tables()["TableNames"] == [TABLE]
    dynamodb(PRIMARY).update_table(TableName=TABLE, ReplicaUpdates=[{"Delete": {"RegionName": SECONDARY}}])
    assert dynamodb(SECONDARY).list_tables()["TableNames"] == []
    primary = dynamodb(PRIMARY).describe_table(TableName=TABLE)["Table"]
    assert "Replicas" not in primary
    assert "GlobalTableVersion" not in primary
    dynamodb(PRIMARY).delete_table(TableName=TABLE)
    assert dynamodb(PRIMARY).list_tables()["TableNames"] == []


def test_a_replica_is_refused_where_one_exists_and_unknown_ones_cannot_be_deleted(
    table: dict[str, str],
) -> None:
    client = dynamodb(PRIMARY)
    with pytest.raises(client.exceptions.ClientError, match="ValidationException"):
        client.update_table(TableName=TABLE, ReplicaUpdates=[{"Create": {"RegionName": SECONDARY}}])
    with pytest.raises(client.exceptions.ClientError, match="ValidationException"):
        client.update_table(TableName=TABLE, ReplicaUpdates=[{"Delete": {"RegionName": "ap-south-1"}}])


def test_deleting_one_regions_table_leaves_the_other(table: dict[str, str]) -> None:
    dynamodb(SECONDARY).delete_table(TableName=TABLE)
    primary = dynamodb(PRIMARY).describe_table(TableName=TABLE)["Table"]
    assert "Replicas" not in primary
