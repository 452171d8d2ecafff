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
  description = "ARN of the table's stream (NEW_IMAGE; NEW_AND_OLD_IMAGES with replicas), or null when streams are off."
  value       = local.stream_enabled ? aws_dynamodb_table.this.stream_arn : null
}

output "replicas" {
  description = "By replica region: the replica's table ARN and stream ARN (for the functions and the relay of that region)."
  value       = { for replica in aws_dynamodb_table.this.replica : replica.region_name => { arn = replica.arn, stream_arn = replica.stream_arn } }
}
