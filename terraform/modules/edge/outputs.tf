output "url" {
  description = "Base URL clients use (https://<domain_name>): the distribution, through the web ACL."
  value       = "https://${var.domain_name}"
}

output "distribution_id" {
  description = "Id of the CloudFront distribution."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_domain_name" {
  description = "The distribution's own name (dxxxx.cloudfront.net): where domain_name points (alias or CNAME) when you bring DNS."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "origin_target_domain_name" {
  description = "The API custom domain's regional target (d-xxxx.execute-api.<region>.amazonaws.com): where origin_domain_name points when you bring DNS."
  value       = aws_apigatewayv2_domain_name.origin.domain_name_configuration[0].target_domain_name
}

output "web_acl_arn" {
  description = "ARN of the web ACL (us-east-1)."
  value       = aws_wafv2_web_acl.this.arn
}
