output "name" {
  description = "Table name."
  value       = aws_dynamodb_table.this.name
}

output "arn" {
  description = "Table ARN."
  value       = aws_dynamodb_table.this.arn
}

output "index_arns" {
  description = "ARNs of the table's indexes (`<table arn>/index/*`), for IAM."
  value       = ["${aws_dynamodb_table.this.arn}/index/*"]
}

output "stream_arn" {
  description = "ARN of the NEW_IMAGE stream, or null when streams are off."
  value       = var.stream_enabled ? aws_dynamodb_table.this.stream_arn : null
}
