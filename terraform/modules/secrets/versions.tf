terraform {
  required_version = ">= 1.11" # write-only arguments (secret_string_wo)

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.90" # ephemeral random password, secret_string_wo
    }
  }
}
