"""Gaps of moto 5.2.5 that keep `terraform apply` (hashicorp/aws 5.x) from converging.

1. SQS stores RedriveAllowPolicy but neither lists it among the queue's attributes nor
   accepts the name in GetQueueAttributes, so the provider waits forever for
   aws_sqs_queue_redrive_allow_policy to appear (and, on destroy, for an empty value to
   disappear).
2. SQS returns RedrivePolicy as JSON with spaces (`json.dumps` defaults); AWS returns it
   compact, and the provider sees a change on every plan.
3. Lambda ignores LoggingConfig on CreateFunction / UpdateFunctionConfiguration and never
   returns it, so every plan wants to set logging_config again.
4. SetQueueAttributes without a Policy attribute wipes the queue policy (moto resets it
   from the request), so updating e.g. the redrive policy deletes aws_sqs_queue_policy.
5. An API Gateway v2 custom domain has no status, regional target or hosted zone (the
   provider waits forever for AVAILABLE) and returns an empty mutualTlsAuthentication that
   AWS leaves out (a change on every plan). terraform/modules/edge creates one.
6. A CloudFront distribution with an ACM certificate still says CloudFrontDefaultCertificate
   true, and a cache behaviour with a cache policy still gets default ForwardedValues; AWS
   returns neither, and the provider sees a change on every plan (terraform/modules/edge).

No upstream moto issue was found for these (searched the moto tracker for each symptom;
the closest is getmoto/moto#2682, RedrivePolicy once refused by GetQueueAttributes).
`install()` is called by shop.local.emulator.patches.install().
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from shop.local.emulator.patches.once import applied_once

REDRIVE_ALLOW_POLICY = "RedriveAllowPolicy"
# AWS's hosted zone of regional API Gateway endpoints differs by region; any one serves an alias here.
REGIONAL_API_HOSTED_ZONE = "ZLY8HYME6SFDD"


@applied_once
def install() -> None:
    """Patch moto's SQS and Lambda models in this process."""
    _patch_sqs()
    _patch_lambda()
    _patch_apigatewayv2_domain_names()
    _patch_cloudfront()


def _patch_sqs() -> None:
    from moto.sqs.models import Queue as queue_model

    queue: Any = queue_model  # patched in place, untyped
    # 1. A known attribute, None (not returned) until set.
    queue.BASE_ATTRIBUTES = [*queue.BASE_ATTRIBUTES, REDRIVE_ALLOW_POLICY]
    queue.redrive_allow_policy = None
    original_attributes = vars(queue_model)["attributes"].fget

    @functools.wraps(original_attributes)
    def attributes(self: Any) -> dict[str, Any]:
        result: dict[str, Any] = original_attributes(self)
        if not result.get(REDRIVE_ALLOW_POLICY):  # never set, or removed with an empty value
            result.pop(REDRIVE_ALLOW_POLICY, None)
        if self.redrive_policy:  # 2. compact, as AWS returns it
            result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
        return result

    queue.attributes = property(attributes)
    queue._set_attributes = _keeping_policy(queue._set_attributes)


def _keeping_policy(set_attributes: Callable[..., Any]) -> Callable[..., Any]:
    """4. Only a request that names Policy changes it (an empty value removes it)."""

    @functools.wraps(set_attributes)
    def _set_attributes(queue: Any, attributes: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        previous = getattr(queue, "_policy_json", None)
        set_attributes(queue, attributes, *args, **kwargs)
        if "Policy" not in attributes and previous is not None:
            queue._policy_json = previous

    return _set_attributes


def _patch_lambda() -> None:
    from moto.awslambda.models import LambdaFunction

    function_model: Any = LambdaFunction  # patched in place, untyped
    original_init = function_model.__init__
    original_get_configuration = function_model.get_configuration
    original_update_configuration = function_model.update_configuration

    @functools.wraps(original_init)
    def __init__(function: Any, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        original_init(function, account_id, spec, *args, **kwargs)
        function.logging_config = _logging_config(function.function_name, spec.get("LoggingConfig"))

    @functools.wraps(original_get_configuration)
    def get_configuration(function: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        config: dict[str, Any] = original_get_configuration(function, *args, **kwargs)
        config["LoggingConfig"] = getattr(
            function, "logging_config", _logging_config(function.function_name, None)
        )
        return config

    @functools.wraps(original_update_configuration)
    def update_configuration(function: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
        if "LoggingConfig" in config_updates:
            function.logging_config = _logging_config(function.function_name, config_updates["LoggingConfig"])
        return original_update_configuration(function, config_updates)  # type: ignore[no-any-return]

    function_model.__init__ = __init__
    function_model.get_configuration = get_configuration
    function_model.update_configuration = update_configuration


def _logging_config(function_name: str, requested: dict[str, Any] | None) -> dict[str, Any]:
    """What AWS answers: Text format into /aws/lambda/<name> unless the request says otherwise;
    JSON format adds the default log levels."""
    config: dict[str, Any] = {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{function_name}"}
    config.update(requested or {})
    if config["LogFormat"] == "JSON":
        config.setdefault("ApplicationLogLevel", "INFO")
        config.setdefault("SystemLogLevel", "INFO")
    return config


def _patch_apigatewayv2_domain_names() -> None:
    from moto.apigatewayv2.models import DomainName

    domain_model: Any = DomainName  # patched in place, untyped
    original_init = domain_model.__init__
    original_to_json = domain_model.to_json

    @functools.wraps(original_init)
    def __init__(domain: Any, *args: Any, **kwargs: Any) -> None:
        original_init(domain, *args, **kwargs)
        region = domain.domain_name_arn.split(":")[3]
        name_id = hashlib.sha256(domain.domain_name.encode()).hexdigest()[:10]
        target = f"d-{name_id}.execute-api.{region}.amazonaws.com"
        domain.domain_name_configurations = [
            {
                **configuration,
                "domainNameStatus": "AVAILABLE",
                "apiGatewayDomainName": target,
                "hostedZoneId": REGIONAL_API_HOSTED_ZONE,
            }
            for configuration in domain.domain_name_configurations
        ]

    @functools.wraps(original_to_json)
    def to_json(domain: Any) -> dict[str, Any]:
        answer: dict[str, Any] = original_to_json(domain)
        if not answer.get("mutualTlsAuthentication"):
            answer.pop("mutualTlsAuthentication", None)
        return answer

    domain_model.__init__ = __init__
    domain_model.to_json = to_json


def _patch_cloudfront() -> None:
    from moto.cloudfront.models import DefaultCacheBehaviour, ViewerCertificate

    behaviour_model: Any = DefaultCacheBehaviour  # patched in place, untyped (CacheBehaviour inherits it)
    certificate_model: Any = ViewerCertificate
    original_behaviour = behaviour_model.__init__
    original_certificate = certificate_model.__init__

    @functools.wraps(original_behaviour)
    def behaviour(self: Any, config: dict[str, Any]) -> None:
        original_behaviour(self, config)
        if config.get("CachePolicyId") and "ForwardedValues" not in config:
            self.forwarded_values = None  # left out of the answer

    @functools.wraps(original_certificate)
    def certificate(self: Any, config: dict[str, Any]) -> None:
        original_certificate(self, config)
        if "CloudFrontDefaultCertificate" not in config:
            self.cloud_front_default_certificate = not (
                config.get("ACMCertificateArn") or config.get("IAMCertificateId")
            )

    behaviour_model.__init__ = behaviour
    certificate_model.__init__ = certificate
