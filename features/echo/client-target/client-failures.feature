@client-target
Feature: echo clients facing a server that misbehaves
  A server that closes or resets before the whole echo, stalls, or never echoes ends the
  call with a reported error within the client's timeout: never a complete echo, never a hang.

  Background:
    Given the client under test is started

  @SRS-ECHO-103
  Scenario: a server that closes in the middle of the echo
    When the client is told to send "hello, echo"
    Then the suite receives exactly "hello, echo"
    When the suite answers "hello" and closes the connection
    Then the client may report receiving "hello"
    And the client reports the connection closed

  @SRS-ECHO-103
  Scenario: a server that closes without echoing anything
    When the client is told to send "hello, echo"
    Then the suite receives exactly "hello, echo"
    When the suite answers "" and closes the connection
    Then the client reports the connection closed

  @SRS-ECHO-103
  Scenario: a server that resets in the middle of the echo
    When the client is told to send "hello, echo"
    Then the suite receives exactly "hello, echo"
    When the suite answers "hello" and resets the connection
    Then the client may report receiving "hello"
    And the client reports the connection closed or an error

  @SRS-ECHO-104
  Scenario: a server that never echoes
    When the client is told to send "hello, echo"
    Then the suite receives exactly "hello, echo"
    Then the client reports a timeout within its timeout

  @SRS-ECHO-104
  Scenario: a server that stalls in the middle of the echo
    When the client is told to send "hello, echo"
    Then the suite receives exactly "hello, echo"
    When the suite answers "hello"
    Then the client may report receiving "hello"
    And the client reports a timeout within its timeout
