output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "arn" {
  description = "ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "invoke_arn" {
  description = "Invoke ARN, for API Gateway integrations."
  value       = aws_lambda_function.this.invoke_arn
}

output "role_name" {
  description = "Name of the execution role."
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "ARN of the execution role."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "Name of the function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "timeout" {
  description = "Timeout of the function in seconds."
  value       = aws_lambda_function.this.timeout
}

output "alarm_arns" {
  description = "ARNs of the function's alarms (errors, throttles, p99 duration)."
  value       = values(module.alarms.arns)
}

output "target_arn" {
  description = "What event source mappings invoke: the `live` alias's ARN with SnapStart, else the function's."
  value       = var.snap_start ? aws_lambda_alias.live[0].arn : aws_lambda_function.this.arn
}

output "target_function_name" {
  description = "The function_name of a permission to invoke it: the `live` alias's ARN with SnapStart, else the function's name."
  value       = var.snap_start ? aws_lambda_alias.live[0].arn : aws_lambda_function.this.function_name
}

output "target_invoke_arn" {
  description = "Invoke ARN for API Gateway integrations: the `live` alias's with SnapStart, else the function's."
  value       = var.snap_start ? aws_lambda_alias.live[0].invoke_arn : aws_lambda_function.this.invoke_arn
}
