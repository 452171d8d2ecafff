Feature: Cart
  A signed-in customer keeps a cart of catalog products, priced at the catalog's current
  prices; each customer sees only their own cart.

  Background:
    Given a signed-in customer "Ann"
    And a product picked from the catalog

  Scenario: A new customer has an empty cart
    When I GET "/cart" as "Ann"
    Then the response status is 200
    And the cart is empty with a total of 0 EUR

  Scenario: Adding a product computes the totals
    When "Ann" puts 2 of the product in the cart
    Then the response status is 200
    And the cart holds 2 of the product at its catalog price
    And the total is 2 times the product's price and the item count is 2

  Scenario: Changing the quantity of a line
    Given "Ann" has 2 of the product in the cart
    When "Ann" puts 5 of the product in the cart
    Then the response status is 200
    And the cart holds 5 of the product at its catalog price
    When I GET "/cart" as "Ann"
    Then the cart holds 5 of the product at its catalog price
    And the total is 5 times the product's price and the item count is 5

  Scenario Outline: A bad quantity is rejected
    When "Ann" puts <quantity> of the product in the cart
    Then the response is a problem with status 400
    And the problem names the field "quantity"

    Examples:
      | quantity |
      | 0        |
      | 100      |
      | "x"      |

  Scenario: An unknown product cannot be added
    When I PUT "/cart/items/no-such-product" as "Ann" with body {"quantity": 1}
    Then the response is a problem with status 404

  Scenario: Removing a line
    Given "Ann" has 2 of the product in the cart
    When I DELETE "/cart/items/{product_id}" as "Ann"
    Then the response status is 200
    And the cart is empty with a total of 0 EUR

  Scenario: Removing a line that is not in the cart
    When I DELETE "/cart/items/{product_id}" as "Ann"
    Then the response is a problem with status 404

  Scenario: Clearing the cart
    Given "Ann" has 2 of the product in the cart
    When I DELETE "/cart" as "Ann"
    Then the response status is 204
    When I GET "/cart" as "Ann"
    Then the cart is empty with a total of 0 EUR

  Scenario: An anonymous visitor has no cart
    When I GET "/cart" anonymously
    Then the response is a problem with status 401

  Scenario: Two customers' carts are separate
    Given a signed-in customer "Bob"
    And "Ann" has 2 of the product in the cart
    When I GET "/cart" as "Bob"
    Then the cart is empty with a total of 0 EUR
    When I DELETE "/cart/items/{product_id}" as "Bob"
    Then the response is a problem with status 404
    When I GET "/cart" as "Ann"
    Then the cart holds 2 of the product at its catalog price

  Scenario: A line past the largest amount is refused and nothing is saved
    Given a product "Feature Yacht" priced 10000000000.00 EUR with 5 in stock
    When "Ann" puts 2 of the product in the cart
    Then the response is a problem with status 422
    When I GET "/cart" as "Ann"
    Then the response field "items" has 0 items
