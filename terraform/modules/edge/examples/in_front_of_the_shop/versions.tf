terraform {
  required_version = ">= 1.11" # write-only arguments (modules/secrets)

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.90"
    }
  }
}
