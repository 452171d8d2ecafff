Feature: Checkout
  A customer checks out the cart; the order moves through the saga to CONFIRMED, or is
  cancelled (out of stock, payment declined, by the customer) with the stock given back.

  Background:
    Given a product "Mug" priced 12.00 EUR with 5 in stock
    And a signed-in customer "alice"

  Scenario: A checkout is confirmed, the stock taken and the cart emptied
    Given "alice" has 2 "Mug" in the cart
    When "alice" checks out paying with "tok_visa"
    Then the answer is 202 with a PENDING order and its Location
    And the order becomes CONFIRMED
    And the order's total is 24.00 EUR
    And the stock of "Mug" becomes 3
    And the cart of "alice" becomes empty

  Scenario: An order for more than the stock is cancelled as out of stock
    Given "alice" has 3 "Mug" in the cart
    And the admin sets the stock of "Mug" to 1
    When "alice" checks out paying with "tok_visa"
    Then the order becomes CANCELLED because OUT_OF_STOCK
    And the stock of "Mug" becomes 1
    And the cart of "alice" holds 3 "Mug"
    When I GET "/orders/{order_id}" as "alice"
    Then the response field "payment.status" is "NOT_REQUIRED"

  Scenario: A declined payment cancels the order and gives the stock back
    Given "alice" has 2 "Mug" in the cart
    When "alice" checks out paying with "tok_chargeDeclined"
    Then the order becomes CANCELLED because PAYMENT_DECLINED
    And the stock of "Mug" becomes 5

  Scenario: A declined order leaves the cart as it was, ready for another try
    Given "alice" has 2 "Mug" in the cart
    When "alice" checks out paying with "tok_chargeDeclined"
    Then the order becomes CANCELLED because PAYMENT_DECLINED
    And the stock of "Mug" becomes 5
    And the cart of "alice" holds 2 "Mug"
    When "alice" checks out paying with "tok_visa"
    Then the order becomes CONFIRMED
    And the cart of "alice" becomes empty

  Scenario: A customer cancels a confirmed order and is refunded
    Given "alice" has 2 "Mug" in the cart
    And "alice" checked out paying with "tok_visa" and the order is CONFIRMED
    When I POST "/orders/{order_id}/cancel" as "alice"
    Then the response status is 200
    And the response field "status" is "CANCELLED"
    And the payment of the order becomes REFUNDED
    And the stock of "Mug" becomes 5

  Scenario: Retrying a checkout with the same Idempotency-Key places one order and charges once
    Given "alice" has 1 "Mug" in the cart
    When "alice" checks out paying with "tok_visa" with Idempotency-Key "retry-1"
    And "alice" checks out paying with "tok_visa" with Idempotency-Key "retry-1"
    Then every checkout so far answered 202 with the same order
    And the order becomes CONFIRMED
    When "alice" checks out paying with "tok_visa" with Idempotency-Key "retry-1"
    Then every checkout so far answered 202 with the same order
    When I GET "/orders" as "alice"
    Then the response field "items" has 1 items
    When I GET "/payments?order_id={order_id}" as "alice"
    Then the response field "items" has 1 items
    And the stock of "Mug" becomes 4

  Scenario: Another customer cannot see or cancel my order
    Given a signed-in customer "bob"
    And "alice" has 1 "Mug" in the cart
    And "alice" checked out paying with "tok_visa" and the order is CONFIRMED
    When I GET "/orders/{order_id}" as "bob"
    Then the response is a problem with status 404
    When I POST "/orders/{order_id}/cancel" as "bob"
    Then the response is a problem with status 404
    When I GET "/orders/{order_id}" as "alice"
    Then the response field "status" is "CONFIRMED"

  Scenario: Only an admin ships an order, and a shipped order cannot be cancelled
    Given "alice" has 1 "Mug" in the cart
    And "alice" checked out paying with "tok_visa" and the order is CONFIRMED
    When I POST "/orders/{order_id}/ship" as "alice"
    Then the response is a problem with status 403
    When I POST "/orders/{order_id}/ship" as the admin
    Then the response status is 200
    And the response field "status" is "SHIPPED"
    When I POST "/orders/{order_id}/cancel" as "alice"
    Then the response is a problem with status 409

  Scenario: Two tabs checking out one cart at once place one order, the other is told which
    Given "alice" has 1 "Mug" in the cart
    When "alice" checks out from 2 tabs at once, each with its own Idempotency-Key
    Then one checkout answered 202 and the other 409 naming that order and its Location
    And the order becomes CONFIRMED
    And the cart of "alice" shows no order pending
    And the stock of "Mug" becomes 4

  Scenario: A price raised after the customer looked is not charged without asking
    Given "alice" has 1 "Mug" in the cart
    And the admin sets the price of "Mug" to 999.00 EUR
    When "alice" checks out paying with "tok_visa"
    Then the answer is 412 naming "Mug" with the cart's current ETag
    When "alice" checks out the cart of that ETag paying with "tok_visa"
    Then the answer is 202 with a PENDING order and its Location
    And the order's total is 999.00 EUR

  Scenario: A checkout of a cart that changed since the customer read it saves nothing
    Given "alice" has 1 "Mug" in the cart
    And "alice" reads the cart
    And "alice" has 2 "Mug" in the cart
    When "alice" checks out the cart as read paying with "tok_visa"
    Then the answer is 412 with the cart's current ETag
    When I GET "/orders" as "alice"
    Then the response field "items" has 0 items

  Scenario: As soon as an order shows CONFIRMED the cart no longer shows what it took
    Given "alice" has 1 "Mug" in the cart
    When "alice" checks out 3 times, reading the cart as soon as each order shows CONFIRMED
    Then each time the cart showed no "Mug" and no order pending
