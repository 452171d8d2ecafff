output "events_topic_arn" {
  description = "ARN of the integration events topic (SHOP_EVENTS_TOPIC_ARN)."
  value       = aws_sns_topic.events.arn
}

output "notifications_topic_arn" {
  description = "ARN of the customer notifications topic (SHOP_NOTIFICATIONS_TOPIC_ARN)."
  value       = aws_sns_topic.notifications.arn
}

output "events_topic_name" {
  description = "Name of the integration events topic."
  value       = aws_sns_topic.events.name
}
