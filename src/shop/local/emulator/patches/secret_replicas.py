"""Secrets Manager replicas keep the KMS key they were given (moto 5.2.5 drops it).

moto replicates a secret to another region (CreateSecret's AddReplicaRegions,
ReplicateSecretToRegions) but ignores each replica's KmsKeyId: ReplicationStatus always
names the default key (alias/aws/secretsmanager), and DescribeSecret in the replica's region
names the primary's key. AWS encrypts the replica with the key given for it and says so in
both places, so hashicorp/aws sees a change on every plan of an `aws_secretsmanager_secret`
`replica` block with a `kms_key_id` (terraform/modules/secrets with multi-region on).

No upstream moto issue was found (searched the tracker for "replica KmsKeyId").
`install()` is called by shop.local.emulator.patches.install().
"""

from __future__ import annotations

import functools
from typing import Any

from shop.local.emulator.patches.once import applied_once


@applied_once
def install() -> None:
    """Patch moto's Secrets Manager models in this process."""
    from moto.secretsmanager.models import FakeSecret, ReplicaSecret

    secret: Any = FakeSecret  # patched in place, untyped
    replica: Any = ReplicaSecret
    secret.create_replicas = _keeping_their_keys(FakeSecret.create_replicas)
    replica.to_dict = _described_with_its_key(ReplicaSecret.to_dict)


def _keeping_their_keys(create_replicas: Any) -> Any:
    @functools.wraps(create_replicas)
    def patched(secret: Any, replica_regions: list[dict[str, str]], *args: Any, **kwargs: Any) -> Any:
        replicas = create_replicas(secret, replica_regions, *args, **kwargs)
        for replica, requested in zip(replicas, replica_regions, strict=True):
            replica.kms_key_id = requested.get("KmsKeyId")
            if replica.kms_key_id:
                replica.config["KmsKeyId"] = replica.kms_key_id
        return replicas

    return patched


def _described_with_its_key(to_dict: Any) -> Any:
    @functools.wraps(to_dict)
    def patched(replica: Any) -> dict[str, Any]:
        described: dict[str, Any] = to_dict(replica)
        described.pop("KmsKeyId", None)  # the primary's; AWS leaves it out for the default key
        if getattr(replica, "kms_key_id", None):
            described["KmsKeyId"] = replica.kms_key_id
        return described

    return patched
