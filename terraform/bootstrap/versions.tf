terraform {
  required_version = ">= 1.11, < 2.0" # the environments' range; a major version may break the language

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.90"
    }
  }

  # No backend block: this configuration creates the state bucket, so its own state is
  # local (terraform.tfstate here, ignored by git). Keep a backup: README.md, "Its state".
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project   = "shop"
      ManagedBy = "terraform/bootstrap"
    }
  }
}
