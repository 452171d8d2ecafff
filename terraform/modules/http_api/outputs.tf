output "api_id" {
  description = "Id of the HTTP API (ApiId dimension of its metrics)."
  value       = aws_apigatewayv2_api.this.id
}

output "api_endpoint" {
  description = "Base URL of the API ($default stage), e.g. https://abc123.execute-api.eu-west-1.amazonaws.com. Known as soon as the API exists, before any route: functions use it as SHOP_API_URL."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "execution_arn" {
  description = "Execution ARN of the API."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "stage_name" {
  description = "Name of the stage."
  value       = aws_apigatewayv2_stage.default.name
}

output "route_keys" {
  description = "Route keys created, by route key of var.routes."
  value       = { for k, r in aws_apigatewayv2_route.this : k => r.route_key }
}
