"""IAM: no wildcard actions, no "*" resources, no wildcard principals, except where AWS
requires them (whitelisted below, each with its reason), and every service's role scoped
to its own table, queue, topics and user pool."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.terraform.hcl import MODULES, REPO, TERRAFORM, blocks, locals_of, parse, tf_files, walk

pytestmark = pytest.mark.terraform

# Actions that have no resource-level permissions: "*" is the only valid Resource.
RESOURCE_STAR_ACTIONS = {
    "xray:PutTraceSegments": "X-Ray supports no resource-level permissions",
    "xray:PutTelemetryRecords": "X-Ray supports no resource-level permissions",
    "xray:GetSamplingRules": "X-Ray supports no resource-level permissions",
    "xray:GetSamplingTargets": "X-Ray supports no resource-level permissions",
    "dynamodb:ListStreams": "ListStreams has no resource-level permissions (Lambda stream sources need it)",
    "sqs:ListQueues": "ListQueues has no resource-level permissions (analytics finds its queues)",
    # terraform/bootstrap: the pipeline's plan and deploy roles
    "secretsmanager:GetRandomPassword": "GetRandomPassword touches no secret (a plan opens the cursor key's "
    "ephemeral password)",
    "kms:ListAliases": "ListAliases has no resource-level permissions (the provider reads a key's alias)",
    "logs:DescribeLogGroups": "DescribeLogGroups has no resource-level permissions (the provider reads them)",
    "logs:CreateLogDelivery": "Vended log deliveries (WAF's logs) have no resource-level permissions",
    "logs:DeleteLogDelivery": "Vended log deliveries (WAF's logs) have no resource-level permissions",
    "logs:PutResourcePolicy": "Logs resource policies (for WAF's logs) have no resource-level permissions",
    "logs:DescribeResourcePolicies": "Logs resource policies have no resource-level permissions",
    "lambda:CreateEventSourceMapping": "CreateEventSourceMapping names no resource; bootstrap holds it to "
    "the stage's functions with lambda:FunctionArn",
    "cognito-idp:CreateUserPool": "CreateUserPool names no resource; bootstrap holds it to the stage's tag "
    "(aws:RequestTag/Stage)",
}

# (file, statement sid) -> reason. In a KMS key policy Resource "*" means "this key".
WHITELISTED_STATEMENTS = {
    (
        "terraform/modules/kms/main.tf",
        "AccountAdministersKeyThroughIam",
    ): "AWS's default key policy: the account root may administer the key, IAM policies decide who uses it",
    (
        "terraform/modules/kms/main.tf",
        "CloudWatchLogsEncryptsOurLogGroups",
    ): "AWS's documented key policy for encrypted log groups, limited by the aws:logs:arn encryption context",
    (
        "terraform/modules/kms/main.tf",
        "SnsDeliversOurTopicsToEncryptedQueues",
    ): "Key policy for SNS delivering into encrypted queues, held to the caller's topics (aws:SourceArn)",
    (
        "terraform/modules/kms/main.tf",
        "CloudWatchPublishesOurAlarms",
    ): "Key policy for alarms publishing to an encrypted topic, held to the caller's alarms (aws:SourceArn)",
    (
        "terraform/bootstrap/state.tf",
        "DenyAnythingButTls",
    ): "The state bucket refuses every S3 action to everyone over plain HTTP: the wider, the stronger",
    (
        "terraform/bootstrap/permissions.tf",
        "CreateKeysTaggedForTheStage",
    ): "CreateKey names no resource; it and the TagResource a tagged CreateKey needs are held to a key "
    "without a Stage tag yet (one being created) that the request tags with the role's stage",
}


def statements() -> list[tuple[str, dict[str, Any]]]:
    """Every IAM statement object in terraform/: policy document blocks and statement maps in locals."""
    found = []
    for path in tf_files(TERRAFORM):
        for value in walk(parse(path)):
            if isinstance(value, dict) and "actions" in value:
                found.append((str(path.relative_to(REPO)), value))
    return found


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


def has_star(value: Any) -> bool:
    """A "*" resource, as a list item or quoted inside an expression."""
    return any(s == "*" or re.search(r"""(?<![\w/:])\\?["']\*\\?["']""", s) for s in strings(value))


def test_the_scan_finds_the_statements() -> None:
    sids = {statement.get("sid") for _, statement in statements()}
    assert {"OwnTableOnly", "OwnQueueOnly", "OwnUserPoolOnly", "XRayTracing", "ReadOutboxStreams"} <= sids
    assert len(statements()) >= 15


def test_no_wildcard_actions() -> None:
    offenders = []
    for path, statement in statements():
        wild = [a for a in strings(statement["actions"]) if "*" in a]
        if wild and (path, statement.get("sid")) not in WHITELISTED_STATEMENTS:
            offenders.append((path, statement.get("sid"), wild))
    assert not offenders


def test_no_star_resources_unless_aws_requires_it() -> None:
    offenders = []
    for path, statement in statements():
        if not has_star(statement.get("resources")):
            continue
        if (path, statement.get("sid")) in WHITELISTED_STATEMENTS:
            continue
        actions = strings(statement["actions"])
        if not actions or not all(a in RESOURCE_STAR_ACTIONS for a in actions):
            offenders.append((path, statement.get("sid"), actions))
    assert not offenders, "'*' resources need an action of RESOURCE_STAR_ACTIONS (with its reason)"


def test_whitelist_has_reasons_and_no_stale_entries() -> None:
    present = {(path, statement.get("sid")) for path, statement in statements()}
    assert set(WHITELISTED_STATEMENTS) <= present
    assert all(
        len(reason) > 20 for reason in [*WHITELISTED_STATEMENTS.values(), *RESOURCE_STAR_ACTIONS.values()]
    )


def test_no_wildcard_principals_and_no_not_actions() -> None:
    for path in tf_files(TERRAFORM):
        tree = parse(path)
        # A Deny may name everyone: the state bucket refuses whoever asks without TLS.
        denied = {
            id(principal)
            for value in walk(tree)
            if isinstance(value, dict) and value.get("effect") == "Deny"
            for principal in walk(value.get("principals", []))
        }
        for value in walk(tree):
            if isinstance(value, dict):
                assert "not_actions" not in value, path
                assert "not_resources" not in value, path
                if "identifiers" in value and id(value) not in denied:
                    assert "*" not in strings(value["identifiers"]), path


# (file, address) -> reason: the managed policies there may be.
MANAGED_POLICIES = {
    (
        "terraform/bootstrap/boundary.tf",
        "aws_iam_policy.boundary",
    ): "A permissions boundary must be a managed policy: the cap on every role a deploy role writes",
}


def test_no_managed_policies_or_inline_json_policies() -> None:
    managed = {
        (str(b.path.relative_to(REPO)), f"{b.type}.{b.name}")
        for b in blocks("resource")
        if b.type in ("aws_iam_role_policy_attachment", "aws_iam_policy")
    }
    assert managed == set(MANAGED_POLICIES)
    assert all(len(reason) > 20 for reason in MANAGED_POLICIES.values())
    for block in blocks("resource"):
        if block.type in ("aws_iam_role_policy", "aws_iam_policy"):
            assert block.body["policy"].startswith(("${data.aws_iam_policy_document.", "${var.policy_json}"))


def test_the_shop_wires_each_service_to_its_own_resources() -> None:
    """Each statement's scope within a service: terraform/modules/service/tests."""
    call = {b.name: b.body for b in blocks("module", MODULES / "shop")}["service"]
    assert "local.table_refs[each.key].arn" in call["table"]
    # ... the table this instance creates, or (multi-region secondary) the primary's replica.
    assert "table.arn" in locals_of(MODULES / "shop")["table_refs"]
    assert "module.queue[each.key].arn" in call["queue_arn"]
    assert "each.value.uses_identity" in call["identity"]
    assert "each.value.notifies" in call["notifies"]


def service_default(name: str) -> list[str]:
    (variable,) = [b for b in blocks("variable", MODULES / "service") if b.name == name]
    default: list[str] = variable.body["default"]
    return default


def admin_calls(source: str) -> set[str]:
    """The Cognito Admin* API calls of a Python file, as IAM names them."""
    text = (REPO / source).read_text()
    return {
        "".join(part.title() for part in name.split("_")) for name in re.findall(r"\.(admin_\w+)\(", text)
    }


def test_cognito_actions_are_explicit() -> None:
    for name in ("cognito_actions", "events_cognito_actions"):
        assert all("*" not in action for action in service_default(name))


def test_the_users_functions_get_exactly_the_admin_calls_of_the_identity_adapter() -> None:
    """Cognito's Admin* APIs need IAM (the others act with the user's own token or the app
    client's): a call the role may not make fails only once deployed, and one it need not make
    is a power a compromised function keeps (AdminAddUserToGroup would make anyone an admin).
    InitiateAuth, the login, is the one other action granted."""
    called = admin_calls("src/shop/users/adapters/cognito.py")
    assert called
    assert set(service_default("cognito_actions")) == called | {"InitiateAuth"}
    # The users queue only closes deleted accounts' identities (service.close_identity).
    assert service_default("events_cognito_actions") == ["AdminDeleteUser"]
    assert "AdminAddUserToGroup" not in called


def test_the_deploy_role_may_make_the_acceptance_admin_in_its_own_pool() -> None:
    """scripts/pipeline_admin.py runs in stage.yml's apply job with the deploy role, after the apply."""
    called = {f"cognito-idp:{action}" for action in admin_calls("src/shop_tools/pipeline_admin.py")}
    assert "cognito-idp:AdminAddUserToGroup" in called
    (statement,) = [
        s for s in locals_of(TERRAFORM / "bootstrap")["write"] if s["sid"] == "ManageTheAcceptanceAdmin"
    ]
    assert set(statement["actions"]) == called
    assert (statement["resources"], statement["condition"]) == ("user_pools", "tagged_for_the_stage")
