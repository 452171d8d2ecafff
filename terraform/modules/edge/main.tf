# The way in to the API on AWS when clients must be limited one by one
# (docs/decisions/0008-per-client-limits-at-the-edge.md): a CloudFront
# distribution with an AWS WAF web ACL, in front of the API's own custom domain.
# An HTTP API has no per-client throttling and WAF cannot attach to it, hence
# CloudFront; the caller disables the execute-api endpoint (modules/http_api),
# so the custom domain is the API's only address.
#
#   client -> CloudFront (domain_name, web ACL) -> API custom domain (origin_domain_name) -> HTTP API
#
# One rate-based rule per resources.json throttling.per_client entry, keyed on
# the client's IP and scoped down to the route's method and path; a refusal is
# a 429 problem with Retry-After. Routes without an entry (among them the
# services' own calls, GET /products, GET /cart and GET /orders/{id}, which go to the origin
# domain directly) are never counted.

locals {
  rules = {
    for priority, key in sort(keys(var.per_client)) : key => {
      priority = priority
      method   = split(" ", key)[0]
      path     = split(" ", key)[1]
      name     = "${lower(split(" ", key)[0])}${replace(split(" ", key)[1], "/", "-")}"
      limit    = var.per_client[key].limit
      window   = var.per_client[key].window_seconds
    }
  }

  # The shop's problem for 429 (shop.platform.problems). WAF serves it as
  # application/json (it has no application/problem+json) and cannot add the
  # X-Request-Id a problem of the shop carries.
  too_many_requests = {
    type   = "/problems/too-many-requests"
    title  = "Too Many Requests"
    status = 429
    detail = "Too many requests to this route from your address: wait as long as Retry-After says (seconds), then retry."
  }
  too_many_requests_key = "too-many-requests"

  # AWS managed CloudFront policies (fixed ids, the same in every account):
  # no caching (every answer is per caller), and every viewer header, cookie and
  # query string forwarded except Host (Authorization, Idempotency-Key, If-Match,
  # X-Request-Id, Content-Type...), so API Gateway sees its custom domain as Host.
  caching_disabled_policy_id       = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  all_viewer_except_host_policy_id = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
  security_headers_policy_id       = "67f7725c-6f97-4210-82d7-5512b31e9d03"

  origin_id          = "api"
  waf_logging        = var.waf_log_retention_days != null
  cloudfront_zone_id = "Z2FDTNDATAQYW2" # every distribution's alias target zone
}

# --------------------------------------------------------------------------- the origin: the API's custom domain

resource "aws_apigatewayv2_domain_name" "origin" {
  domain_name = var.origin_domain_name
  tags        = var.tags

  domain_name_configuration {
    certificate_arn = var.origin_certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }
}

resource "aws_apigatewayv2_api_mapping" "origin" {
  api_id      = var.api_id
  domain_name = aws_apigatewayv2_domain_name.origin.id
  stage       = var.api_stage
}

# --------------------------------------------------------------------------- the web ACL (us-east-1: CloudFront scope)

resource "aws_wafv2_web_acl" "this" {
  #checkov:skip=CKV_AWS_192:The functions are Python (no Log4j); this ACL holds the per-client limits, managed rule groups are a separate choice with their own cost.
  provider = aws.us_east_1

  name        = var.name
  description = "Per-client limits of the credential routes (resources.json throttling.per_client)"
  scope       = "CLOUDFRONT"
  tags        = var.tags

  default_action {
    allow {}
  }

  custom_response_body {
    key          = local.too_many_requests_key
    content      = jsonencode(local.too_many_requests)
    content_type = "APPLICATION_JSON"
  }

  dynamic "rule" {
    for_each = local.rules
    content {
      name     = rule.value.name
      priority = rule.value.priority

      action {
        block {
          custom_response {
            response_code            = 429
            custom_response_body_key = local.too_many_requests_key
            # The whole window: WAF lets the address in again once its count over
            # the window falls below the limit, at the latest after one window.
            response_header {
              name  = "Retry-After"
              value = tostring(rule.value.window)
            }
          }
        }
      }

      statement {
        rate_based_statement {
          limit                 = rule.value.limit
          evaluation_window_sec = rule.value.window
          aggregate_key_type    = "IP" # the connection's address, never X-Forwarded-For

          scope_down_statement {
            and_statement {
              statement {
                byte_match_statement {
                  search_string         = rule.value.method
                  positional_constraint = "EXACTLY"
                  field_to_match {
                    method {}
                  }
                  text_transformation {
                    priority = 0
                    type     = "NONE"
                  }
                }
              }
              statement {
                byte_match_statement {
                  search_string         = rule.value.path
                  positional_constraint = "EXACTLY"
                  field_to_match {
                    uri_path {}
                  }
                  # API Gateway routes a percent-encoded path decoded: so does the match.
                  text_transformation {
                    priority = 0
                    type     = "URL_DECODE"
                  }
                }
              }
            }
          }
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${var.name}-${rule.value.name}"
        sampled_requests_enabled   = true
      }
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }
}

# Optional: the refused requests only, without their Authorization header.
module "waf_log_key" {
  source = "../kms"
  count  = local.waf_logging ? 1 : 0
  providers = {
    aws = aws.us_east_1
  }

  alias              = "${var.name}-waf-logs"
  description        = "Shop: encryption of the WAF log of refused requests (us-east-1)"
  source_name_prefix = var.name
  tags               = var.tags
}

resource "aws_cloudwatch_log_group" "waf" {
  #checkov:skip=CKV_AWS_338:Retention is the waf_log_retention_days option; a year of refused requests is rarely worth its cost.
  provider = aws.us_east_1
  count    = local.waf_logging ? 1 : 0

  name              = "aws-waf-logs-${var.name}" # WAF's required prefix
  retention_in_days = var.waf_log_retention_days
  kms_key_id        = module.waf_log_key[0].key_arn
  tags              = var.tags
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  provider = aws.us_east_1
  count    = local.waf_logging ? 1 : 0

  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf[0].arn]

  redacted_fields {
    single_header {
      name = "authorization"
    }
  }

  logging_filter {
    default_behavior = "DROP"
    filter {
      behavior    = "KEEP"
      requirement = "MEETS_ANY"
      condition {
        action_condition {
          action = "BLOCK"
        }
      }
    }
  }
}

# --------------------------------------------------------------------------- the distribution

resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_86:API Gateway's access log records every request that reaches the API (JSON, request id); WAF's metrics, samples and optional log record the refused ones.
  #checkov:skip=CKV_AWS_305:An API has no default root object: `/` is a route like any other.
  #checkov:skip=CKV_AWS_310:One origin, the API's custom domain; a regional failover is the multi-region runbook's (terraform/README.md).
  #checkov:skip=CKV_AWS_374:The shop sells wherever its customers are: no geo restriction.
  #checkov:skip=CKV2_AWS_47:The functions are Python (no Log4j); the web ACL holds the per-client limits.
  #checkov:skip=CKV2_AWS_32:The managed SecurityHeadersPolicy is attached (a fixed id checkov does not resolve).
  provider = aws.us_east_1

  comment         = "${var.name}: the API behind AWS WAF (per-client limits)"
  enabled         = true
  is_ipv6_enabled = true
  http_version    = "http2and3"
  price_class     = var.price_class
  aliases         = [var.domain_name]
  web_acl_id      = aws_wafv2_web_acl.this.arn
  tags            = var.tags

  origin {
    origin_id   = local.origin_id
    domain_name = aws_apigatewayv2_domain_name.origin.domain_name

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
      origin_read_timeout    = 30 # the API's integrations time out at 29 s
    }
  }

  default_cache_behavior {
    target_origin_id           = local.origin_id
    viewer_protocol_policy     = "https-only" # a redirect would lose a POST's body
    allowed_methods            = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods             = ["GET", "HEAD"]
    cache_policy_id            = local.caching_disabled_policy_id
    origin_request_policy_id   = local.all_viewer_except_host_policy_id
    response_headers_policy_id = local.security_headers_policy_id
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = var.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }

  depends_on = [aws_apigatewayv2_api_mapping.origin]
}

# --------------------------------------------------------------------------- DNS (optional: Route 53)

resource "aws_route53_record" "api" {
  for_each = var.route53_zone_id == null ? toset([]) : toset(["A", "AAAA"])

  zone_id = var.route53_zone_id
  name    = var.domain_name
  type    = each.key

  alias {
    name                   = aws_cloudfront_distribution.this.domain_name
    zone_id                = local.cloudfront_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "origin" {
  count = var.route53_zone_id == null ? 0 : 1

  zone_id = var.route53_zone_id
  name    = var.origin_domain_name
  type    = "A"

  alias {
    name                   = aws_apigatewayv2_domain_name.origin.domain_name_configuration[0].target_domain_name
    zone_id                = aws_apigatewayv2_domain_name.origin.domain_name_configuration[0].hosted_zone_id
    evaluate_target_health = false
  }
}
