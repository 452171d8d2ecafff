# The public HTTP API: one API Gateway HTTP API, a $default stage with JSON
# access logs (request id first) and throttling (stage default + per route), CORS,
# a Cognito JWT authorizer,
# one route per route of resources.json with a Lambda proxy integration
# (payload format 2.0) and the permission for API Gateway to invoke it.
#
# Authorization by resources.json `auth`:
#   public   -> authorization_type NONE (explicitly: no authorizer)
#   customer -> JWT (any signed-in user of the pool)
#   admin    -> JWT as well: API Gateway verifies the token; the handler then
#               requires the `admin` group in the `cognito:groups` claim
#               (shop.platform.http.require_admin), answering 403 otherwise.
#               HTTP API JWT authorizers can only check scopes, not groups.
#
# No dependency cycle with the functions: the functions get SHOP_API_URL from
# aws_apigatewayv2_api.this (created first); the integrations, routes and
# permissions below come after the functions.

locals {
  authorization_type = {
    public   = "NONE"
    customer = "JWT"
    admin    = "JWT"
  }
}

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  description   = var.description
  protocol_type = "HTTP"
  tags          = var.tags

  # Behind modules/edge the custom domain is the only way in: nothing bypasses the web ACL.
  disable_execute_api_endpoint = var.disable_execute_api_endpoint

  # resources.json `cors`; no origins = no CORS configuration at all.
  dynamic "cors_configuration" {
    for_each = length(var.cors.allow_origins) == 0 ? [] : [var.cors]
    content {
      allow_origins  = cors_configuration.value.allow_origins
      allow_methods  = cors_configuration.value.allow_methods
      allow_headers  = cors_configuration.value.allow_headers
      expose_headers = cors_configuration.value.expose_headers
      max_age        = cors_configuration.value.max_age_seconds
    }
  }
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  api_id           = aws_apigatewayv2_api.this.id
  name             = "cognito"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = var.jwt_issuer
    audience = var.jwt_audience
  }
}

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_338:Retention is a per-stage variable (log_retention_days); one year is too costly for dev stages.
  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true
  tags        = var.tags

  # resources.json `throttling`: the default for every route, and the listed
  # routes (sign-up, login, refresh) with tighter limits of their own.
  default_route_settings {
    throttling_burst_limit   = var.throttling_default.burst
    throttling_rate_limit    = var.throttling_default.rate
    detailed_metrics_enabled = true
  }

  dynamic "route_settings" {
    for_each = var.route_throttling
    content {
      route_key                = route_settings.key
      throttling_burst_limit   = route_settings.value.burst
      throttling_rate_limit    = route_settings.value.rate
      detailed_metrics_enabled = true
    }
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      requestTime        = "$context.requestTime"
      httpMethod         = "$context.httpMethod"
      routeKey           = "$context.routeKey"
      path               = "$context.path"
      status             = "$context.status"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationLatency = "$context.integrationLatency"
      integrationError   = "$context.integrationErrorMessage"
      authorizerError    = "$context.authorizer.error"
      sourceIp           = "$context.identity.sourceIp"
      userAgent          = "$context.identity.userAgent"
      userId             = "$context.authorizer.claims.sub"
    })
  }

  # Route settings name routes that must exist first.
  depends_on = [aws_apigatewayv2_route.this]
}

resource "aws_apigatewayv2_integration" "lambda" {
  for_each = var.functions

  api_id                 = aws_apigatewayv2_api.this.id
  description            = "Lambda ${each.value.function_name}"
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = each.value.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = var.integration_timeout_milliseconds
}

resource "aws_apigatewayv2_route" "this" {
  #checkov:skip=CKV_AWS_309:Routes marked "public" in resources.json (health, sign-up, login, catalog reads) must be reachable without a token; all others use the JWT authorizer.
  for_each = var.routes

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = "${each.value.method} ${each.value.path}"
  target             = "integrations/${aws_apigatewayv2_integration.lambda[each.value.function].id}"
  authorization_type = local.authorization_type[each.value.auth]
  authorizer_id      = local.authorization_type[each.value.auth] == "JWT" ? aws_apigatewayv2_authorizer.jwt.id : null
}

resource "aws_lambda_permission" "api" {
  for_each = var.functions

  statement_id  = "AllowHttpApiInvoke"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/*"
}
