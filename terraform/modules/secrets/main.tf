# The system's secrets in Secrets Manager, encrypted with a key of their own so
# that kms:Decrypt can be granted per secret (the SecretARN encryption context):
#
# - the cursor key (HMAC of pagination cursors): its value is drawn by Secrets
#   Manager itself (an ephemeral GetRandomPassword) and written through a
#   write-only argument, so it is never in the plan, the state or a Lambda
#   environment; the functions read it once per execution environment
#   (SHOP_CURSOR_SECRET_ARN). Bump cursor_key_version to draw a new one
#   (cursors issued before stop being accepted: clients start over at page 1).
# - the Stripe API key, only when payment_provider is "stripe": Terraform
#   creates the empty secret, an operator puts the value out of band
#   (`aws secretsmanager put-secret-value`), so it never reaches the state.
#
# Multi-region (var.replica): both secrets replicate to the other region (same
# name, ARN and value there, encrypted with a key of that region), so cursors
# issued in one region stay valid after a failover.

data "aws_region" "current" {}

module "key" {
  source = "../kms"

  alias            = "${var.name_prefix}-secrets"
  description      = "Shop: encryption of the Secrets Manager secrets (cursor key, payment provider key)"
  for_aws_services = false
  tags             = var.tags
}

resource "aws_secretsmanager_secret" "cursor" {
  #checkov:skip=CKV2_AWS_57:No rotation Lambda: the cursor key is rotated by bumping cursor_key_version (a new random value, written write-only).
  name                    = "${var.name_prefix}/cursor-key"
  description             = "HMAC key of the pagination cursors (SHOP_CURSOR_SECRET_ARN)"
  kms_key_id              = module.key.key_arn
  recovery_window_in_days = var.recovery_window_in_days
  tags                    = var.tags

  dynamic "replica" {
    for_each = var.replica == null ? [] : [var.replica]
    content {
      region     = replica.value.region
      kms_key_id = replica.value.kms_key_arn
    }
  }
}

ephemeral "aws_secretsmanager_random_password" "cursor" {
  password_length     = 64
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret_version" "cursor" {
  secret_id                = aws_secretsmanager_secret.cursor.id
  secret_string_wo         = ephemeral.aws_secretsmanager_random_password.cursor.random_password
  secret_string_wo_version = var.cursor_key_version
}

resource "aws_secretsmanager_secret" "stripe" {
  #checkov:skip=CKV2_AWS_57:The Stripe key is rolled in Stripe's dashboard and put here by an operator; no rotation Lambda can do that.
  count = var.payment_provider == "stripe" ? 1 : 0

  name                    = "${var.name_prefix}/stripe-api-key"
  description             = "Stripe secret API key of the payments service (SHOP_STRIPE_SECRET_ARN); value put out of band"
  kms_key_id              = module.key.key_arn
  recovery_window_in_days = var.recovery_window_in_days
  tags                    = var.tags

  dynamic "replica" {
    for_each = var.replica == null ? [] : [var.replica]
    content {
      region     = replica.value.region
      kms_key_id = replica.value.kms_key_arn
    }
  }
}
