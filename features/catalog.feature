Feature: Catalog
  Anyone browses the products; only the admin adds, changes and deletes them.

  Scenario: Anyone lists the seeded catalog
    When I GET "/products?limit=100" anonymously
    Then the response status is 200
    And the page holds at least 20 products in at least 4 categories
    And the page is sorted by name

  Scenario: Filtering by category
    When I GET "/products?category=books" anonymously
    Then the response status is 200
    And the response field "items" has at least 1 items
    And every product on the page is in category "books"

  Scenario: Searching by name
    When I GET "/products?q=MOUSE" anonymously
    Then the response status is 200
    And the response field "items" has at least 1 items
    And every product name on the page contains "mouse" in any case

  Scenario: Paging through the catalog with next_cursor
    When an anonymous visitor pages through the catalog 6 products at a time
    Then every page but the last holds 6 products
    And no product appears twice across at least 4 pages

  Scenario: A forged cursor is rejected
    When I GET "/products?cursor=eyJhZnRlciI6InoifQ.Zm9yZ2Vk" anonymously
    Then the response is a problem with status 400
    And the problem names a field within "cursor"

  Scenario: Getting one product, and an unknown one
    Given a product "Feature Lamp" priced 15.00 EUR with 5 in stock
    When I GET "/products/{product_id}" anonymously
    Then the response status is 200
    And the response field "name" is "Feature Lamp"
    When I GET "/products/no-such-product" anonymously
    Then the response is a problem with status 404

  Scenario: The admin creates a product and a customer sees it
    Given a signed-in customer "Carl"
    When the admin creates a product "Feature Kettle" priced 25.99 EUR with 4 in stock
    Then the response status is 201
    And the response header "Location" is "/products/{product_id}"
    And "Carl" finds "Feature Kettle" in the scenario's category with 4 in stock

  Scenario: A customer cannot create a product
    Given a signed-in customer "Carl"
    When "Carl" tries to create a product
    Then the response is a problem with status 403

  Scenario: An anonymous visitor cannot create a product
    When an anonymous visitor tries to create a product
    Then the response is a problem with status 401

  Scenario: Who may use an admin route is decided before the body is read
    Given a signed-in customer "Carl"
    When I POST "/products" as "Carl" with body {"nonsense": true}
    Then the response is a problem with status 403
    When I POST "/products" as "Carl" with a JSON body nested 1000 deep
    Then the response is a problem with status 403
    When I POST "/products" anonymously with body {"nonsense": true}
    Then the response is a problem with status 401

  Scenario: A SKU is taken once
    Given a product "Feature Teapot" priced 15.00 EUR with 5 in stock
    When the admin creates another product with the same SKU as "Feature Teapot"
    Then the response is a problem with status 409

  Scenario Outline: A bad price is rejected
    When the admin creates a product priced <price>
    Then the response is a problem with status 400
    And the problem names a field within "price"

    Examples:
      | price                                  |
      | {"amount": -1, "currency": "EUR"}      |
      | {"amount": 0, "currency": "EUR"}       |
      | {"amount": 9.99, "currency": "EUR"}    |
      | {"amount": 999, "currency": "euro"}    |
      | 12.5                                   |

  Scenario: The admin changes a product
    Given a product "Feature Mug" priced 15.00 EUR with 5 in stock
    And a signed-in customer "Carl"
    When I PATCH "/products/{product_id}" as the admin with body {"name": "Feature Big Mug", "stock": 9}
    Then the response status is 200
    And the response field "name" is "Feature Big Mug"
    And "Carl" finds "Feature Big Mug" in the scenario's category with 9 in stock

  Scenario: A deleted product leaves the listing
    Given a product "Feature Vase" priced 15.00 EUR with 5 in stock
    When I DELETE "/products/{product_id}" as the admin
    Then the response status is 204
    And the scenario's category lists no products
    When I GET "/products/{product_id}" anonymously
    Then the response is a problem with status 404
