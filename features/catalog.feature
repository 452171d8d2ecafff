Feature: Catalog
  Anyone browses the products; only the admin adds, changes and deletes them.

  Scenario: Anyone lists the seeded catalog
    When an anonymous visitor lists products with "limit=100"
    Then the response status is 200
    And the page holds at least 20 products in at least 4 categories
    And the page is sorted by name

  Scenario: Filtering by category
    When an anonymous visitor lists products with "category=books"
    Then the response status is 200
    And the page holds at least 1 product
    And every product on the page is in category "books"

  Scenario: Searching by name
    When an anonymous visitor lists products with "q=MOUSE"
    Then the response status is 200
    And the page holds at least 1 product
    And every product name on the page contains "mouse" in any case

  Scenario: Paging through the catalog with next_cursor
    When an anonymous visitor pages through the catalog 6 products at a time
    Then every page but the last holds 6 products
    And no product appears twice across at least 4 pages

  Scenario: A forged cursor is rejected
    When an anonymous visitor lists products with "cursor=eyJhZnRlciI6InoifQ.Zm9yZ2Vk"
    Then the response status is 400
    And the response is a problem about "cursor"

  Scenario: Getting one product, and an unknown one
    Given the admin has created a product named "Feature Lamp"
    When an anonymous visitor gets that product
    Then the response status is 200
    And the product is named "Feature Lamp"
    When an anonymous visitor gets the product "no-such-product"
    Then the response status is 404

  Scenario: The admin creates a product and a customer sees it
    Given a signed-in customer
    When the admin creates a product named "Feature Kettle" priced 2599 EUR with 4 in stock
    Then the response status is 201
    And the response has a Location header for the product
    And the customer finds "Feature Kettle" in its category with 4 in stock

  Scenario: A customer cannot create a product
    Given a signed-in customer
    When the customer tries to create a product
    Then the response status is 403

  Scenario: An anonymous visitor cannot create a product
    When an anonymous visitor tries to create a product
    Then the response status is 401

  Scenario: A SKU is taken once
    Given the admin has created a product named "Feature Teapot"
    When the admin creates another product with the same SKU
    Then the response status is 409

  Scenario Outline: A bad price is rejected
    When the admin creates a product priced <price>
    Then the response status is 400
    And the response is a problem about "price"

    Examples:
      | price                                  |
      | {"amount": -1, "currency": "EUR"}      |
      | {"amount": 9.99, "currency": "EUR"}    |
      | {"amount": 999, "currency": "euro"}    |
      | 12.5                                   |

  Scenario: The admin changes a product
    Given the admin has created a product named "Feature Mug"
    When the admin changes that product to name "Feature Big Mug" and stock 9
    Then the response status is 200
    And the product is named "Feature Big Mug"
    And the customer finds "Feature Big Mug" in its category with 9 in stock

  Scenario: A deleted product leaves the listing
    Given the admin has created a product named "Feature Vase"
    When the admin deletes that product
    Then the response status is 204
    And its category lists no products
    When an anonymous visitor gets that product
    Then the response status is 404
