output "api_url" {
  description = "Base URL of the API on LocalStack."
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
