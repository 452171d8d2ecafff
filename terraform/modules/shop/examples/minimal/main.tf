# The smallest call of modules/shop: the required inputs, every setting at its
# default. resources.json and the zips of `make package` are read where
# environments/localstack reads them.

# Every AWS API goes to the emulator with dummy credentials, as in
# environments/localstack: nothing here reaches AWS.
provider "aws" {
  region                      = "us-east-1"
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

locals {
  repository = "${path.module}/../../../../.."
}

module "shop" {
  source = "../.."

  resources     = jsondecode(file("${local.repository}/src/shop/resources.json"))
  stage         = "example"
  name_prefix   = "shop-example"
  artifacts_dir = coalesce(var.artifacts_dir, "${local.repository}/dist")
  # The default payment provider is the sandbox, which charges nobody: allowed
  # here because an emulator sells nothing.
  allow_sandbox_payments = true
}
