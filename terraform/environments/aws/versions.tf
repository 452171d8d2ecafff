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

# The second region of the multi-region option (unused while secondary_region is null).
provider "aws" {
  alias  = "secondary"
  region = coalesce(var.secondary_region, var.region)

  default_tags {
    tags = {
      Project   = "shop"
      Stage     = var.stage
      ManagedBy = "terraform"
    }
  }
}

# CloudFront's web ACL, certificate and logs live in us-east-1 (modules/edge).
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = {
      Project   = "shop"
      Stage     = var.stage
      ManagedBy = "terraform"
    }
  }
}
