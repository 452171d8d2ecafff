# GitHub Actions' OIDC provider and, per stage, the two roles the workflows assume with its
# tokens. GitHub's default `sub` claim carries one of environment, ref or pull request, so:
#   deploy role  repo:<owner>/<name>:environment:<stage>  (the apply job of stage.yml; which
#                branches may deploy is the GitHub environment's deployment branch rule)
#   plan role    repo:<owner>/<name>:ref:refs/heads/main (plan.yml runs in no environment:
#                main's plan before its apply), and repo:<owner>/<name>:pull_request for the
#                stages of var.pull_request_stages only: any pull request's workflow could
#                otherwise read prod's state and its cursor key
# Role names stay outside `shop-<stage>-*`, the names a deploy role may write: a deploy role
# never edits its own permissions.

locals {
  oidc_host = "token.actions.githubusercontent.com"
  audience  = "sts.amazonaws.com"
  subjects = {
    for stage in var.stages : stage => {
      deploy = ["repo:${var.repository}:environment:${stage}"]
      plan = concat(
        contains(var.pull_request_stages, stage) ? ["repo:${var.repository}:pull_request"] : [],
        ["repo:${var.repository}:ref:refs/heads/main"],
      )
    }
  }
  # One (stage, kind) per role: "dev-deploy", "dev-plan", ...
  roles = merge([
    for stage, kinds in local.subjects : {
      for kind, subjects in kinds : "${stage}-${kind}" => { stage = stage, kind = kind, subjects = subjects }
    }
  ]...)
}

resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://${local.oidc_host}"
  client_id_list = [local.audience]
}

data "aws_iam_policy_document" "trust" {
  for_each = local.roles

  statement {
    sid     = "GitHubActionsOfThisRepository"
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = [local.audience]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = each.value.subjects
    }
  }
}

resource "aws_iam_role" "github" {
  for_each = local.roles

  name                 = "github-shop-${each.key}"
  description          = "Shop ${each.value.stage}: ${each.value.kind == "deploy" ? "terraform apply" : "read-only terraform plan"} from GitHub Actions (terraform/bootstrap)"
  assume_role_policy   = data.aws_iam_policy_document.trust[each.key].json
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "github" {
  for_each = local.roles

  name   = each.value.kind
  role   = aws_iam_role.github[each.key].id
  policy = data.aws_iam_policy_document.permissions[each.key].json
}
