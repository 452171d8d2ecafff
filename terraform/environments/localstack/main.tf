# The shop on LocalStack (needs a LocalStack that runs Lambda, i.e. with
# Docker, and Cognito for the JWT authorizer):
#   make package
#   terraform -chdir=terraform/environments/localstack init
#   terraform -chdir=terraform/environments/localstack apply
# Same modules and the same src/shop/resources.json as environments/aws.

locals {
  resources     = jsondecode(file("${path.module}/../../../src/shop/resources.json"))
  artifacts_dir = coalesce(var.artifacts_dir, "${path.module}/../../../dist")
}

module "shop" {
  source = "../../modules/shop"

  resources              = local.resources
  stage                  = "local"
  name_prefix            = "shop-local"
  artifacts_dir          = local.artifacts_dir
  use_dependencies_layer = var.use_dependencies_layer
  log_retention_days     = 1
  deletion_protection    = false
  cors_allow_origins     = var.cors_allow_origins
  payment_provider       = var.payment_provider
  allow_sandbox_payments = true # an emulator sells nothing
  # Disposable: a destroyed secret's name is free again at once.
  secret_recovery_window_in_days = 0
}
