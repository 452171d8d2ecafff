"""Structural rules over the parsed HCL (python-hcl2): what terraform validate cannot see
here (no AWS provider offline) and what checkov does not know about this system."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.terraform.hcl import ENVIRONMENTS, MODULES, REPO, blocks, locals_of, one, parse, resources, walk

pytestmark = pytest.mark.terraform

EXPECTED_MODULES = {
    "http_api",
    "service",
    "function",
    "outbox_relay",
    "table",
    "event_bus",
    "queue",
    "identity",
    "monitoring",
    "kms",
    "secrets",
    "shop",
    "edge",
}


def assigns(text: str, key: str, value: str) -> bool:
    """`key = "value"` inside an expression, as either HCL parser renders it."""
    return re.search(rf"""['"]?{key}['"]?\s*[:=]\s*\\?['"]{value}\\?['"]""", text) is not None


def alarm_calls(module: str) -> list[dict[str, Any]]:
    """The calls of modules/alarms in a module (its alarms are rows of their `alarms` map)."""
    return [b.body for b in blocks("module", MODULES / module) if b.body["source"] == "../alarms"]


def alarms_in(module: str) -> list[dict[str, Any]]:
    """Every alarm a module declares, as modules/alarms creates it: the row, with the call's
    namespace, topic and dimensions (the row's own dimensions merged over the call's)."""
    found = []
    for call in alarm_calls(module):
        for key, row in call["alarms"].items():
            alarm = {**row, "key": key, "namespace": call["namespace"]}
            alarm["alarm_topic_arn"] = call["alarm_topic_arn"]
            alarm["dimensions"] = {**call.get("dimensions", {}), **row.get("dimensions", {})}
            found.append(alarm)
    return found


# --------------------------------------------------------------------------- modules


def test_every_module_exists_with_the_standard_files() -> None:
    present = {p.name for p in MODULES.iterdir() if p.is_dir()}
    assert present >= EXPECTED_MODULES
    for module in present:
        for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf"):
            assert (MODULES / module / name).is_file(), f"modules/{module}/{name} missing"


def test_every_variable_is_typed_and_described() -> None:
    untyped = [b.where for b in blocks("variable") if "type" not in b.body]
    undescribed = [b.where for b in blocks("variable") if not b.body.get("description")]
    assert not untyped, untyped
    assert not undescribed, undescribed


def test_every_output_is_described() -> None:
    assert not [b.where for b in blocks("output") if not b.body.get("description")]


def test_aws_provider_is_pinned_to_major_5_everywhere() -> None:
    for path in sorted((REPO / "terraform").rglob("versions.tf")):
        providers = parse(path)["terraform"][0]["required_providers"][0]
        assert providers["aws"]["source"] == "hashicorp/aws", path
        assert providers["aws"]["version"].startswith("~> 5."), path


def test_root_modules_hold_terraform_below_its_next_major_version() -> None:
    """A root is what `terraform init` runs in: the environments, bootstrap and the examples.
    The reusable modules state only the minimum they need, as is the convention."""
    roots = [*ENVIRONMENTS.glob("*/versions.tf"), REPO / "terraform" / "bootstrap" / "versions.tf"]
    roots += MODULES.glob("*/examples/*/versions.tf")
    assert len(roots) == 5
    for path in roots:
        constraint = parse(path)["terraform"][0]["required_version"]
        assert re.fullmatch(r">= 1\.\d+, < 2\.0", constraint), path


# --------------------------------------------------------------------------- functions


def test_every_lambda_function_is_created_by_the_function_module() -> None:
    functions = resources("aws_lambda_function")
    assert functions, "no aws_lambda_function at all"
    assert {b.path.parent.name for b in functions} == {"function"}, [b.where for b in functions]


def test_the_function_module_alarms_on_its_own_metrics() -> None:
    """Naming, tracing, logs and encryption: terraform/modules/function/tests."""
    (function,) = resources("aws_lambda_function", MODULES / "function")
    assert "aws_cloudwatch_log_group.this" in str(function.body["depends_on"])
    alarms = alarms_in("function")
    metrics = {(a["metric_name"], a.get("extended_statistic")) for a in alarms}
    assert metrics == {("Errors", None), ("Throttles", None), ("Duration", "p99")}
    for alarm in alarms:
        assert alarm["namespace"] == "AWS/Lambda", alarm
        assert alarm["dimensions"] == {"FunctionName": "${aws_lambda_function.this.function_name}"}, alarm


def test_every_function_module_call_passes_a_handler_and_an_alarm_topic() -> None:
    calls = [b for b in blocks("module") if b.body["source"] == "../function"]
    assert len(calls) == 2  # service (http + events, for_each), outbox relay
    for call in calls:
        for argument in ("handler", "alarm_topic_arn", "kms_key_arn", "policy_json", "log_retention_days"):
            assert argument in call.body, f"{call.where}: {argument} missing"
    # The service's functions: http always, events when the service consumes events,
    # each with its own handler and its own policy document.
    (service,) = [c for c in calls if c.path.parent.name == "service"]
    assert service.body["for_each"] == "${local.functions}"
    assert service.body["handler"] == "${each.value.handler}"
    assert service.body["policy_json"] == "${data.aws_iam_policy_document.function[each.key].json}"
    functions = str(locals_of(MODULES / "service")["functions"]).replace("\\", "")
    for fragment in (
        "handler = var.http_handler",
        "handler = var.events_handler",
        "statements = local.http_statements",
        "statements = local.events_statements",
        "var.events_handler == null ? {} :",
    ):
        assert fragment in functions, fragment


def test_log_retention_is_never_infinite() -> None:
    for group in resources("aws_cloudwatch_log_group"):
        assert group.body.get("retention_in_days"), group.where
        assert group.body.get("kms_key_id"), group.where
    (variable,) = [b for b in blocks("variable", MODULES / "function") if b.name == "log_retention_days"]
    allowed = re.search(r"contains\(\[([0-9, ]+)\]", str(variable.body["validation"]))
    assert allowed
    assert "0" not in [v.strip() for v in allowed.group(1).split(",")]


def test_handlers_come_from_resources_json() -> None:
    service = {b.name: b.body for b in blocks("module", MODULES / "shop")}
    assert service["service"]["http_handler"] == "${each.value.http_handler}"
    assert "each.value.events_handler" in service["service"]["events_handler"]
    assert service["outbox_relay"]["handler"] == "${var.resources.outbox_relay.handler}"


def test_environment_variables_follow_the_conventions() -> None:
    env = str(locals_of(MODULES / "service")["environment"])
    for name in (
        "${local.upper_name}_TABLE_NAME",
        "SHOP_EVENTS_TOPIC_ARN",
        "SHOP_NOTIFICATIONS_TOPIC_ARN",
        "SHOP_API_URL",
        "USER_POOL_ID",
        "USER_POOL_CLIENT_ID",
        "SHOP_CURSOR_SECRET",
        "POWERTOOLS_SERVICE_NAME",
    ):
        assert name in env, f"{name} missing from the service environment"
    assert assigns(env, "SHOP_TRACING", "active")
    assert assigns(env, "POWERTOOLS_METRICS_NAMESPACE", "Shop")
    assert "var.calls_other_services" in env
    assert "var.identity == null" in env
    call = {b.name: b.body for b in blocks("module", MODULES / "shop")}["service"]
    assert call["cursor_secret_arn"] == "${local.cursor_secret_arn}"
    assert "module.secrets[0].cursor_secret_arn" in locals_of(MODULES / "shop")["cursor_secret_arn"]
    assert "length(try(each.value.calls, [])) > 0" in call["calls_other_services"]
    assert call["api_url"] == "${local.api_url}"  # the endpoint, or the custom domain behind modules/edge


def test_the_api_url_comes_from_the_api_resource_not_from_routes() -> None:
    """No cycle: functions need the URL, routes need the functions."""
    outputs = {b.name: b.body for b in blocks("output", MODULES / "http_api")}
    assert outputs["api_endpoint"]["value"] == "${aws_apigatewayv2_api.this.api_endpoint}"
    call = {b.name: b.body for b in blocks("module", MODULES / "shop")}["http_api"]
    assert "depends_on" not in call


# --------------------------------------------------------------------------- events


def test_sqs_event_sources_report_batch_item_failures() -> None:
    for mapping in resources("aws_lambda_event_source_mapping"):
        assert mapping.body["function_response_types"] == ["ReportBatchItemFailures"], mapping.where
    (queue,) = resources("aws_lambda_event_source_mapping", MODULES / "service")
    assert queue.body["event_source_arn"] == "${var.queue_arn}"
    assert queue.body["batch_size"] == "${var.batch_size}"
    call = {b.name: b.body for b in blocks("module", MODULES / "shop")}["service"]
    assert call["batch_size"] == "${var.resources.queue_defaults.batch_size}"


def test_outbox_relay_reads_the_streams_of_the_listed_tables() -> None:
    (stream,) = resources("aws_lambda_event_source_mapping", MODULES / "outbox_relay")
    assert stream.body["for_each"] == "${var.stream_arns}"
    assert stream.body["bisect_batch_on_function_error"] is True
    assert one(one(stream.body, "destination_config"), "on_failure")["destination_arn"]
    shop = locals_of(MODULES / "shop")
    assert shop["relayed_tables"] == "${toset(var.resources.outbox_relay.tables)}"
    call = {b.name: b.body for b in blocks("module", MODULES / "shop")}["outbox_relay"]
    assert "local.relayed_tables" in call["stream_arns"]


def test_every_table_takes_the_shared_key_schema_from_resources_json() -> None:
    """PITR, SSE, TTL, streams and replicas: terraform/modules/table/tests."""
    assert {t.path.parent.name for t in resources("aws_dynamodb_table")} == {"table"}
    call = {b.name: b.body for b in blocks("module", MODULES / "shop")}["table"]
    for key in ("hash_key", "range_key", "indexes", "ttl_attribute"):
        assert call[key] == f"${{var.resources.table_defaults.{key}}}"
    assert call["for_each"] == "${local.secondary ? {} : local.tables}"  # a secondary uses the replicas


def test_prod_turns_deletion_protection_on() -> None:
    stages = ENVIRONMENTS / "aws" / "stages"
    prod = parse(stages / "prod.tfvars")
    dev = parse(stages / "dev.tfvars")
    assert prod["deletion_protection"] is True
    assert prod["stage"] == "prod"
    assert dev["stage"] == "dev"
    assert prod["log_retention_days"] >= dev["log_retention_days"]


def test_every_queue_is_encrypted_and_redriven_as_resources_json_says() -> None:
    """The DLQ, its redrive, alarms and visibility timeout: terraform/modules/queue/tests."""
    queues = resources("aws_sqs_queue")
    assert queues
    for queue in queues:
        assert queue.body.get("kms_master_key_id") == "${var.kms_key_arn}", queue.where
    call = {b.name: b.body for b in blocks("module", MODULES / "shop")}["queue"]
    assert call["max_receive_count"] == "${var.resources.queue_defaults.max_receive_count}"


def test_subscriptions_filter_on_the_consumed_event_types() -> None:
    """The filter policy and the queue policy: terraform/modules/queue/tests."""
    call = {b.name: b.body for b in blocks("module", MODULES / "shop")}["queue"]
    assert call["event_types"] == "${each.value.consumes}"


def test_every_alarm_is_a_row_of_the_alarms_module() -> None:
    """One aws_cloudwatch_metric_alarm in the system: modules/alarms, one per row (its naming
    and actions: terraform/modules/alarms/tests)."""
    (alarm,) = resources("aws_cloudwatch_metric_alarm")
    assert alarm.path.parent.name == "alarms", alarm.where
    assert alarm.body["for_each"] == "${var.alarms}"
    alarmed = {b.path.parent.name for b in blocks("module") if b.body["source"] == "../alarms"}
    assert alarmed == {"function", "queue", "outbox_relay", "monitoring", "table"}


def test_every_alarm_notifies_the_alarm_topic() -> None:
    alarms = [
        a
        for module in ("function", "queue", "outbox_relay", "monitoring", "table")
        for a in alarms_in(module)
    ]
    assert len(alarms) >= 7
    for alarm_row in alarms:
        topic = alarm_row["alarm_topic_arn"]
        assert topic in ("${var.alarm_topic_arn}", "${aws_sns_topic.alarms.arn}"), alarm_row


# --------------------------------------------------------------------------- identity, API


def test_jwt_authorizer_uses_the_cognito_pool() -> None:
    """The authorizer itself: terraform/modules/http_api/tests."""
    call = {b.name: b.body for b in blocks("module", MODULES / "shop")}["http_api"]
    assert call["jwt_issuer"] == "${local.identity.issuer}"  # a secondary trusts the primary's pool
    assert call["jwt_audience"] == ["${local.identity.client_id}"]
    identity = locals_of(MODULES / "shop")["identity"]
    assert "module.identity[0].issuer" in identity
    assert "var.replica_of.identity" in identity


# --------------------------------------------------------------------------- environments


@pytest.mark.parametrize("environment", ["aws", "localstack"])
def test_environments_read_resources_json(environment: str) -> None:
    local = locals_of(ENVIRONMENTS / environment)
    match = re.fullmatch(r'\$\{jsondecode\(file\("\$\{path.module\}/([^"]+)"\)\)\}', local["resources"])
    assert match, local["resources"]
    resolved = (ENVIRONMENTS / environment / match.group(1)).resolve()
    assert resolved == REPO / "src" / "shop" / "resources.json"
    (shop,) = [b for b in blocks("module", ENVIRONMENTS / environment) if b.name == "shop"]
    assert shop.body["source"] == "../../modules/shop"
    assert shop.body["resources"] == "${local.resources}"
    assert "/dist" in local["artifacts_dir"]


# What environments/aws leaves at modules/shop's defaults; replica_of is the secondary's.
SHOP_DEFAULTS_ON_AWS = {
    "access_token_validity_minutes",
    "secret_recovery_window_in_days",
    "tags",
    "replica_of",
}


def test_the_aws_environment_passes_every_setting_of_modules_shop() -> None:
    """A setting the environment does not pass cannot be set for a stage: prod was once stuck on
    Cognito's own e-mail sender that way."""
    settings = {b.name for b in blocks("variable", MODULES / "shop") if b.path.parent == MODULES / "shop"}
    calls = {b.name: b.body for b in blocks("module", ENVIRONMENTS / "aws")}
    assert settings - set(calls["shop"]) == SHOP_DEFAULTS_ON_AWS
    declared = {b.name for b in blocks("variable", ENVIRONMENTS / "aws")}
    for name in ("ses_from_address", "threat_protection", "notify_verified_only"):
        assert name in declared
        assert calls["shop"][name] == f"${{var.{name}}}"
    assert calls["shop"]["ses_email_identity_arn"] == "${local.ses_email_identity_arn}"
    assert calls["secondary"]["notify_verified_only"] == "${var.notify_verified_only}"


def test_aws_environment_has_remote_state_with_locking_and_stages() -> None:
    terraform = parse(ENVIRONMENTS / "aws" / "versions.tf")["terraform"][0]
    backend = terraform["backend"][0]["s3"]
    assert backend["use_lockfile"] is True
    assert backend["encrypt"] is True
    for stage in ("dev", "prod"):
        assert (ENVIRONMENTS / "aws" / "stages" / f"{stage}.tfvars").is_file()
        assert parse(ENVIRONMENTS / "aws" / "stages" / f"{stage}.s3.tfbackend")["key"].endswith(".tfstate")
    outputs = {b.name for b in blocks("output", ENVIRONMENTS / "aws")}
    assert {"api_url", "user_pool_id", "user_pool_client_id"} <= outputs


def test_localstack_environment_points_every_endpoint_to_localhost() -> None:
    provider = parse(ENVIRONMENTS / "localstack" / "versions.tf")["provider"][0]["aws"]
    assert provider["skip_credentials_validation"] is True
    assert provider["skip_requesting_account_id"] is True
    endpoints = one(provider, "endpoints")
    assert set(endpoints.values()) == {"${var.endpoint}"}
    for service in ("apigatewayv2", "cognitoidp", "dynamodb", "lambda", "sns", "sqs", "iam", "kms", "logs"):
        assert service in endpoints
    (endpoint,) = [b for b in blocks("variable", ENVIRONMENTS / "localstack") if b.name == "endpoint"]
    assert endpoint.body["default"] == "http://localhost:4566"


def test_zips_are_hashed_with_filebase64sha256() -> None:
    shop = str(parse(MODULES / "shop" / "main.tf"))
    assert shop.count("filebase64sha256(") >= 3  # services, relay, layer
    for name in ("relay", "layer"):
        assert f'local.artifact["{name}"]' in shop or f"local.artifact['{name}']" in shop
    assert "${var.artifacts_dir}/${name}.zip" in str(locals_of(MODULES / "shop")["artifact"])


def test_no_resource_outside_modules_environments_and_bootstrap() -> None:
    roots = {"modules", "environments", "bootstrap"}
    strays = [p for p in (REPO / "terraform").rglob("*.tf") if not (roots & set(p.parts))]
    assert not strays


def test_walk_helper_sees_nested_values() -> None:
    assert "python3.12" in list(walk(parse(MODULES / "function" / "main.tf")))
