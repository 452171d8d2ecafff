"""DynamoDB global tables (version 2019.11.21) on moto 5.2.5, which has none.

moto ignores UpdateTable's ReplicaUpdates and DescribeTable has no Replicas, so
hashicorp/aws's `aws_dynamodb_table` `replica` blocks (terraform/modules/table with
multi-region on) never apply: the provider adds a replica with ReplicaUpdates Create,
waits for it to be ACTIVE among the table's Replicas, then sets its PITR and tags and
reads its ARN and stream through the replica region's API; destroy sends ReplicaUpdates
Delete and waits for the replica to leave Replicas.

Here a Create makes the replica table in the other region's backend (the same key schema,
attributes, GSIs, billing mode and stream; SSE with the replica's KMS key, or that
region's AWS managed key when none is given; PITR and tags as AWS does: not copied, the
caller sets them on the replica), Update changes a replica's key, Delete drops the replica
table, and DeleteTable in one region leaves the others. Every table of the group lists the
others in Replicas (ACTIVE at once) with GlobalTableVersion 2019.11.21.

Items are NOT replicated between regions: a write stays in the region it was made in
(nothing in the apply needs more; terraform/README.md, Multi-region, says what is untested).
No upstream moto issue or pull request adds ReplicaUpdates (searched the tracker for
"ReplicaUpdates" and "global table 2019.11.21"). `install()` is called by
shop.local.emulator.patches.install().
"""

from __future__ import annotations

import functools
from typing import Any

from shop.local.emulator.patches.dynamodb import backend_lock
from shop.local.emulator.patches.once import applied_once

GLOBAL_TABLE_VERSION = "2019.11.21"


@applied_once
def install() -> None:
    """Patch moto's DynamoDB in this process."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoHandler

    handler: Any = DynamoHandler  # patched in place, untyped
    handler.update_table = _applying_replica_updates(DynamoHandler.update_table)
    table: Any = Table
    table.describe = _listing_replicas(Table.describe)
    backend: Any = DynamoDBBackend
    backend.delete_table = _leaving_the_group(DynamoDBBackend.delete_table)


def _group(table: Any) -> dict[str, str | None]:
    """The table's global table: region → its KMS key (None: the AWS managed key), shared by
    every replica's table object."""
    group: dict[str, str | None] | None = getattr(table, "replica_group", None)
    if group is None:
        group = {table.region_name: _kms_key(table)}
        table.replica_group = group
    return group


def _kms_key(table: Any) -> str | None:
    sse = table.sse_specification
    return sse.get("KMSMasterKeyId") if sse and sse.get("Enabled") else None


def _applying_replica_updates(update_table: Any) -> Any:
    @functools.wraps(update_table)
    def patched(handler: Any) -> Any:
        from moto.dynamodb.responses import DynamoResult

        updates = handler.body.pop("ReplicaUpdates", None) or []
        result = update_table(handler)
        if not updates:
            return result
        backend = handler.dynamodb_backend
        with backend_lock:
            table = backend.get_table(handler.body["TableName"])
            for update in updates:
                _apply(table, update)
            return DynamoResult(table.describe())

    return patched


def _apply(table: Any, update: dict[str, Any]) -> None:
    from moto.dynamodb.exceptions import MockValidationException

    ((action, spec),) = update.items()
    region = spec["RegionName"]
    group = _group(table)
    if action == "Create":
        if region in group:
            raise MockValidationException(f"Table {table.name} already has a replica in {region}.")
        replica = _create_replica(table, region, spec.get("KMSMasterKeyId"))
        group[region] = _kms_key(replica)
        replica.replica_group = group
        return
    if region not in group or region == table.region_name:
        raise MockValidationException(
            f"Cannot {action.lower()} replica {region}: it is not a replica of this table."
        )
    replica = _backend(table, region).get_table(table.name)
    if action == "Update" and "KMSMasterKeyId" in spec:
        replica.sse_specification = {
            "Enabled": True,
            "SSEType": "KMS",
            "KMSMasterKeyId": spec["KMSMasterKeyId"],
        }
        group[region] = spec["KMSMasterKeyId"]
    elif action == "Delete":
        _backend(table, region).delete_table(table.name)


def _backend(table: Any, region: str) -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[table.account_id][region]


def _create_replica(table: Any, region: str, kms_key: str | None) -> Any:
    sse: dict[str, Any] = {"Enabled": True, "SSEType": "KMS"}
    if kms_key:
        sse["KMSMasterKeyId"] = kms_key
    stream = table.stream_specification if table.stream_specification.get("StreamEnabled") else None
    return _backend(table, region).create_table(
        name=table.name,
        schema=table.schema,
        throughput=None if table.billing_mode == "PAY_PER_REQUEST" else dict(table.throughput),
        attr=table.attr,
        global_indexes=[
            {"IndexName": index.name, "KeySchema": index.schema, "Projection": index.projection}
            for index in table.global_indexes
        ],
        indexes=[index.describe() for index in table.indexes],
        streams=dict(stream) if stream else None,
        billing_mode=table.billing_mode,
        sse_specification=sse,
        tags=[],
        deletion_protection_enabled=False,
        warm_throughput=None,
    )


def _listing_replicas(describe: Any) -> Any:
    @functools.wraps(describe)
    def patched(table: Any, base_key: str = "TableDescription") -> dict[str, Any]:
        result: dict[str, Any] = describe(table, base_key)
        group = getattr(table, "replica_group", None)
        if group and len(group) > 1:
            result[base_key]["GlobalTableVersion"] = GLOBAL_TABLE_VERSION
            result[base_key]["Replicas"] = [
                {"RegionName": region, "ReplicaStatus": "ACTIVE"} | ({"KMSMasterKeyId": key} if key else {})
                for region, key in group.items()
                if region != table.region_name
            ]
        return result

    return patched


def _leaving_the_group(delete_table: Any) -> Any:
    @functools.wraps(delete_table)
    def patched(backend: Any, name: str) -> Any:
        deleted = delete_table(backend, name)
        group = getattr(deleted, "replica_group", None)
        if group is not None:
            group.pop(deleted.region_name, None)
        return deleted

    return patched
