Feature: Payments
  A customer sees the payments of their own orders and nothing of anyone else's.
  (Charges and refunds are driven by the checkout saga: see checkout.feature.)

  Scenario: A customer with no payment for an order gets 404
    Given a signed-in customer "Pat"
    When I GET "/payments?order_id=no-such-order"
    Then the response is a problem with status 404
    And the response has no field "items"

  Scenario: An anonymous caller gets 401
    When I GET "/payments?order_id=no-such-order" anonymously
    Then the response is a problem with status 401
    And the response has no field "items"

  Scenario: The order id is required
    Given a signed-in customer "Pat"
    When I GET "/payments"
    Then the response is a problem with status 400
    And the problem names the field "order_id"
    And the response has no field "items"
