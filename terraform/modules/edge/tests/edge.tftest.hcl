# The edge's rules from resources.json, planned with mocked providers (nothing
# reaches AWS): run by tests/terraform/test_edge.py.

mock_provider "aws" {}

mock_provider "aws" {
  alias = "us_east_1"

  mock_data "aws_iam_policy_document" { # the WAF log's key policy
    defaults = {
      json = "{}"
    }
  }
}

variables {
  name                   = "shop-test"
  api_id                 = "a1b2c3"
  domain_name            = "api.shop.example"
  certificate_arn        = "arn:aws:acm:us-east-1:123456789012:certificate/cloudfront"
  origin_domain_name     = "origin.api.shop.example"
  origin_certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/api"
  per_client             = jsondecode(file("../../../src/shop/resources.json")).throttling.per_client
}

run "one_rate_based_rule_per_per_client_entry_with_its_numbers" {
  command = plan

  assert {
    condition     = length(aws_wafv2_web_acl.this.rule) == length(var.per_client)
    error_message = "One rule per resources.json throttling.per_client entry, no more, no less."
  }

  assert {
    condition = alltrue([
      for key, limit in var.per_client : length([
        for rule in aws_wafv2_web_acl.this.rule : rule
        if rule.statement[0].rate_based_statement[0].limit == limit.limit &&
        rule.statement[0].rate_based_statement[0].evaluation_window_sec == limit.window_seconds &&
        rule.statement[0].rate_based_statement[0].aggregate_key_type == "IP" &&
        join(" ", [
          for match in rule.statement[0].rate_based_statement[0].scope_down_statement[0].and_statement[0].statement :
          match.byte_match_statement[0].search_string if match.byte_match_statement[0].positional_constraint == "EXACTLY"
        ]) == key &&
        length(rule.statement[0].rate_based_statement[0].scope_down_statement[0].and_statement[0].statement[0].byte_match_statement[0].field_to_match[0].method) == 1 &&
        length(rule.statement[0].rate_based_statement[0].scope_down_statement[0].and_statement[0].statement[1].byte_match_statement[0].field_to_match[0].uri_path) == 1
      ]) == 1
    ])
    error_message = "Each per_client entry needs exactly one rule counting per client IP with its limit and window, scoped down to exactly its method and path."
  }

  assert {
    condition = alltrue([
      for rule in aws_wafv2_web_acl.this.rule :
      rule.action[0].block[0].custom_response[0].response_code == 429 &&
      rule.action[0].block[0].custom_response[0].custom_response_body_key == one(aws_wafv2_web_acl.this.custom_response_body).key &&
      one(rule.action[0].block[0].custom_response[0].response_header).name == "Retry-After" &&
      one(rule.action[0].block[0].custom_response[0].response_header).value == tostring(rule.statement[0].rate_based_statement[0].evaluation_window_sec)
    ])
    error_message = "A refusal is a 429 with the problem body and Retry-After (the rule's window)."
  }

  assert {
    condition     = jsondecode(one(aws_wafv2_web_acl.this.custom_response_body).content).status == 429 && one(aws_wafv2_web_acl.this.custom_response_body).content_type == "APPLICATION_JSON"
    error_message = "The body is the 429 problem, as JSON."
  }

  assert {
    condition     = aws_wafv2_web_acl.this.scope == "CLOUDFRONT" && length(aws_wafv2_web_acl.this.default_action[0].allow) == 1
    error_message = "A CloudFront web ACL that lets everything else through."
  }
}

run "the_distribution_forwards_every_header_caches_nothing_and_uses_the_acl" {
  command = plan

  assert {
    condition = (
      aws_cloudfront_distribution.this.default_cache_behavior[0].cache_policy_id == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" &&
      aws_cloudfront_distribution.this.default_cache_behavior[0].origin_request_policy_id == "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    )
    error_message = "Managed-CachingDisabled and Managed-AllViewerExceptHostHeader (Authorization, Idempotency-Key, If-Match, X-Request-Id, Content-Type reach the API)."
  }

  assert {
    condition     = length(setsubtract(["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"], aws_cloudfront_distribution.this.default_cache_behavior[0].allowed_methods)) == 0
    error_message = "Every method the API has passes."
  }

  assert {
    condition = (
      one(aws_cloudfront_distribution.this.origin).domain_name == var.origin_domain_name &&
      one(aws_cloudfront_distribution.this.origin).custom_origin_config[0].origin_protocol_policy == "https-only" &&
      aws_cloudfront_distribution.this.default_cache_behavior[0].viewer_protocol_policy == "https-only" &&
      aws_cloudfront_distribution.this.viewer_certificate[0].minimum_protocol_version == "TLSv1.2_2021" &&
      aws_cloudfront_distribution.this.aliases == toset([var.domain_name])
    )
    error_message = "HTTPS only, to the API's custom domain, under the clients' name."
  }

  assert {
    condition     = aws_apigatewayv2_api_mapping.origin.api_id == var.api_id && aws_apigatewayv2_api_mapping.origin.stage == "$default"
    error_message = "The custom domain maps to the API's $default stage."
  }

  assert {
    condition     = length(aws_route53_record.api) == 0 && length(aws_route53_record.origin) == 0 && length(aws_wafv2_web_acl_logging_configuration.this) == 0
    error_message = "Without a zone no DNS records; without a retention no WAF log."
  }
}

run "route53_and_the_waf_log_when_asked" {
  command = plan

  variables {
    route53_zone_id        = "Z0123456789ABC"
    waf_log_retention_days = 30
  }

  assert {
    condition     = toset(keys(aws_route53_record.api)) == toset(["A", "AAAA"]) && aws_route53_record.origin[0].name == var.origin_domain_name
    error_message = "Alias records for the clients' name (IPv4 and IPv6) and for the origin."
  }

  assert {
    condition = (
      one(aws_wafv2_web_acl_logging_configuration.this[0].redacted_fields).single_header[0].name == "authorization" &&
      one(aws_wafv2_web_acl_logging_configuration.this[0].logging_filter).default_behavior == "DROP" &&
      startswith(aws_cloudwatch_log_group.waf[0].name, "aws-waf-logs-") &&
      aws_cloudwatch_log_group.waf[0].retention_in_days == 30
    )
    error_message = "The WAF log keeps refused requests only, without their Authorization header."
  }
}

run "a_limit_waf_cannot_count_is_refused" {
  command = plan

  variables {
    per_client = { "POST /auth/login" = { limit = 5, window_seconds = 30 } }
  }

  expect_failures = [var.per_client]
}

run "a_route_with_a_path_parameter_is_refused" {
  command = plan

  variables {
    per_client = { "POST /products/{product_id}/views" = { limit = 10, window_seconds = 60 } }
  }

  expect_failures = [var.per_client]
}
