Feature: Cart
  A signed-in customer keeps a cart of catalog products, priced at the catalog's current
  prices; each customer sees only their own cart.

  Background:
    Given a signed-in customer "Ann"
    And a product picked from the catalog

  Scenario: A new customer has an empty cart
    When "Ann" looks at the cart
    Then the cart answer is 200
    And the cart is empty with a total of 0 EUR

  Scenario: Adding a product computes the totals
    When "Ann" puts 2 of the product in the cart
    Then the cart answer is 200
    And the cart holds 2 of the product at its catalog price
    And the total is 2 times the product's price and the item count is 2

  Scenario: Changing the quantity of a line
    Given "Ann" has put 2 of the product in the cart
    When "Ann" puts 5 of the product in the cart
    Then the cart answer is 200
    And the cart holds 5 of the product at its catalog price
    When "Ann" looks at the cart
    Then the cart holds 5 of the product at its catalog price
    And the total is 5 times the product's price and the item count is 5

  Scenario Outline: A bad quantity is rejected
    When "Ann" puts the quantity <quantity> of the product in the cart
    Then the cart answer is 400
    And the cart problem names the field "quantity"

    Examples:
      | quantity |
      | 0        |
      | 100      |
      | "x"      |

  Scenario: An unknown product cannot be added
    When "Ann" puts 1 of the product "no-such-product" in the cart
    Then the cart answer is 404

  Scenario: Removing a line
    Given "Ann" has put 2 of the product in the cart
    When "Ann" removes the product from the cart
    Then the cart answer is 200
    And the cart is empty with a total of 0 EUR

  Scenario: Removing a line that is not in the cart
    When "Ann" removes the product from the cart
    Then the cart answer is 404

  Scenario: Clearing the cart
    Given "Ann" has put 2 of the product in the cart
    When "Ann" clears the cart
    Then the cart answer is 204
    When "Ann" looks at the cart
    Then the cart is empty with a total of 0 EUR

  Scenario: An anonymous visitor has no cart
    When an anonymous visitor looks at the cart
    Then the cart answer is 401

  Scenario: Two customers' carts are separate
    Given a signed-in customer "Bob"
    And "Ann" has put 2 of the product in the cart
    When "Bob" looks at the cart
    Then the cart is empty with a total of 0 EUR
    When "Bob" removes the product from the cart
    Then the cart answer is 404
    When "Ann" looks at the cart
    Then the cart holds 2 of the product at its catalog price
