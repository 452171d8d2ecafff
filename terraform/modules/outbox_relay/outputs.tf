output "function_name" {
  description = "Name of the relay function."
  value       = module.function.function_name
}

output "failure_queue_name" {
  description = "Name of the relay's on-failure queue (DLQ)."
  value       = aws_sqs_queue.failures.name
}
