# The API's contract, planned with a mocked provider (nothing reaches AWS): run by
# tests/terraform/test_module_tests.py. That every route of resources.json gets the auth
# docs/api.md gives it is tests/terraform/test_routes.py's.

# The provider checks the ARNs the stage and the permissions are given: mocked ones look real.
mock_provider "aws" {
  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      execution_arn = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/shop-test/access"
    }
  }
}

variables {
  name         = "shop-test"
  jwt_issuer   = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool"
  jwt_audience = ["client"]
  kms_key_arn  = "arn:aws:kms:eu-west-1:123456789012:key/system"
  functions = {
    catalog = { function_name = "shop-test-catalog-http", invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/catalog" }
    orders  = { function_name = "shop-test-orders-http", invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/orders" }
  }
  routes = {
    "GET /products"    = { method = "GET", path = "/products", auth = "public", function = "catalog" }
    "POST /orders"     = { method = "POST", path = "/orders", auth = "customer", function = "orders" }
    "GET /admin/stats" = { method = "GET", path = "/admin/stats", auth = "admin", function = "orders" }
    "POST /auth/login" = { method = "POST", path = "/auth/login", auth = "public", function = "catalog" }
  }
  route_throttling = { "POST /auth/login" = { burst = 5, rate = 1 } }
}

# Applied: the authorizer's and the integrations' ids are known once the mocked resources exist.
run "each_route_with_the_authorization_of_its_auth" {

  assert {
    condition = { for key, route in aws_apigatewayv2_route.this : key => [route.route_key, route.authorization_type] } == {
      "GET /products"    = ["GET /products", "NONE"]
      "POST /orders"     = ["POST /orders", "JWT"]
      "GET /admin/stats" = ["GET /admin/stats", "JWT"]
      "POST /auth/login" = ["POST /auth/login", "NONE"]
    }
    error_message = "public: no authorizer; customer and admin: the JWT authorizer (the handler checks the admin group)."
  }

  assert {
    condition = alltrue([
      for key, route in aws_apigatewayv2_route.this :
      route.authorizer_id == (var.routes[key].auth == "public" ? null : aws_apigatewayv2_authorizer.jwt.id) &&
      route.target == "integrations/${aws_apigatewayv2_integration.lambda[var.routes[key].function].id}"
    ])
    error_message = "A JWT route names the authorizer, a public one none; each route targets its function's integration."
  }

  assert {
    condition = (
      aws_apigatewayv2_authorizer.jwt.authorizer_type == "JWT" &&
      aws_apigatewayv2_authorizer.jwt.identity_sources == toset(["$request.header.Authorization"]) &&
      aws_apigatewayv2_authorizer.jwt.jwt_configuration[0].issuer == var.jwt_issuer &&
      aws_apigatewayv2_authorizer.jwt.jwt_configuration[0].audience == toset(var.jwt_audience)
    )
    error_message = "The authorizer verifies the pool's JWTs from the Authorization header, for the app client."
  }

  assert {
    condition = alltrue([
      for integration in aws_apigatewayv2_integration.lambda :
      integration.integration_type == "AWS_PROXY" && integration.payload_format_version == "2.0" && integration.timeout_milliseconds == 29000
    ]) && toset(keys(aws_apigatewayv2_integration.lambda)) == toset(["catalog", "orders"])
    error_message = "One Lambda proxy integration per function, payload 2.0, under the 30 s cap."
  }

  assert {
    condition = alltrue([
      for key, permission in aws_lambda_permission.api :
      permission.principal == "apigateway.amazonaws.com" && permission.action == "lambda:InvokeFunction" && permission.function_name == var.functions[key].function_name &&
      permission.source_arn == "${aws_apigatewayv2_api.this.execution_arn}/*/*"
    ])
    error_message = "This API, and nothing else through this permission, may invoke each function."
  }
}

run "a_default_stage_throttled_with_json_access_logs_encrypted_with_the_given_key" {
  command = plan

  assert {
    condition     = aws_apigatewayv2_api.this.name == "shop-test" && aws_cloudwatch_log_group.access.name == "/aws/apigateway/shop-test/access"
    error_message = "The API is named as given, its access log group /aws/apigateway/<name>/access."
  }

  assert {
    condition     = aws_cloudwatch_log_group.access.kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.access.retention_in_days == 30
    error_message = "The access logs are encrypted with the customer managed key and expire."
  }

  assert {
    condition = (
      aws_apigatewayv2_stage.default.name == "$default" && aws_apigatewayv2_stage.default.auto_deploy &&
      jsondecode(aws_apigatewayv2_stage.default.access_log_settings[0].format).requestId == "$context.requestId"
    )
    error_message = "The $default stage, deployed on change, logs JSON lines with the request id."
  }

  assert {
    condition = (
      aws_apigatewayv2_stage.default.default_route_settings[0].throttling_burst_limit == 200 &&
      aws_apigatewayv2_stage.default.default_route_settings[0].throttling_rate_limit == 100 &&
      [for s in aws_apigatewayv2_stage.default.route_settings : [s.route_key, s.throttling_burst_limit, s.throttling_rate_limit]] == [["POST /auth/login", 5, 1]]
    )
    error_message = "Every route throttled by the stage's default, the listed routes by their own limits."
  }

  assert {
    condition     = length(aws_apigatewayv2_api.this.cors_configuration) == 0 && !aws_apigatewayv2_api.this.disable_execute_api_endpoint
    error_message = "No CORS without origins; the execute-api endpoint on unless the edge is in front."
  }
}

run "refuses_an_auth_the_api_does_not_know" {
  command = plan

  variables {
    routes = { "GET /products" = { method = "GET", path = "/products", auth = "staff", function = "catalog" } }
  }

  expect_failures = [var.routes]
}

run "refuses_a_throttled_route_that_is_no_route" {
  command = plan

  variables {
    route_throttling = { "POST /auth/logout" = { burst = 5, rate = 1 } }
  }

  expect_failures = [var.route_throttling]
}

run "refuses_an_integration_timeout_above_the_http_apis_cap" {
  command = plan

  variables {
    integration_timeout_milliseconds = 60000
  }

  expect_failures = [var.integration_timeout_milliseconds]
}
