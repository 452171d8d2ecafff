"""Secrets stay out of state and environments; CORS, throttling and the payment provider
come from resources.json and the stage (the emulator apply in test_apply.py reads them back)."""

from __future__ import annotations

import pytest

from tests.terraform.hcl import MODULES, TERRAFORM, blocks, locals_of, parse, resources, tf_files, walk

pytestmark = pytest.mark.terraform


def test_no_secret_value_in_terraform() -> None:
    assert not [b.where for b in blocks("resource") if b.type.startswith("random_")]
    for path in tf_files(TERRAFORM):
        for value in walk(parse(path)):
            if isinstance(value, dict):
                assert "secret_string" not in value, f"{path}: a secret value would be stored in the state"
    (version,) = resources("aws_secretsmanager_secret_version", MODULES / "secrets")
    assert version.body["secret_string_wo"] == (
        "${ephemeral.aws_secretsmanager_random_password.cursor.random_password}"
    )
    assert version.body["secret_string_wo_version"] == "${var.cursor_key_version}"


def test_secrets_use_their_own_key_that_no_aws_service_may_use() -> None:
    for secret in resources("aws_secretsmanager_secret", MODULES / "secrets"):
        assert secret.body["kms_key_id"] == "${module.key.key_arn}", secret.where
    (key,) = [b.body for b in blocks("module", MODULES / "secrets")]
    assert key["source"] == "../kms"
    assert key["for_aws_services"] is False


def test_functions_decrypt_only_their_own_secrets() -> None:
    statements = locals_of(MODULES / "service")["secret_statements"]
    assert "secretsmanager:GetSecretValue" in str(statements)
    assert "kms:EncryptionContext:SecretARN" in str(statements)
    assert "kms:ViaService" in str(statements)
    arns = locals_of(MODULES / "service")["secret_arns"]
    assert "var.cursor_secret_arn" in arns["http"]
    assert "var.cursor_secret_arn" not in arns["events"], "events functions never page"


def test_only_payments_gets_the_provider_and_the_stripe_secret() -> None:
    shop = locals_of(MODULES / "shop")
    assert shop["payments_service"] == "payments"
    assert "SHOP_PAYMENT_PROVIDER" in str(shop["payments_environment"])
    assert "SHOP_STRIPE_SECRET" in str(shop["payments_secrets"])
    call = {b.name: b.body for b in blocks("module", MODULES / "shop")}["service"]
    assert call["secrets"] == "${each.key == local.payments_service ? local.payments_secrets : {}}"
    assert "each.key == local.payments_service ? local.payments_environment : {}" in call["extra_environment"]
    # The only other extra: a multi-region secondary's users service names the pool's region.
    assert (
        "try(each.value.uses_identity, false) ? local.identity_environment : {}" in call["extra_environment"]
    )
    (stripe,) = [r for r in resources("aws_secretsmanager_secret", MODULES / "secrets") if r.name == "stripe"]
    assert stripe.body["count"] == '${var.payment_provider == "stripe" ? 1 : 0}'


def test_cors_and_throttling_come_from_resources_json() -> None:
    shop = locals_of(MODULES / "shop")
    assert "var.resources.cors" in shop["cors"]
    assert "var.resources.throttling.default" in str(shop["throttling_default"])
    call = {b.name: b.body for b in blocks("module", MODULES / "shop")}["http_api"]
    assert call["route_throttling"] == "${var.resources.throttling.routes}"
    assert call["cors"] == "${local.cors}"
    # The routes' own limits: terraform/modules/http_api/tests; a route's settings need the route.
    (stage,) = resources("aws_apigatewayv2_stage", MODULES / "http_api")
    assert stage.body["depends_on"] == ["${aws_apigatewayv2_route.this}"]
