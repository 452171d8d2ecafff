"""plan, apply and destroy the whole system with the real AWS provider against moto (a
ThreadedMotoServer on 127.0.0.1 in this process, with the local stack's moto fixes), then
read back through the AWS APIs what Terraform created and compare it with resources.json.

environments/localstack is the configuration: every endpoint goes to `var.endpoint`.
The function zips come from `scripts/package.py --no-deps`; the dependencies layer is a
placeholder (moto stores code, it never runs it here). Times are printed (`-s`) and
bounded; terraform/README.md publishes them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest

from shop.resources import Resources
from shop_tools.plan import emulator, package_without_dependencies
from tests.terraform.cli import init, managed_resources, offline_environment, terraform
from tests.terraform.hcl import ENVIRONMENTS

pytestmark = [pytest.mark.terraform, pytest.mark.slow, pytest.mark.timeout(900)]

ENVIRONMENT = ENVIRONMENTS / "localstack"
REGION = "us-east-1"  # environments/localstack's default
CORS_ORIGINS = ["https://shop.example"]
# Bounds against hangs, not benchmarks: measured times are in terraform/README.md (on a
# quiet 2-core machine about half of these; under a load average of 15, close to them).
BUDGET_SECONDS = {"plan": 180, "apply": 420, "destroy": 300}


@dataclass
class Deployment:
    endpoint: str
    env: dict[str, str]
    var_file: Path
    state: Path
    outputs: dict[str, Any] = field(default_factory=dict)
    planned: int = 0
    applied: bool = False
    times: dict[str, float] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        return boto3.client(
            service,  # type: ignore[call-overload]
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    def run(self, step: str, *args: str) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        result = terraform(
            ENVIRONMENT, *args, "-no-color", env=self.env, timeout=BUDGET_SECONDS.get(step, 120) * 2
        )
        self.times[step] = round(time.monotonic() - started, 1)
        print(f"terraform {step}: {self.times[step]} s", file=sys.stderr, flush=True)
        return result


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with emulator() as endpoint:  # the DynamoDB fixes and the Terraform gaps
        yield endpoint


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    """Outside pytest's basetemp: other pytest runs rotate those away during a long apply."""
    with tempfile.TemporaryDirectory(prefix="shop-terraform-apply-") as directory:
        yield Path(directory)


@pytest.fixture(scope="module")
def artifacts(workdir: Path) -> Path:
    out = workdir / "dist"
    package_without_dependencies(out)
    return out


@pytest.fixture(scope="module")
def deployment(moto_endpoint: str, artifacts: Path, workdir: Path) -> Iterator[Deployment]:
    work = workdir / "terraform"
    work.mkdir()
    var_file = work / "emulator.tfvars.json"
    var_file.write_text(
        json.dumps(
            {
                "endpoint": moto_endpoint,
                "artifacts_dir": str(artifacts),
                "cors_allow_origins": CORS_ORIGINS,
                "payment_provider": "stripe",
            }
        )
    )
    env = offline_environment(work / ".terraform", AWS_EC2_METADATA_DISABLED="true")
    found = Deployment(moto_endpoint, env, var_file, work / "terraform.tfstate")
    init(ENVIRONMENT, env)

    plan = found.run(
        "plan", "plan", f"-var-file={var_file}", f"-state={found.state}", f"-out={work / 'plan'}"
    )
    assert plan.returncode == 0, plan.stdout[-3000:] + plan.stderr
    summary = next(line for line in plan.stdout.splitlines() if line.startswith("Plan:"))
    found.planned = int(summary.split()[1])

    # Most of an apply against moto is the provider polling for SQS attributes: in parallel.
    apply = found.run("apply", "apply", "-parallelism=30", f"-state={found.state}", str(work / "plan"))
    found.applied = True
    assert apply.returncode == 0, apply.stdout[-4000:] + apply.stderr
    output = terraform(ENVIRONMENT, "output", "-json", f"-state={found.state}", env=env)
    found.outputs = {name: value["value"] for name, value in json.loads(output.stdout).items()}
    yield found
    if found.applied:  # a failed test left it standing: clean up, the destroy test reports
        found.run("destroy", "destroy", "-auto-approve", f"-var-file={var_file}", f"-state={found.state}")
    print(f"\nterraform against moto: {found.planned} resources, times {found.times}")


def state_resources(deployment: Deployment) -> list[str]:
    return managed_resources(ENVIRONMENT, f"-state={deployment.state}", env=deployment.env)


def test_every_planned_resource_is_created_in_bounded_time(deployment: Deployment) -> None:
    assert deployment.planned > 150, "the whole system, not a part"
    assert len(state_resources(deployment)) == deployment.planned
    for step in ("plan", "apply"):
        assert deployment.times[step] < BUDGET_SECONDS[step], deployment.times


def test_a_plan_after_apply_shows_no_changes(deployment: Deployment) -> None:
    result = deployment.run(
        "replan",
        "plan",
        "-detailed-exitcode",
        f"-var-file={deployment.var_file}",
        f"-state={deployment.state}",
    )
    changes = [line for line in result.stdout.splitlines() if line.strip().startswith(("#", "~", "+", "-"))]
    assert result.returncode == 0, "\n".join(changes[:80]) + result.stderr


def test_routes_and_their_authorizers_match_resources_json(
    deployment: Deployment, shop_resources: Resources
) -> None:
    api = deployment.client("apigatewayv2")
    (found,) = [a for a in api.get_apis()["Items"] if a["Name"] == "shop-local"]
    api_id = found["ApiId"]
    integrations = {i["IntegrationId"]: i for i in api.get_integrations(ApiId=api_id)["Items"]}
    routes = {r["RouteKey"]: r for r in api.get_routes(ApiId=api_id)["Items"]}
    # One authorizer for every protected route (moto has no GetAuthorizers: read it by id).
    (authorizer_id,) = {r["AuthorizerId"] for r in routes.values() if r.get("AuthorizerId")}
    authorizer = api.get_authorizer(ApiId=api_id, AuthorizerId=authorizer_id)
    pool_id = deployment.outputs["shop"]["user_pool_id"]
    assert authorizer["AuthorizerType"] == "JWT"
    assert authorizer["JwtConfiguration"]["Issuer"].endswith(f"/{pool_id}")
    assert authorizer["JwtConfiguration"]["Audience"] == [deployment.outputs["shop"]["user_pool_client_id"]]
    expected = {route.route_key: (route.service, route.auth) for route in shop_resources.routes}
    assert set(routes) == set(expected)
    for key, (service, auth) in expected.items():
        route = routes[key]
        if auth == "public":
            assert route["AuthorizationType"] == "NONE", key
            assert not route.get("AuthorizerId"), key
        else:
            assert route["AuthorizationType"] == "JWT", key
            assert route["AuthorizerId"] == authorizer["AuthorizerId"], key
        assert not route.get("AuthorizationScopes"), f"{key}: no scopes; admin is checked by the handler"
        integration = integrations[route["Target"].removeprefix("integrations/")]
        assert f":function:shop-local-{service}-http/" in integration["IntegrationUri"], key
        assert integration["PayloadFormatVersion"] == "2.0"


def test_cors_and_throttling_match_resources_json(deployment: Deployment, shop_resources: Resources) -> None:
    api = deployment.client("apigatewayv2")
    (found,) = [a for a in api.get_apis()["Items"] if a["Name"] == "shop-local"]
    cors, throttling = shop_resources.cors, shop_resources.throttling
    assert cors is not None
    assert throttling is not None
    configured = found["CorsConfiguration"]
    assert configured["AllowOrigins"] == CORS_ORIGINS
    assert configured["MaxAge"] == cors.max_age_seconds
    for key, allowed in (
        ("AllowMethods", cors.allow_methods),
        ("AllowHeaders", cors.allow_headers),
        ("ExposeHeaders", cors.expose_headers),
    ):
        assert sorted(configured[key]) == sorted(allowed), key  # sets: their order is not kept
    stage = api.get_stage(ApiId=found["ApiId"], StageName="$default")
    default = stage["DefaultRouteSettings"]
    assert (default["ThrottlingBurstLimit"], default["ThrottlingRateLimit"]) == (
        throttling.default.burst,
        throttling.default.rate,
    )
    per_route = {
        key: (value["ThrottlingBurstLimit"], value["ThrottlingRateLimit"])
        for key, value in stage["RouteSettings"].items()
    }
    assert per_route == {key: (limit.burst, limit.rate) for key, limit in throttling.routes}


def functions(deployment: Deployment) -> dict[str, dict[str, Any]]:
    pages = deployment.client("lambda").get_paginator("list_functions").paginate()
    return {f["FunctionName"]: f for page in pages for f in page["Functions"]}


def test_functions_have_their_handlers_and_environment(
    deployment: Deployment, shop_resources: Resources
) -> None:
    found = functions(deployment)
    secrets = deployment.client("secretsmanager")
    cursor_arn = deployment.outputs["shop"]["cursor_secret_arn"]
    stripe_arn = deployment.outputs["shop"]["stripe_secret_arn"]
    for spec in shop_resources.services:
        service = spec.name
        http = found[f"shop-local-{service}-http"]
        assert http["Handler"] == spec.http_handler
        env = http["Environment"]["Variables"]
        assert env["SHOP_CURSOR_SECRET_ARN"] == cursor_arn
        assert "SHOP_CURSOR_SECRET" not in env, "the key itself never goes into the environment"
        assert env["SHOP_TRACING"] == "active"
        assert http["TracingConfig"] == {"Mode": "Active"}
        assert http["LoggingConfig"]["LogGroup"] == f"/aws/lambda/shop-local-{service}-http"
        if spec.has_table:
            assert env[f"{service.upper()}_TABLE_NAME"] == f"shop-local-{service}"
        assert ("SHOP_API_URL" in env) == bool(spec.calls)
        assert ("USER_POOL_ID" in env) == spec.uses_identity
        assert (env.get("SHOP_PAYMENT_PROVIDER"), env.get("SHOP_STRIPE_SECRET_ARN")) == (
            ("stripe", stripe_arn) if service == "payments" else (None, None)
        )
        if spec in shop_resources.consumers:
            events = found[f"shop-local-{service}-events"]
            assert events["Handler"] == spec.events_handler
            assert events["Environment"]["Variables"] == env
    relay = found["shop-local-outbox-relay"]
    assert relay["Handler"] == shop_resources.relay_handler
    assert len(secrets.get_secret_value(SecretId=cursor_arn)["SecretString"]) == 64
    assert "SecretString" not in json.dumps(json.loads(deployment.state.read_text())), (
        "no secret value in state"
    )
    with pytest.raises(secrets.exceptions.ResourceNotFoundException):
        secrets.get_secret_value(SecretId=stripe_arn)  # an operator puts the Stripe key


def queue_attributes(deployment: Deployment, name: str) -> dict[str, str]:
    sqs = deployment.client("sqs")
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]  # type: ignore[no-any-return]


def test_event_source_mappings_batch_report_failures_and_redrive(
    deployment: Deployment, shop_resources: Resources
) -> None:
    lam = deployment.client("lambda")
    defaults = shop_resources.queue_defaults
    for service in (consumer.name for consumer in shop_resources.consumers):
        queue = queue_attributes(deployment, f"shop-local-{service}")
        dlq = queue_attributes(deployment, f"shop-local-{service}-dlq")
        (mapping,) = lam.list_event_source_mappings(EventSourceArn=queue["QueueArn"])["EventSourceMappings"]
        assert mapping["FunctionArn"].endswith(f":function:shop-local-{service}-events")
        assert mapping["BatchSize"] == defaults.batch_size
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        redrive = json.loads(queue["RedrivePolicy"])
        assert redrive == {
            "deadLetterTargetArn": dlq["QueueArn"],
            "maxReceiveCount": defaults.max_receive_count,
        }
        assert json.loads(dlq["RedriveAllowPolicy"])["sourceQueueArns"] == [queue["QueueArn"]]
        # the DLQ's retention counts from the first enqueue in the queue: it must outlast the queue's
        assert int(queue["MessageRetentionPeriod"]) == defaults.message_retention_seconds
        assert int(dlq["MessageRetentionPeriod"]) >= 2 * defaults.message_retention_seconds
        assert queue["KmsMasterKeyId"]
    every = lam.get_paginator("list_event_source_mappings").paginate()
    relay = [
        m
        for page in every
        for m in page["EventSourceMappings"]
        if m["FunctionArn"].endswith(":function:shop-local-outbox-relay")
    ]
    tables = {m["EventSourceArn"].split(":table/")[1].split("/stream/")[0] for m in relay}
    assert tables == {f"shop-local-{t}" for t in shop_resources.relay_tables}
    failures = queue_attributes(deployment, "shop-local-outbox-relay-dlq")["QueueArn"]
    for mapping in relay:
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["BisectBatchOnFunctionError"] is True
        assert mapping["DestinationConfig"]["OnFailure"]["Destination"] == failures


def test_subscriptions_filter_on_the_consumed_event_types(
    deployment: Deployment, shop_resources: Resources
) -> None:
    sns = deployment.client("sns")
    topic = deployment.outputs["shop"]["events_topic_arn"]
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    by_queue = {s["Endpoint"].rsplit(":", 1)[1]: s for s in subscriptions}
    consumers = shop_resources.consumers
    assert set(by_queue) == {f"shop-local-{s.name}" for s in consumers}
    for spec in consumers:
        attributes = sns.get_subscription_attributes(
            SubscriptionArn=by_queue[f"shop-local-{spec.name}"]["SubscriptionArn"]
        )
        assert json.loads(attributes["Attributes"]["FilterPolicy"]) == {"event_type": sorted(spec.consumes)}
        assert attributes["Attributes"]["RawMessageDelivery"] == "true"
        # what SNS cannot deliver to the queue goes to its DLQ, which admits the topic alone
        dlq = queue_attributes(deployment, f"shop-local-{spec.name}-dlq")
        redrive = json.loads(attributes["Attributes"]["RedrivePolicy"])
        assert redrive == {"deadLetterTargetArn": dlq["QueueArn"]}
        (statement,) = json.loads(dlq["Policy"])["Statement"]
        assert (statement["Principal"], statement["Action"], statement["Resource"]) == (
            {"Service": "sns.amazonaws.com"},
            "sqs:SendMessage",
            dlq["QueueArn"],
        )
        assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": topic}}


def test_every_function_and_queue_has_its_alarms(deployment: Deployment, shop_resources: Resources) -> None:
    pages = deployment.client("cloudwatch").get_paginator("describe_alarms").paginate()
    alarms = {a["AlarmName"]: a for page in pages for a in page["MetricAlarms"]}
    topic = deployment.outputs["shop"]["alarm_topic_arn"]
    for name in functions(deployment):
        for suffix in ("errors", "throttles", "duration-p99"):
            assert f"{name}-{suffix}" in alarms, f"{name} has no {suffix} alarm"
    for service in (consumer.name for consumer in shop_resources.consumers):
        for suffix in ("dlq-not-empty", "oldest-message-age"):
            assert f"shop-local-{service}-{suffix}" in alarms
    assert "shop-local-outbox-relay-dlq-not-empty" in alarms
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == [topic], alarm["AlarmName"]
        assert alarm["OKActions"] == [topic], alarm["AlarmName"]


def test_tables_match_resources_json(deployment: Deployment, shop_resources: Resources) -> None:
    """Each table as resources.json describes it: keys, the sparse GSIs, TTL, the stream of an
    outbox the relay reads, PITR and SSE with the deployment's own key."""
    dynamodb = deployment.client("dynamodb")
    defaults = shop_resources.table_defaults
    key_arn = deployment.outputs["shop"]["kms_key_arn"]
    expected = {s.name: f"shop-local-{s.name}" for s in shop_resources.table_services}
    assert deployment.outputs["shop"]["table_names"] == expected
    for spec in shop_resources.table_services:
        name = expected[spec.name]
        table = dynamodb.describe_table(TableName=name)["Table"]
        assert table["KeySchema"] == [
            {"AttributeName": defaults.hash_key, "KeyType": "HASH"},
            {"AttributeName": defaults.range_key, "KeyType": "RANGE"},
        ], name
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST", name
        indexes = {
            index["IndexName"]: (index["KeySchema"], index["Projection"]["ProjectionType"])
            for index in table.get("GlobalSecondaryIndexes", [])
        }
        assert indexes == {
            index.name: (
                [
                    {"AttributeName": index.hash_key, "KeyType": "HASH"},
                    {"AttributeName": index.range_key, "KeyType": "RANGE"},
                ],
                "ALL",
            )
            for index in defaults.indexes
        }, name
        assert {a["AttributeType"] for a in table["AttributeDefinitions"]} == {"S"}, name
        assert table["SSEDescription"]["Status"] == "ENABLED", name
        assert table["SSEDescription"]["SSEType"] == "KMS", name
        assert table["SSEDescription"]["KMSMasterKeyArn"] == key_arn, name
        relayed = spec.name in shop_resources.relay_tables
        assert relayed == spec.stream, f"{name}: a table has a stream exactly when the relay reads it"
        stream = table.get("StreamSpecification", {"StreamEnabled": False})
        assert stream["StreamEnabled"] == relayed, name
        if relayed:
            assert stream["StreamViewType"] == "NEW_IMAGE", name
        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", defaults.ttl_attribute), name
        backups = dynamodb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        recovery = backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
        assert recovery == "ENABLED", name


def test_every_table_pages_for_throttles_and_system_errors(deployment: Deployment) -> None:
    cloudwatch = deployment.client("cloudwatch")
    for name in deployment.outputs["shop"]["table_names"].values():
        for suffix, metric in (("throttles", "ThrottledRequests"), ("system-errors", "SystemErrors")):
            (alarm,) = cloudwatch.describe_alarms(AlarmNames=[f"{name}-table-{suffix}"])["MetricAlarms"]
            (query,) = alarm["Metrics"]
            assert query["Expression"] == (
                f'SELECT SUM({metric}) FROM SCHEMA("AWS/DynamoDB", Operation, TableName) '
                f"WHERE TableName = '{name}'"
            )
            assert query["ReturnData"] is True


# What a destroy may leave, by design: a KMS key is only scheduled for deletion (7 to 30
# days, PendingDeletion), and the account's AWS managed keys and their aliases (alias/aws/...,
# made by AWS for its services, moto's on the first listing of the aliases) are AWS's.
KEPT_BY_AWS = {"kms keys": "PendingDeletion", "kms aliases": "alias/aws/"}


def leftovers(deployment: Deployment) -> dict[str, list[str]]:
    """Everything of every service the configuration creates resources in, listed through the
    AWS APIs (not the state), but what AWS keeps by design (KEPT_BY_AWS)."""
    c = deployment.client

    def paginate(service: str, operation: str, key: str, **kw: Any) -> list[Any]:
        return [item for page in c(service).get_paginator(operation).paginate(**kw) for item in page[key]]

    kms = c("kms")
    aliases = paginate("kms", "list_aliases", "Aliases")
    aws_aliases = [a for a in aliases if a["AliasName"].startswith(KEPT_BY_AWS["kms aliases"])]
    aws_managed = {a.get("TargetKeyId") for a in aws_aliases}
    found = {
        "dynamodb tables": c("dynamodb").list_tables()["TableNames"],
        "sqs queues": c("sqs").list_queues().get("QueueUrls", []),
        "sns topics": [t["TopicArn"] for t in paginate("sns", "list_topics", "Topics")],
        "sns subscriptions": [
            s["SubscriptionArn"] for s in paginate("sns", "list_subscriptions", "Subscriptions")
        ],
        "lambda functions": list(functions(deployment)),
        "lambda layers": [layer["LayerName"] for layer in c("lambda").list_layers()["Layers"]],
        "lambda event source mappings": [
            m["UUID"] for m in paginate("lambda", "list_event_source_mappings", "EventSourceMappings")
        ],
        "iam roles": [r["RoleName"] for r in paginate("iam", "list_roles", "Roles")],
        "iam policies": [
            p["PolicyName"] for p in paginate("iam", "list_policies", "Policies", Scope="Local")
        ],
        "log groups": [g["logGroupName"] for g in paginate("logs", "describe_log_groups", "logGroups")],
        "alarms": [a["AlarmName"] for a in paginate("cloudwatch", "describe_alarms", "MetricAlarms")],
        "dashboards": [d["DashboardName"] for d in c("cloudwatch").list_dashboards()["DashboardEntries"]],
        "secrets": [
            s["Name"]
            for s in paginate("secretsmanager", "list_secrets", "SecretList", IncludePlannedDeletion=True)
        ],
        "user pools": [p["Name"] for p in c("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]],
        "apis": [a["Name"] for a in c("apigatewayv2").get_apis()["Items"]],
        "api domain names": [d["DomainName"] for d in c("apigatewayv2").get_domain_names()["Items"]],
        "kms keys": [
            f"{key['KeyId']} ({key['KeyState']}: {key['Description']})"
            for key in (
                kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]
                for k in paginate("kms", "list_keys", "Keys")
            )
            if key["KeyState"] != KEPT_BY_AWS["kms keys"] and key["KeyId"] not in aws_managed
        ],
        "kms aliases": [a["AliasName"] for a in aliases if a not in aws_aliases],
    }
    return {kind: names for kind, names in found.items() if names}


# The services of each resource type the configuration creates: leftovers() lists each of
# them, and a new type (a new service) must be listed too before the test passes.
LISTED_BY_TYPE = {
    "aws_dynamodb": "dynamodb tables",
    "aws_sqs": "sqs queues",
    "aws_sns_topic_subscription": "sns subscriptions",
    "aws_sns": "sns topics",
    "aws_lambda_event_source_mapping": "lambda event source mappings",
    "aws_lambda_layer": "lambda layers",
    "aws_lambda": "lambda functions",
    "aws_iam": "iam roles",
    "aws_cloudwatch_log": "log groups",
    "aws_cloudwatch_metric_alarm": "alarms",
    "aws_cloudwatch_dashboard": "dashboards",
    "aws_secretsmanager": "secrets",
    "aws_cognito": "user pools",
    "aws_apigatewayv2_domain_name": "api domain names",
    "aws_apigatewayv2": "apis",
    "aws_kms_alias": "kms aliases",
    "aws_kms": "kms keys",
}


def test_destroy_removes_everything(deployment: Deployment) -> None:
    created = {re.sub(r"\[[^]]*\]", "", address).split(".")[-2] for address in state_resources(deployment)}
    unlisted = [t for t in created if not any(t.startswith(prefix) for prefix in LISTED_BY_TYPE)]
    assert not unlisted, f"leftovers() lists nothing for {unlisted}: add their service"
    # No refresh: the plan after apply has just compared every resource with moto.
    result = deployment.run(
        "destroy",
        "destroy",
        "-auto-approve",
        "-refresh=false",
        "-parallelism=30",
        f"-var-file={deployment.var_file}",
        f"-state={deployment.state}",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    deployment.applied = False
    assert state_resources(deployment) == []
    assert leftovers(deployment) == {}
    assert deployment.times["destroy"] < BUDGET_SECONDS["destroy"], deployment.times
