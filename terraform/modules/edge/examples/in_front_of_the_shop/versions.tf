terraform {
  required_version = ">= 1.11, < 2.0" # write-only arguments (modules/secrets); a major version may break the language

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.90"
    }
  }
}
