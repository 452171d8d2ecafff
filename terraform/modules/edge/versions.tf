terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
      # aws: the API's region (its custom domain); aws.us_east_1: CloudFront's
      # web ACL, certificate and logs, which AWS keeps in us-east-1.
      configuration_aliases = [aws.us_east_1]
    }
  }
}
