output "user_pool_id" {
  description = "Id of the user pool (USER_POOL_ID)."
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_arn" {
  description = "ARN of the user pool (scope of the users service's cognito-idp permissions)."
  value       = aws_cognito_user_pool.this.arn
}

output "client_id" {
  description = "Id of the public app client (USER_POOL_CLIENT_ID, JWT audience)."
  value       = aws_cognito_user_pool_client.this.id
}

output "issuer" {
  description = "OIDC issuer URL of the pool, for the API Gateway JWT authorizer."
  value       = "https://${aws_cognito_user_pool.this.endpoint}"
}

output "admin_group_name" {
  description = "Name of the admin group."
  value       = aws_cognito_user_group.admin.name
}
