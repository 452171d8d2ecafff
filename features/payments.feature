Feature: Payments
  A customer sees the payments of their own orders and nothing of anyone else's.
  (Charges and refunds are driven by the checkout saga: see checkout.feature.)

  Scenario: A customer with no payment for an order gets 404
    Given a signed-in payments customer
    When the customer asks for the payments of an unknown order
    Then the payments answer is a 404 problem

  Scenario: An anonymous caller gets 401
    When an anonymous caller asks for the payments of an unknown order
    Then the payments answer is a 401 problem

  Scenario: The order id is required
    Given a signed-in payments customer
    When the customer asks for payments without an order id
    Then the payments answer is a 400 problem naming the field "order_id"
