output "api_url" {
  description = "Base URL of the API (SHOP_API_URL for the acceptance tests)."
  value       = module.http_api.api_endpoint
}

output "user_pool_id" {
  description = "Cognito user pool id."
  value       = module.identity.user_pool_id
}

output "user_pool_client_id" {
  description = "Cognito app client id."
  value       = module.identity.client_id
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
  value       = module.secrets.cursor_secret_arn
}

output "stripe_secret_arn" {
  description = "ARN of the Stripe API key secret (put its value with `aws secretsmanager put-secret-value`), or null with the sandbox provider."
  value       = module.secrets.stripe_secret_arn
}
