terraform {
  required_version = ">= 1.10"

  # Only the providers this configuration configures; modules/shop declares
  # what it uses (aws, random) and Terraform installs both.
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }

  # Partial configuration: bucket, key and region come from
  # stages/<stage>.s3.tfbackend (terraform init -backend-config=...).
  # State locking uses an S3 lock file (Terraform >= 1.10), no DynamoDB table.
  backend "s3" {
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project   = "shop"
      Stage     = var.stage
      ManagedBy = "terraform"
    }
  }
}
