output "api_url" {
  description = "Base URL of the API: SHOP_API_URL for `make acceptance`."
  value       = module.shop.api_url
}

output "user_pool_id" {
  description = "Cognito user pool id."
  value       = module.shop.user_pool_id
}

output "user_pool_client_id" {
  description = "Cognito app client id."
  value       = module.shop.user_pool_client_id
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the stage."
  value       = module.shop.dashboard_name
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms (subscribe on-call here)."
  value       = module.shop.alarm_topic_arn
}

output "secondary_api_url" {
  description = "Multi-region: base URL of the secondary region's API (the failover target of the custom domain); null with one region."
  value       = one(module.secondary[*].api_url)
}
