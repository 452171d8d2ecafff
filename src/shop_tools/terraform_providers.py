"""Where Terraform gets the hashicorp/aws provider: the filesystem mirror terraform/offline.tfrc
names where this machine has it (the offline machines and CI), the registry otherwise. The
Makefile decides alike; the tests and the tools that run Terraform read it here."""

from __future__ import annotations

import re
from pathlib import Path

from shop_tools.paths import REPO

OFFLINE_TFRC = REPO / "terraform" / "offline.tfrc"
PROVIDER = "registry.terraform.io/hashicorp/aws"


def mirror_path() -> Path:
    """The filesystem mirror that offline.tfrc names (its only installation method)."""
    match = re.search(r'filesystem_mirror\s*{[^}]*path\s*=\s*"([^"]+)"', OFFLINE_TFRC.read_text())
    if match is None:
        raise ValueError(f"{OFFLINE_TFRC} names no filesystem mirror")
    return Path(match.group(1))


def mirror_holds_the_provider() -> bool:
    mirror = mirror_path() / PROVIDER
    return any(mirror.glob("*/*/terraform-provider-aws*")) or any(mirror.glob("terraform-provider-aws*.zip"))


def provider_source() -> dict[str, str]:
    """The CLI configuration that installs the provider: offline.tfrc's mirror where it holds
    hashicorp/aws, else none (Terraform's default, the registry)."""
    return {"TF_CLI_CONFIG_FILE": str(OFFLINE_TFRC)} if mirror_holds_the_provider() else {}
