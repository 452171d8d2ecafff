output "github_secrets" {
  description = "What to put in which GitHub secret: repository secrets AWS_PLAN_ROLE_<STAGE> (plan.yml) and, in each GitHub environment <stage>, the environment secret AWS_DEPLOY_ROLE (stage.yml)."
  value = {
    repository = { for stage in var.stages : "AWS_PLAN_ROLE_${upper(stage)}" => aws_iam_role.github["${stage}-plan"].arn }
    environments = {
      for stage in var.stages : stage => { AWS_DEPLOY_ROLE = aws_iam_role.github["${stage}-deploy"].arn }
    }
  }
}

output "state_buckets" {
  description = "The state bucket of each stage, as its stages/<stage>.s3.tfbackend names it."
  value       = { for stage, bucket in aws_s3_bucket.state : stage => bucket.id }
}

output "state_key_arn" {
  description = "The customer managed key that encrypts the state buckets."
  value       = module.state_key.key_arn
}

output "oidc_provider_arn" {
  description = "GitHub Actions' OIDC provider (token.actions.githubusercontent.com) in this account."
  value       = aws_iam_openid_connect_provider.github.arn
}
