@smoke
Feature: Health and the gateway's own answers
  The API says it is alive, describes itself, and answers what no handler answers
  (unknown routes, wrong methods, missing tokens, oversized bodies) with problem details.

  Scenario: The API is healthy
    When I GET "/health"
    Then the response status is 200
    And the response field "status" is "ok"
    And the response has a header "X-Request-Id"

  Scenario: The API describes itself
    When I GET "/openapi.json"
    Then the response status is 200
    And the response field "openapi" starts with "3.1"
    And the response field "paths./health" exists

  Scenario: A request id is echoed
    When I GET "/health" with header "X-Request-Id: health-check-42"
    Then the response header "X-Request-Id" is "health-check-42"

  Scenario: An unknown route is not found
    When I GET "/no/such/route"
    Then the response is a problem with status 404

  Scenario: A known route with the wrong method is not allowed
    When I DELETE "/health"
    Then the response is a problem with status 405
    And the response header "Allow" contains "GET"

  Scenario Outline: A protected route refuses a missing or bad token
    When I GET "/users/me" with the token "<token>"
    Then the response is a problem with status 401
    And the response header "WWW-Authenticate" contains "Bearer"

    Examples:
      | token                                  |
      |                                        |
      | not-a-token                            |
      | eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.   |

  Scenario: A request body over 64 KiB is too large
    When I POST "/users" with a body of 70000 bytes
    Then the response is a problem with status 413

  Scenario: An admin route needs the admin
    Given a registered customer "hilda"
    When I GET "/admin/stats"
    Then the response is a problem with status 403
