"""moto answers what the AWS provider for Terraform waits for and compares with
(see shop.local.emulator.patches.terraform); each test fails on an unpatched moto 5.2.5."""

import io
import json
import zipfile
from typing import Any

import pytest

from shop.local.emulator.patches import terraform as moto_terraform_fixes
from shop.platform.aws import client

pytestmark = pytest.mark.integration


@pytest.fixture
def sqs(aws: None) -> Any:
    moto_terraform_fixes.install()  # also installed by the `aws` fixture through patches.install()
    return client("sqs")


def dead_letter_queue(sqs: Any) -> tuple[str, str]:
    url = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def test_redrive_allow_policy_is_an_attribute_of_the_queue(sqs: Any) -> None:
    dlq_url, _ = dead_letter_queue(sqs)
    assert (
        "RedriveAllowPolicy"
        not in sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]
    )
    policy = json.dumps(
        {"redrivePermission": "byQueue", "sourceQueueArns": ["arn:aws:sqs:us-east-1:123456789012:q"]}
    )
    sqs.set_queue_attributes(QueueUrl=dlq_url, Attributes={"RedriveAllowPolicy": policy})
    by_name = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["RedriveAllowPolicy"])["Attributes"]
    assert json.loads(by_name["RedriveAllowPolicy"]) == json.loads(policy)
    every = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]
    assert json.loads(every["RedriveAllowPolicy"]) == json.loads(policy)
    sqs.set_queue_attributes(
        QueueUrl=dlq_url, Attributes={"RedriveAllowPolicy": ""}
    )  # how the provider deletes it
    assert (
        "RedriveAllowPolicy"
        not in sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]
    )


def test_redrive_policy_is_compact_json_as_aws_returns_it(sqs: Any) -> None:
    _, dlq_arn = dead_letter_queue(sqs)
    url = sqs.create_queue(
        QueueName="q",
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5})},
    )["QueueUrl"]
    returned = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])["Attributes"]
    assert returned["RedrivePolicy"] == f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":5}}'


def test_setting_other_attributes_keeps_the_queue_policy(sqs: Any) -> None:
    url, arn = dead_letter_queue(sqs)
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": arn,
                }
            ],
        }
    )
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "60"})
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert json.loads(attributes["Policy"])["Statement"][0]["Action"] == "sqs:SendMessage"
    assert attributes["VisibilityTimeout"] == "60"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})  # an empty Policy still removes it
    assert "Policy" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def function_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def test_lambda_keeps_and_returns_its_logging_config(aws: None) -> None:
    moto_terraform_fixes.install()
    role = client("iam").create_role(
        RoleName="fn",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ]
            }
        ),
    )["Role"]["Arn"]
    lam = client("lambda")
    created = lam.create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": function_zip()},
        LoggingConfig={"LogFormat": "Text", "LogGroup": "/custom/fn"},
    )
    assert created["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/custom/fn"}
    assert lam.get_function_configuration(FunctionName="fn")["LoggingConfig"]["LogGroup"] == "/custom/fn"
    lam.update_function_configuration(
        FunctionName="fn", LoggingConfig={"LogFormat": "JSON", "LogGroup": "/other"}
    )
    config = lam.get_function(FunctionName="fn")["Configuration"]["LoggingConfig"]
    assert config == {
        "LogFormat": "JSON",
        "LogGroup": "/other",
        "ApplicationLogLevel": "INFO",
        "SystemLogLevel": "INFO",
    }
    lam.create_function(
        FunctionName="plain",
        Runtime="python3.12",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": function_zip()},
    )
    assert lam.get_function_configuration(FunctionName="plain")["LoggingConfig"] == {
        "LogFormat": "Text",
        "LogGroup": "/aws/lambda/plain",
    }


def test_an_api_custom_domain_is_available_with_its_regional_target(aws: None) -> None:
    moto_terraform_fixes.install()
    api = client("apigatewayv2")
    api.create_domain_name(
        DomainName="origin.api.shop.example",
        DomainNameConfigurations=[
            {
                "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/api",
                "EndpointType": "REGIONAL",
                "SecurityPolicy": "TLS_1_2",
            }
        ],
    )
    domain = api.get_domain_name(DomainName="origin.api.shop.example")
    (configuration,) = domain["DomainNameConfigurations"]
    assert configuration["DomainNameStatus"] == "AVAILABLE"
    assert configuration["ApiGatewayDomainName"].endswith(".execute-api.us-east-1.amazonaws.com")
    assert configuration["HostedZoneId"]
    assert configuration["EndpointType"] == "REGIONAL"
    assert "MutualTlsAuthentication" not in domain


def test_a_distribution_with_a_certificate_and_a_cache_policy_reads_back_as_on_aws(aws: None) -> None:
    moto_terraform_fixes.install()
    cloudfront = client("cloudfront")
    created = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "edge",
            "Comment": "edge",
            "Enabled": True,
            "Aliases": {"Quantity": 1, "Items": ["api.shop.example"]},
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "api",
                        "DomainName": "origin.api.shop.example",
                        "CustomOriginConfig": {
                            "HTTPPort": 80,
                            "HTTPSPort": 443,
                            "OriginProtocolPolicy": "https-only",
                        },
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "api",
                "ViewerProtocolPolicy": "https-only",
                "CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            },
            "ViewerCertificate": {
                "ACMCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/cloudfront",
                "SSLSupportMethod": "sni-only",
                "MinimumProtocolVersion": "TLSv1.2_2021",
            },
        }
    )["Distribution"]
    config = cloudfront.get_distribution_config(Id=created["Id"])["DistributionConfig"]
    assert config["ViewerCertificate"]["CloudFrontDefaultCertificate"] is False
    assert "ForwardedValues" not in config["DefaultCacheBehavior"]
