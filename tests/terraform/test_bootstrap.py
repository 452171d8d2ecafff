"""terraform/bootstrap, the foundations applied once per account (issue 21): offline, its
`init`, `validate` and `terraform test` (mock_provider "aws"); in `make slow`, an apply to the
embedded emulator (moto), read back through the AWS APIs, re-planned with no changes and
destroyed, after which nothing of it is left."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from shop_tools.plan import emulator, emulator_settings, override
from tests.terraform.cli import init, offline_environment, terraform
from tests.terraform.hcl import ENVIRONMENTS, MODULES, TERRAFORM, blocks, locals_of

pytestmark = pytest.mark.terraform

BOOTSTRAP = TERRAFORM / "bootstrap"
STAGES = sorted(
    p.name.removesuffix(".s3.tfbackend") for p in (ENVIRONMENTS / "aws" / "stages").glob("*.s3.tfbackend")
)
REPOSITORY = "acme/shop"
OIDC = "token.actions.githubusercontent.com"
# A bound against hangs: most of the apply is the provider waiting 55 s for each bucket's
# lifecycle rules to settle, which it does on any endpoint (terraform/bootstrap/README.md).
BUDGET_SECONDS = 150


def backend(stage: str) -> dict[str, str]:
    text = (ENVIRONMENTS / "aws" / "stages" / f"{stage}.s3.tfbackend").read_text()
    return dict(re.findall(r'^(\w+)\s*=\s*"([^"]*)"', text, re.MULTILINE))


def test_by_default_bootstrap_makes_the_foundations_of_every_stage_the_aws_environment_has() -> None:
    (variable,) = [b for b in blocks("variable", BOOTSTRAP) if b.name == "stages"]
    assert sorted(variable.body["default"]) == STAGES == ["dev", "prod"]


def test_its_terraform_tests_cover_refused_inputs() -> None:
    text = "".join(p.read_text() for p in (BOOTSTRAP / "tests").glob("*.tftest.hcl"))
    assert 'mock_provider "aws"' in text
    assert "expect_failures = [var.repository]" in text


def test_the_boundary_allows_every_action_the_shop_gives_a_function() -> None:
    """The boundary caps what a deploy can give a function: an action a module gives its
    functions and the boundary lacks would be refused on AWS at run time, and nowhere before."""
    boundary = {
        action
        for statement in locals_of(BOOTSTRAP / "boundary.tf")["boundary"]
        for action in statement["actions"]
    }
    given = {
        f"cognito-idp:{action}"
        for variable in blocks("variable", MODULES / "service")
        if variable.name in ("cognito_actions", "events_cognito_actions")
        for action in variable.body["default"]
    }
    for module in ("function", "service", "outbox_relay"):
        for actions in re.findall(r"actions\s*=\s*\[([^\]]*)\]", (MODULES / module / "main.tf").read_text()):
            given |= set(re.findall(r'"([a-z0-9-]+:[A-Za-z]+)"', actions))
    given -= {"sts:AssumeRole"}  # the trust policy's: Lambda assumes the role
    assert {"dynamodb:GetRecords", "secretsmanager:GetSecretValue", "xray:PutTraceSegments"} <= given
    assert given - boundary == set()
    # ... and no user pool call beyond them: the boundary is the cap if a deploy writes more.
    assert {a for a in boundary if a.startswith("cognito-idp:")} == {
        a for a in given if a.startswith("cognito-idp:")
    }


def test_environments_aws_bounds_its_roles_by_the_policy_bootstrap_names() -> None:
    """The two sides of one naming convention: a drift would fail every deploy at CreateRole."""
    (policy,) = [b for b in blocks("resource", BOOTSTRAP) if b.type == "aws_iam_policy"]
    assert policy.body["name"] == "github-shop-${each.key}-boundary"
    assert (
        ":policy/github-shop-${var.stage}-boundary" in locals_of(ENVIRONMENTS / "aws")["permissions_boundary"]
    )


def test_validate_and_terraform_test_offline(tmp_path: Path) -> None:
    env = offline_environment(tmp_path / ".terraform")
    init(BOOTSTRAP, env)
    validate = terraform(BOOTSTRAP, "validate", "-no-color", env=env)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    result = terraform(BOOTSTRAP, "test", "-no-color", env=env, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    runs = len(
        re.findall(r'^run "', (BOOTSTRAP / "tests" / "bootstrap.tftest.hcl").read_text(), re.MULTILINE)
    )
    assert f"Success! {runs} passed, 0 failed." in result.stdout, result.stdout[-2000:]


# --------------------------------------------------------------------------- the emulator


class Applied:
    def __init__(self, directory: Path, env: dict[str, str], endpoint: str) -> None:
        self.directory, self.env, self.endpoint = directory, env, endpoint
        self.times: dict[str, float] = {}
        self.outputs: dict[str, Any] = {}
        self.destroyed = False

    def run(self, step: str, *args: str) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        result = terraform(self.directory, *args, "-no-color", f"-var=repository={REPOSITORY}", env=self.env)
        self.times[step] = round(time.monotonic() - started, 1)
        return result

    def client(self, service: str) -> Any:
        return boto3.client(
            service,  # type: ignore[call-overload]
            endpoint_url=self.endpoint,
            region_name=backend("dev")["region"],
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )


@pytest.fixture(scope="module")
def applied() -> Iterator[Applied]:
    """bootstrap applied to moto, in a copy beside the stages' backend files and the kms module,
    with the emulator's override (the repository is never edited). Outside pytest's basetemp,
    which other pytest runs rotate away."""
    with tempfile.TemporaryDirectory(prefix="shop-bootstrap-") as work, emulator() as endpoint:
        root = Path(work) / "terraform"
        shutil.copytree(BOOTSTRAP, root / "bootstrap")
        shutil.copytree(ENVIRONMENTS / "aws" / "stages", root / "environments" / "aws" / "stages")
        shutil.copytree(TERRAFORM / "modules" / "kms", root / "modules" / "kms")
        directory = root / "bootstrap"
        (directory / "emulator_override.tf").write_text(override(aliases=(None,)))
        env = offline_environment(root / ".terraform", **emulator_settings(endpoint))
        # With its backend: the override's local one, where bootstrap keeps its state anyway.
        initialized = terraform(directory, "init", "-lockfile=readonly", "-no-color", env=env)
        assert initialized.returncode == 0, initialized.stdout[-3000:] + initialized.stderr
        found = Applied(directory, env, endpoint)
        apply = found.run("apply", "apply", "-auto-approve")
        assert apply.returncode == 0, apply.stdout[-4000:] + apply.stderr
        output = terraform(directory, "output", "-json", env=env)
        found.outputs = {name: value["value"] for name, value in json.loads(output.stdout).items()}
        yield found
        if not found.destroyed:  # a test failed before the destroy test: clean up
            found.run("destroy", "destroy", "-auto-approve")
        print(f"\nbootstrap against moto: times {found.times}", file=sys.stderr)


@pytest.mark.slow
def test_each_state_bucket_is_versioned_encrypted_private_and_tls_only(applied: Applied) -> None:
    s3 = applied.client("s3")
    key = applied.outputs["state_key_arn"]
    assert applied.outputs["state_buckets"] == {stage: backend(stage)["bucket"] for stage in STAGES}
    for bucket in applied.outputs["state_buckets"].values():
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
        assert rule["ApplyServerSideEncryptionByDefault"] == {
            "SSEAlgorithm": "aws:kms",
            "KMSMasterKeyID": key,
        }
        assert rule["BucketKeyEnabled"] is True
        blocked = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        assert blocked == dict.fromkeys(
            ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
        )
        (statement,) = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
        assert statement["Effect"] == "Deny"
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        (lifecycle,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
        assert lifecycle["NoncurrentVersionExpiration"]["NoncurrentDays"] == 90
        ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
        assert ownership == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert applied.client("kms").get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True


@pytest.mark.slow
def test_the_roles_trust_github_for_this_repository_only(applied: Applied) -> None:
    iam = applied.client("iam")
    provider_arn = applied.outputs["oidc_provider_arn"]
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn)
    assert provider["Url"].removeprefix("https://") == OIDC
    assert provider["ClientIDList"] == ["sts.amazonaws.com"]
    secrets = applied.outputs["github_secrets"]
    roles = {f"AWS_PLAN_ROLE_{stage.upper()}": ("plan", stage) for stage in STAGES}
    assert set(secrets["repository"]) == set(roles)
    assert set(secrets["environments"]) == set(STAGES)
    arns = {**{roles[name]: arn for name, arn in secrets["repository"].items()}}
    arns |= {("deploy", stage): s["AWS_DEPLOY_ROLE"] for stage, s in secrets["environments"].items()}
    for (kind, stage), arn in arns.items():
        role = iam.get_role(RoleName=arn.rsplit("/", 1)[1])["Role"]
        (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
        assert statement["Principal"] == {"Federated": provider_arn}
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        # a condition of one value reads back as a string; pull requests plan dev alone
        subjects = {
            "deploy": f"repo:{REPOSITORY}:environment:{stage}",
            "plan": (
                [f"repo:{REPOSITORY}:pull_request", f"repo:{REPOSITORY}:ref:refs/heads/main"]
                if stage == "dev"
                else f"repo:{REPOSITORY}:ref:refs/heads/main"
            ),
        }[kind]
        assert statement["Condition"] == {
            "StringEquals": {f"{OIDC}:aud": "sts.amazonaws.com", f"{OIDC}:sub": subjects}
        }, (kind, stage)
        assert iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"] == [kind]


@pytest.mark.slow
def test_each_deploy_role_writes_roles_only_under_its_stage_s_boundary(applied: Applied) -> None:
    iam = applied.client("iam")
    boundaries = {p["PolicyName"]: p for p in iam.list_policies(Scope="Local")["Policies"]}
    assert set(boundaries) == {f"github-shop-{stage}-boundary" for stage in STAGES}
    for stage in STAGES:
        boundary = boundaries[f"github-shop-{stage}-boundary"]
        version = iam.get_policy_version(PolicyArn=boundary["Arn"], VersionId=boundary["DefaultVersionId"])
        caps = {s["Sid"]: s for s in version["PolicyVersion"]["Document"]["Statement"]}
        account = boundary["Arn"].split(":")[4]
        assert caps["UseStageTables"]["Resource"] == f"arn:aws:dynamodb:*:{account}:table/shop-{stage}-*"
        deploy = iam.get_role_policy(RoleName=f"github-shop-{stage}-deploy", PolicyName="deploy")
        (statement,) = [
            s for s in deploy["PolicyDocument"]["Statement"] if s["Sid"].endswith("UnderTheBoundaryOnly")
        ]
        # The ARN bootstrap writes into the condition is the one AWS gave the policy.
        assert statement["Condition"] == {"StringEquals": {"iam:PermissionsBoundary": boundary["Arn"]}}


@pytest.mark.slow
def test_a_plan_after_apply_shows_no_changes_and_destroy_leaves_nothing(applied: Applied) -> None:
    replan = applied.run("replan", "plan", "-detailed-exitcode")
    assert replan.returncode == 0, replan.stdout[-3000:] + replan.stderr
    # No refresh: the plan has just compared every resource with moto.
    destroy = applied.run("destroy", "destroy", "-auto-approve", "-refresh=false")
    assert destroy.returncode == 0, destroy.stdout[-3000:] + destroy.stderr
    applied.destroyed = True
    iam, kms = applied.client("iam"), applied.client("kms")
    keys = [kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"] for k in kms.list_keys()["Keys"]]
    left = {
        "buckets": [b["Name"] for b in applied.client("s3").list_buckets()["Buckets"]],
        "oidc providers": iam.list_open_id_connect_providers()["OpenIDConnectProviderList"],
        "roles": [r["RoleName"] for r in iam.list_roles()["Roles"]],
        "policies": [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]],
        # A key is only scheduled for deletion (7 to 30 days): what AWS keeps by design.
        "keys": [k["KeyId"] for k in keys if k["KeyState"] != "PendingDeletion"],
        "aliases": [
            a["AliasName"]
            for a in kms.list_aliases()["Aliases"]
            if not a["AliasName"].startswith("alias/aws/")
        ],
    }
    assert {kind: names for kind, names in left.items() if names} == {}
    assert sum(applied.times.values()) < BUDGET_SECONDS, applied.times
