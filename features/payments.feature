@smoke
Feature: Payments
  A customer sees the payments of their own orders and nothing of anyone else's.
  (Charges and refunds are driven by the checkout saga: see checkout.feature.)

  Scenario: An order without a payment, or not the caller's, has an empty list
    Given a signed-in customer "Pat"
    When I GET "/payments?order_id=no-such-order"
    Then the response status is 200
    And the response field "items" has 0 items

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
