output "kms_key_arn" {
  description = "ARN of the key that encrypts the secrets (grant kms:Decrypt on it per secret, with the SecretARN encryption context)."
  value       = module.key.key_arn
}

output "cursor_secret_arn" {
  description = "ARN of the cursor key secret (SHOP_CURSOR_SECRET_ARN)."
  value       = aws_secretsmanager_secret.cursor.arn
}

output "stripe_secret_arn" {
  description = "ARN of the Stripe API key secret (SHOP_STRIPE_SECRET_ARN), or null when payment_provider is sandbox."
  value       = one(aws_secretsmanager_secret.stripe[*].arn)
}

output "replica_arns" {
  description = "Multi-region: ARNs of the replicas in var.replica.region (cursor, stripe or null); a replica keeps the primary's ARN but for the region. null without a replica."
  value = var.replica == null ? null : {
    cursor = replace(aws_secretsmanager_secret.cursor.arn, ":${data.aws_region.current.name}:", ":${var.replica.region}:")
    stripe = one([for arn in aws_secretsmanager_secret.stripe[*].arn : replace(arn, ":${data.aws_region.current.name}:", ":${var.replica.region}:")])
  }
}
