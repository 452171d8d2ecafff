terraform {
  required_version = ">= 1.11, < 2.0" # write-only arguments (modules/secrets); a major version may break the language

  # Only hashicorp/aws: the one provider the offline mirror and the pipeline
  # install (terraform/offline.tfrc, .terraform.lock.hcl).
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.90"
    }
  }

  # Local state: LocalStack is disposable.
}

# Every AWS API goes to LocalStack on localhost:4566 with dummy credentials.
# `tflocal` (terraform-local) produces the same endpoints; this file makes
# plain `terraform` work too.
provider "aws" {
  region                      = var.region
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  s3_use_path_style           = true

  endpoints {
    apigatewayv2   = var.endpoint
    cloudwatch     = var.endpoint
    cognitoidp     = var.endpoint
    dynamodb       = var.endpoint
    iam            = var.endpoint
    kms            = var.endpoint
    lambda         = var.endpoint
    logs           = var.endpoint
    s3             = var.endpoint
    secretsmanager = var.endpoint
    sns            = var.endpoint
    sqs            = var.endpoint
    sts            = var.endpoint
  }

  default_tags {
    tags = {
      Project   = "shop"
      Stage     = "local"
      ManagedBy = "terraform"
    }
  }
}
