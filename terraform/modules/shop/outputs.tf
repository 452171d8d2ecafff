output "api_url" {
  description = "Base URL of the API (SHOP_API_URL of the functions; of the acceptance tests unless modules/edge is in front): its custom domain with api_domain_name, else the execute-api endpoint."
  value       = local.api_url
}

output "api_id" {
  description = "Id of the HTTP API (what modules/edge maps its custom domain to)."
  value       = module.http_api.api_id
}

output "user_pool_id" {
  description = "Cognito user pool id."
  value       = local.identity.user_pool_id
}

output "user_pool_client_id" {
  description = "Cognito app client id."
  value       = local.identity.client_id
}

output "events_topic_arn" {
  description = "ARN of the integration events topic."
  value       = module.event_bus.events_topic_arn
}

output "alarm_topic_arn" {
  description = "ARN of the alarm topic."
  value       = module.monitoring.alarm_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard name."
  value       = module.monitoring.dashboard_name
}

output "table_names" {
  description = "Table name by service."
  value       = { for name, t in module.table : name => t.name }
}

output "queue_urls" {
  description = "Queue URL by consuming service."
  value       = { for name, q in module.queue : name => q.url }
}

output "cursor_secret_arn" {
  description = "ARN of the pagination cursor key secret."
  value       = local.cursor_secret_arn
}

output "stripe_secret_arn" {
  description = "ARN of the Stripe API key secret (put its value with `aws secretsmanager put-secret-value`), or null with the sandbox provider."
  value       = local.stripe_secret_arn
}

output "kms_key_arn" {
  description = "ARN of the system KMS key of this instance's region (a primary's table replicas in this region use a secondary's)."
  value       = module.kms.key_arn
}

output "secrets_kms_key_arn" {
  description = "ARN of the key that encrypts the secrets (or, in a secondary, their replicas) in this region."
  value       = local.secrets_kms_key_arn
}

output "replica_of" {
  description = "Multi-region, primary only: what the secondary instance takes as var.replica_of (replica tables and streams, the user pool, the replicated secrets' ARNs); null otherwise."
  value = var.replica == null ? null : {
    tables = {
      for name, table in module.table : name => {
        name       = table.name
        arn        = table.replicas[var.replica.region].arn
        stream_arn = table.replicas[var.replica.region].stream_arn
      }
    }
    identity          = local.identity
    cursor_secret_arn = module.secrets[0].replica_arns.cursor
    stripe_secret_arn = module.secrets[0].replica_arns.stripe
  }
}
