"""terraform/modules/edge applied to moto with the real AWS provider (`make slow`), read back
through the AWS APIs and compared with resources.json, planned again (no changes), destroyed.

The whole system's apply (test_apply.py, environments/localstack) has no edge; this applies the
module alone, on an HTTP API of its own, with every option on (Route 53 records, WAF log).
moto keeps the web ACL, the distribution and the custom domain but enforces nothing: no
request is ever refused here (the local gateway's tests hold what is enforced). It needs two
of shop.local.emulator.patches.terraform's fixes (the custom domain's status and target,
CloudFront's certificate and cache behaviour as AWS returns them).
"""

from __future__ import annotations

import json
import shutil
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
from tests.terraform.cli import init, offline_environment, terraform
from tests.terraform.hcl import ENVIRONMENTS, MODULES, REPO

pytestmark = [pytest.mark.terraform, pytest.mark.slow, pytest.mark.timeout(900)]

REGION = "eu-west-1"
DOMAIN, ORIGIN = "api.shop.example", "origin.api.shop.example"
SERVICES = ("apigatewayv2", "cloudfront", "iam", "kms", "logs", "route53", "sts", "wafv2")

ROOT = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.70" }
  }
}

variable "zone_id" {
  type = string
}

%(providers)s

resource "aws_apigatewayv2_api" "api" {
  name                         = "edge"
  protocol_type                = "HTTP"
  disable_execute_api_endpoint = true
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.api.id
  name        = "$default"
  auto_deploy = true
}

module "edge" {
  source = "./modules/edge"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name                   = "shop-edge"
  api_id                 = aws_apigatewayv2_api.api.id
  domain_name            = "%(domain)s"
  certificate_arn        = "arn:aws:acm:us-east-1:123456789012:certificate/cloudfront"
  origin_domain_name     = "%(origin)s"
  origin_certificate_arn = "arn:aws:acm:%(region)s:123456789012:certificate/api"
  route53_zone_id        = var.zone_id
  waf_log_retention_days = 30
  per_client             = jsondecode(file("${path.module}/resources.json")).throttling.per_client

  depends_on = [aws_apigatewayv2_stage.default]
}
"""

PROVIDER = """
provider "aws" {
  %(alias)s
  region                      = "%(region)s"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true

  endpoints {
%(endpoints)s
  }
}
"""


@dataclass
class Edge:
    endpoint: str
    directory: Path
    env: dict[str, str]
    zone_id: str
    applied: bool = False
    times: dict[str, float] = field(default_factory=dict)

    def client(self, service: str, region: str = REGION) -> Any:
        return boto3.client(
            service,  # type: ignore[call-overload]
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    def run(self, step: str, *args: str) -> Any:
        started = time.monotonic()
        result = terraform(
            self.directory, *args, "-no-color", f"-var=zone_id={self.zone_id}", env=self.env, timeout=600
        )
        self.times[step] = round(time.monotonic() - started, 1)
        print(f"terraform {step}: {self.times[step]} s", file=sys.stderr, flush=True)
        return result


@pytest.fixture(scope="module")
def edge() -> Iterator[Edge]:
    from moto.server import ThreadedMotoServer

    from shop.local.emulator import patches

    patches.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    with tempfile.TemporaryDirectory(prefix="shop-edge-apply-") as directory:
        root = Path(directory)
        for name in ("edge", "kms"):
            shutil.copytree(MODULES / name, root / "modules" / name, ignore=shutil.ignore_patterns("tests"))
        shutil.copy(REPO / "src" / "shop" / "resources.json", root)
        shutil.copy(ENVIRONMENTS / "aws" / ".terraform.lock.hcl", root)
        endpoints = "\n".join(f'    {service} = "{endpoint}"' for service in SERVICES)
        providers = "".join(
            PROVIDER % {"alias": alias, "region": region, "endpoints": endpoints}
            for alias, region in (("", REGION), ('alias = "us_east_1"', "us-east-1"))
        )
        (root / "main.tf").write_text(
            ROOT % {"providers": providers, "domain": DOMAIN, "origin": ORIGIN, "region": REGION}
        )
        env = offline_environment(root / ".terraform", AWS_EC2_METADATA_DISABLED="true")
        found = Edge(endpoint, root, env, zone_id="")
        # An existing zone, as a stage's route53_zone_id is (its id must be known at plan time).
        zone = found.client("route53").create_hosted_zone(Name="shop.example", CallerReference="edge")
        found.zone_id = zone["HostedZone"]["Id"].rsplit("/", 1)[-1]
        init(root, env)
        applied = found.run("apply", "apply", "-auto-approve", "-parallelism=30")
        found.applied = True
        assert applied.returncode == 0, applied.stdout[-4000:] + applied.stderr
        yield found
        if found.applied:
            found.run("destroy", "destroy", "-auto-approve", "-refresh=false", "-parallelism=30")
        print(f"\nedge against moto: times {found.times}")
    server.stop()


def test_a_plan_after_apply_shows_no_changes(edge: Edge) -> None:
    result = edge.run("replan", "plan", "-detailed-exitcode")
    changes = [line for line in result.stdout.splitlines() if line.strip().startswith(("#", "~", "+", "-"))]
    assert result.returncode == 0, "\n".join(changes[:80]) + result.stderr


def web_acl(edge: Edge) -> dict[str, Any]:
    waf = edge.client("wafv2", "us-east-1")  # CloudFront's web ACLs live there
    (summary,) = waf.list_web_acls(Scope="CLOUDFRONT")["WebACLs"]
    return waf.get_web_acl(Name=summary["Name"], Scope="CLOUDFRONT", Id=summary["Id"])["WebACL"]  # type: ignore[no-any-return]


def test_the_web_acl_has_one_rate_based_rule_per_per_client_entry(
    edge: Edge, shop_resources: Resources
) -> None:
    acl = web_acl(edge)
    assert shop_resources.throttling is not None
    expected = dict(shop_resources.throttling.per_client)
    assert len(acl["Rules"]) == len(expected)
    (body,) = acl["CustomResponseBodies"].values()
    assert body["ContentType"] == "APPLICATION_JSON"
    assert json.loads(body["Content"])["status"] == 429
    found = {}
    for rule in acl["Rules"]:
        rate = rule["Statement"]["RateBasedStatement"]
        assert rate["AggregateKeyType"] == "IP"
        matches = [s["ByteMatchStatement"] for s in rate["ScopeDownStatement"]["AndStatement"]["Statements"]]
        assert [m["PositionalConstraint"] for m in matches] == ["EXACTLY", "EXACTLY"]
        assert [next(iter(m["FieldToMatch"])) for m in matches] == ["Method", "UriPath"]
        route = " ".join(m["SearchString"].decode() for m in matches)
        response = rule["Action"]["Block"]["CustomResponse"]
        assert response["ResponseCode"] == 429
        assert response["ResponseHeaders"] == [
            {"Name": "Retry-After", "Value": str(rate["EvaluationWindowSec"])}
        ]
        found[route] = (rate["Limit"], rate["EvaluationWindowSec"])
    assert found == {route: (limit.limit, limit.window_seconds) for route, limit in expected.items()}


def test_the_distribution_sits_behind_the_acl_in_front_of_the_custom_domain(edge: Edge) -> None:
    cloudfront = edge.client("cloudfront", "us-east-1")
    (summary,) = cloudfront.list_distributions()["DistributionList"]["Items"]
    config = cloudfront.get_distribution_config(Id=summary["Id"])["DistributionConfig"]
    assert config["WebACLId"] == web_acl(edge)["ARN"]
    assert config["Aliases"]["Items"] == [DOMAIN]
    (origin,) = config["Origins"]["Items"]
    assert origin["DomainName"] == ORIGIN
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "https-only"
    assert behaviour["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
    assert behaviour["OriginRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # all but Host
    api = edge.client("apigatewayv2")
    (mapping,) = api.get_api_mappings(DomainName=ORIGIN)["Items"]
    (found,) = api.get_apis()["Items"]
    assert (mapping["ApiId"], mapping["Stage"]) == (found["ApiId"], "$default")
    records = edge.client("route53").list_resource_record_sets(HostedZoneId=edge.zone_id)[
        "ResourceRecordSets"
    ]
    aliases = {
        (r["Name"].rstrip("."), r["Type"]): r["AliasTarget"]["DNSName"] for r in records if "AliasTarget" in r
    }
    assert aliases[(DOMAIN, "A")].rstrip(".") == summary["DomainName"]
    assert aliases[(DOMAIN, "AAAA")].rstrip(".") == summary["DomainName"]
    target = api.get_domain_name(DomainName=ORIGIN)["DomainNameConfigurations"][0]["ApiGatewayDomainName"]
    assert aliases[(ORIGIN, "A")].rstrip(".") == target


def test_the_waf_log_keeps_refused_requests_without_their_authorization(edge: Edge) -> None:
    waf = edge.client("wafv2", "us-east-1")
    logging = waf.get_logging_configuration(ResourceArn=web_acl(edge)["ARN"])["LoggingConfiguration"]
    assert logging["LogDestinationConfigs"][0].endswith(":log-group:aws-waf-logs-shop-edge")
    assert logging["RedactedFields"] == [{"SingleHeader": {"Name": "authorization"}}]
    assert logging["LoggingFilter"]["DefaultBehavior"] == "DROP"


def test_destroy_removes_everything(edge: Edge) -> None:
    result = edge.run("destroy", "destroy", "-auto-approve", "-refresh=false", "-parallelism=30")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    edge.applied = False
    assert edge.client("wafv2", "us-east-1").list_web_acls(Scope="CLOUDFRONT")["WebACLs"] == []
    assert (
        edge.client("cloudfront", "us-east-1").list_distributions()["DistributionList"].get("Items", []) == []
    )
