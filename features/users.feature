Feature: Customer accounts
  A visitor registers with an e-mail address, a password and a name, can log in at
  once, keeps a session alive with the refresh token, and manages a profile with
  a name and shipping addresses.

  Scenario: A new customer registers and logs in at once
    When a visitor registers as "ada" with password "Secret123"
    Then the users response status is 201
    And the response holds the new account of "ada"
    When "ada" logs in with password "Secret123"
    Then the users response status is 200
    And the response holds bearer tokens

  Scenario: An e-mail address is registered only once
    Given "ada" has registered with password "Secret123"
    When a visitor registers as "ada" with password "Other1234"
    Then the users response status is 409

  Scenario Outline: A weak password is refused
    When a visitor registers as "bob" with password "<password>"
    Then the users response status is 400
    And the problem names the field "password"
    And the response does not contain "<password>"

    Examples:
      | password    |
      | short1      |
      | onlyletters |
      | 1234567890  |

  Scenario: A wrong password and an unknown e-mail are refused alike
    Given "ada" has registered with password "Secret123"
    When "ada" logs in with password "Wrong1234"
    Then the users response status is 401
    And the problem detail is "Wrong e-mail or password."
    When "nobody" logs in with password "Secret123"
    Then the users response status is 401
    And the problem detail is "Wrong e-mail or password."

  Scenario: The refresh token gives a new access token
    Given "ada" has registered with password "Secret123"
    And "ada" has logged in with password "Secret123"
    When "ada" refreshes the tokens
    Then the users response status is 200
    And the response holds a new access token
    When "ada" asks for the profile with the new access token
    Then the users response status is 200

  Scenario: A customer reads and changes the profile
    Given "ada" has registered with password "Secret123"
    And "ada" has logged in with password "Secret123"
    When "ada" asks for the profile
    Then the users response status is 200
    And the profile of "ada" has the name "Ada" and no addresses
    When "ada" changes the name to "Ada Lovelace" and adds an address in "DE"
    Then the users response status is 200
    When "ada" asks for the profile
    Then the profile of "ada" has the name "Ada Lovelace" and an address in "DE"

  Scenario: A bad address is refused
    Given "ada" has registered with password "Secret123"
    And "ada" has logged in with password "Secret123"
    When "ada" changes the name to "Ada Lovelace" and adds an address in "XX"
    Then the users response status is 400
    And the problem names the field "addresses.0.country"

  Scenario: The profile needs a signed-in customer
    When an anonymous visitor asks for /users/me
    Then the users response status is 401
