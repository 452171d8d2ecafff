output "http_function_name" {
  description = "Name of the HTTP function."
  value       = module.function["http"].function_name
}

output "http_function_arn" {
  description = "ARN of the HTTP function."
  value       = module.function["http"].arn
}

output "http_invoke_arn" {
  description = "Invoke ARN of the HTTP function (API Gateway integration URI)."
  value       = module.function["http"].target_invoke_arn
}

output "events_function_name" {
  description = "Name of the events function, or null."
  value       = try(module.function["events"].function_name, null)
}

output "function_names" {
  description = "Names of all the service's functions (for the dashboard)."
  value       = [for function in module.function : function.function_name]
}

output "role_arns" {
  description = "Execution role ARNs by function kind (http, events)."
  value       = { for kind, function in module.function : kind => function.role_arn }
}

output "http_invoke_target" {
  description = "The function_name the API's permission names: the `live` alias with SnapStart, else the HTTP function."
  value       = module.function["http"].target_function_name
}
