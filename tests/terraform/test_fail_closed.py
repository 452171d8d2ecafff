"""Production fails closed (issue 18): Terraform refuses, before it plans a resource, a stage that
would run the sandbox payment provider (it approves test tokens without charging anyone) where it
is not allowed, a stage other than dev that allows it, a prod whose alarms reach nobody, a prod
without per-client limits (`edge_protection`: CloudFront and AWS WAF in front of the API), a prod
without deletion protection, and a prod on Cognito's own e-mail sender (`ses_email_identity_arn`).

The variables' validations are what `terraform plan` checks first; `terraform console` runs exactly
them, offline and without planning resources (`terraform test` cannot: its mock provider refuses
the ephemeral secret the secrets module generates). The real stage files are judged, in a copy of
terraform/ with a local backend, so the S3 one needs no credentials."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.terraform.cli import offline_environment, terraform, terraform_binary
from tests.terraform.hcl import MODULES, REPO, TERRAFORM, locals_of
from tests.terraform.test_workflows import load

pytestmark = pytest.mark.terraform

OPS = '["ops@example.com"]'


class Stage:
    def __init__(self, root: Path) -> None:
        self.directory = root / "terraform" / "environments" / "aws"
        self.dist = root / "dist"
        self.env = offline_environment(root / ".terraform")

    def refusals(self, stage: str, **variables: str) -> dict[str, str]:
        """The variables the validations refuse for stages/<stage>.tfvars with these variables, with
        what each refusal says (those of the environment, and those it passes to a module)."""
        options = [f"-var={name}={value}" for name, value in variables.items()]
        result = terraform(
            self.directory,
            "console",
            "-no-color",
            f"-var-file=stages/{stage}.tfvars",
            f"-var=artifacts_dir={self.dist}",
            *options,
            env=self.env,
        )
        # console reports refusals on stderr, one diagnostic each (its exit code is 0 regardless)
        refused = {}
        for diagnostic in result.stderr.split("Error: ")[1:]:
            assert diagnostic.startswith("Invalid value for variable"), diagnostic
            named = re.search(r'variable "(\w+)"|in module "\w+":\n\s*\d+:\s*(\w+)\s*=', diagnostic)
            assert named, diagnostic
            refused[named.group(1) or named.group(2)] = diagnostic
        return refused

    def evaluate(self, stage: str, expression: str, **variables: str) -> str:
        """What `terraform console` prints for an expression of the environment."""
        options = [f"-var={name}={value}" for name, value in variables.items()]
        result = subprocess.run(
            [
                *(terraform_binary(), f"-chdir={self.directory}", "console", "-no-color"),
                *(f"-var-file=stages/{stage}.tfvars", f"-var=artifacts_dir={self.dist}", *options),
            ],
            input=expression,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()


PAYMENTS = {"payment_provider", "allow_sandbox_payments", "alarm_emails"}


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Stage:
    root = tmp_path_factory.mktemp("fail-closed")
    shutil.copytree(TERRAFORM, root / "terraform", ignore=shutil.ignore_patterns(".terraform"))
    (root / "src" / "shop").mkdir(parents=True)
    shutil.copy(REPO / "src" / "shop" / "resources.json", root / "src" / "shop")
    (root / "dist").mkdir()
    for name in ["relay", "layer", "analytics", "cart", "catalog", "meta", "orders", "payments", "users"]:
        with zipfile.ZipFile(root / "dist" / f"{name}.zip", "w") as archive:  # only hashed
            archive.writestr("placeholder.py", "")
    copied = Stage(root)
    (copied.directory / "backend_override.tf").write_text('terraform {\n  backend "local" {}\n}\n')
    initialised = terraform(copied.directory, "init", "-lockfile=readonly", "-no-color", env=copied.env)
    assert initialised.returncode == 0, initialised.stdout[-3000:] + initialised.stderr
    return copied


def test_prod_on_stripe_with_an_alarm_destination_passes(stage: Stage) -> None:
    assert PAYMENTS.isdisjoint(stage.refusals("prod", alarm_emails=OPS))


def test_prod_with_the_sandbox_fails_at_plan_time(stage: Stage) -> None:
    refused = stage.refusals("prod", payment_provider="sandbox", alarm_emails=OPS)
    assert "without charging anyone" in refused["payment_provider"]


def test_prod_without_an_alarm_destination_fails_at_plan_time(stage: Stage) -> None:
    assert "alarm_emails" in stage.refusals("prod")


def test_only_dev_may_allow_the_sandbox(stage: Stage) -> None:
    refused = stage.refusals(
        "prod", payment_provider="sandbox", allow_sandbox_payments="true", alarm_emails=OPS
    )
    assert "allow_sandbox_payments" in refused


def test_dev_runs_the_sandbox_it_allows(stage: Stage) -> None:
    assert PAYMENTS.isdisjoint(stage.refusals("dev"))


def test_a_stage_that_does_not_allow_the_sandbox_cannot_fall_back_to_it(stage: Stage) -> None:
    assert "payment_provider" in stage.refusals("dev", allow_sandbox_payments="false")


EDGE = (
    '{domain_name="api.shop.example", certificate_arn="arn:aws:acm:us-east-1:123456789012:certificate/a", '
    'origin_domain_name="origin.api.shop.example", '
    'origin_certificate_arn="arn:aws:acm:eu-west-1:123456789012:certificate/b"}'
)


def test_prod_without_per_client_limits_fails_at_plan_time(stage: Stage) -> None:
    refused = stage.refusals("prod", alarm_emails=OPS)
    assert "locks every customer out" in refused["edge_protection"]


def test_prod_with_the_edge_and_dev_without_it_pass(stage: Stage) -> None:
    assert "edge_protection" not in stage.refusals("prod", alarm_emails=OPS, edge_protection=EDGE)
    assert "edge_protection" not in stage.refusals("dev")


SES = "arn:aws:ses:eu-west-1:123456789012:identity/shop.example"
# Everything prod needs from outside its stage file (plan.yml's TF_VAR_... of repository variables).
COMPLETE = {"alarm_emails": OPS, "edge_protection": EDGE, "ses_email_identity_arn": SES}


def test_prod_without_deletion_protection_fails_at_plan_time(stage: Stage) -> None:
    """stages/prod.tfvars turns it on; a prod without it could lose its tables and accounts to one
    mistaken destroy."""
    assert stage.refusals("prod", **COMPLETE) == {}
    refused = stage.refusals("prod", **COMPLETE, deletion_protection="false")
    assert "every order, payment and account" in " ".join(refused["deletion_protection"].split())
    assert "deletion_protection" not in stage.refusals("dev", deletion_protection="false")


def test_the_payments_functions_are_told_whether_the_sandbox_is_allowed() -> None:
    environment = locals_of(MODULES / "shop")["payments_environment"]
    assert "SHOP_ALLOW_SANDBOX_PAYMENTS" in str(environment)
    assert "var.allow_sandbox_payments" in str(environment)


def test_prod_on_cognito_s_own_e_mail_sender_fails_at_plan_time(stage: Stage) -> None:
    """Cognito's own sender stops after a few dozen e-mails a day: past that, verification and
    password-reset codes never arrive. plan.yml passes "" where SES_EMAIL_IDENTITY_ARN_<STAGE> is
    unset, which prod refuses and dev takes as unset."""
    without = {name: value for name, value in COMPLETE.items() if name != "ses_email_identity_arn"}
    for value in ({}, {"ses_email_identity_arn": ""}):
        refused = stage.refusals("prod", **without, **value)
        assert "verification and password-reset codes" in " ".join(refused["ses_email_identity_arn"].split())
    assert "ses_email_identity_arn" not in stage.refusals("dev", ses_email_identity_arn="")
    assert stage.evaluate("dev", "local.ses_email_identity_arn == null", ses_email_identity_arn="") == "true"
    assert "ses_email_identity_arn" not in stage.refusals("dev")


def test_prod_s_required_settings_come_from_repository_variables_of_the_stage() -> None:
    """The plan job has no environment (its approval would come before the plan), so each value
    is a repository variable per stage; a stage file that set one would override it."""
    env = load("plan.yml")["env"]
    for name in COMPLETE:
        variable = f"vars[format('{name.upper()}_{{0}}', inputs.stage)]"
        assert env[f"TF_VAR_{name}"].startswith(f"${{{{ {variable}"), name
    tfvars = re.sub(r"#.*", "", (TERRAFORM / "environments" / "aws" / "stages" / "prod.tfvars").read_text())
    assert not set(COMPLETE) & set(re.findall(r"^(\w+)\s*=", tfvars, re.MULTILINE))


def test_prod_notifies_verified_addresses_only() -> None:
    """Order mails to any address typed at sign-up would make the shop's sender a spam source."""
    tfvars = (TERRAFORM / "environments" / "aws" / "stages" / "prod.tfvars").read_text()
    assert re.search(r"^notify_verified_only\s*=\s*true$", tfvars, re.MULTILINE)
