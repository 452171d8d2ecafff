output "api_url" {
  description = "Base URL of the API: SHOP_API_URL for `make acceptance`; with edge_protection, the CloudFront distribution's (https://<domain_name>)."
  value       = var.edge_protection == null ? module.shop.api_url : module.edge[0].url
}

output "edge" {
  description = "With edge_protection: the distribution's id and name, the API custom domain's regional target (where to point the two names when you bring DNS) and the web ACL; null without."
  value       = one(module.edge[*])
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
