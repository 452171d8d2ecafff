output "http_function_name" {
  description = "Name of the HTTP function."
  value       = module.http.function_name
}

output "http_function_arn" {
  description = "ARN of the HTTP function."
  value       = module.http.arn
}

output "http_invoke_arn" {
  description = "Invoke ARN of the HTTP function (API Gateway integration URI)."
  value       = module.http.invoke_arn
}

output "events_function_name" {
  description = "Name of the events function, or null."
  value       = try(module.events[0].function_name, null)
}

output "function_names" {
  description = "Names of all the service's functions (for the dashboard)."
  value       = concat([module.http.function_name], module.events[*].function_name)
}

output "role_arns" {
  description = "Execution role ARNs by function kind (http, events)."
  value       = merge({ http = module.http.role_arn }, length(module.events) == 0 ? {} : { events = module.events[0].role_arn })
}
