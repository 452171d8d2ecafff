# modules/shop behind modules/edge, as environments/aws pairs them: the API's
# own custom domain is the only way in (its execute-api endpoint is off), and
# CloudFront with the web ACL is in front of it. resources.json and the zips of
# `make package` are read where environments/localstack reads them.

locals {
  repository         = "${path.module}/../../../../.."
  resources          = jsondecode(file("${local.repository}/src/shop/resources.json"))
  domain_name        = "api.shop.example"
  origin_domain_name = "origin.api.shop.example"
}

# Every AWS API goes to the emulator with dummy credentials, as in
# environments/localstack: nothing here reaches AWS. The edge needs a second
# configuration in us-east-1, where CloudFront keeps its web ACL and certificate.
provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true

  endpoints {
    apigatewayv2   = var.endpoint
    cloudwatch     = var.endpoint
    cognitoidp     = var.endpoint
    dynamodb       = var.endpoint
    iam            = var.endpoint
    kms            = var.endpoint
    lambda         = var.endpoint
    logs           = var.endpoint
    secretsmanager = var.endpoint
    sns            = var.endpoint
    sqs            = var.endpoint
    sts            = var.endpoint
  }
}

provider "aws" {
  alias                       = "us_east_1"
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true

  endpoints {
    cloudfront = var.endpoint
    iam        = var.endpoint
    kms        = var.endpoint
    logs       = var.endpoint
    sts        = var.endpoint
    wafv2      = var.endpoint
  }
}

module "shop" {
  source = "../../../shop"

  resources              = local.resources
  stage                  = "example"
  name_prefix            = "shop-example"
  artifacts_dir          = coalesce(var.artifacts_dir, "${local.repository}/dist")
  allow_sandbox_payments = true # an emulator sells nothing
  api_domain_name        = local.origin_domain_name
}

module "edge" {
  source = "../.."
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name                   = "shop-example"
  api_id                 = module.shop.api_id
  domain_name            = local.domain_name
  certificate_arn        = "arn:aws:acm:us-east-1:123456789012:certificate/cloudfront"
  origin_domain_name     = local.origin_domain_name
  origin_certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/api"
  per_client             = local.resources.throttling.per_client
}
