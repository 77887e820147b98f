@client-target
Feature: oneline clients facing a server that misbehaves
  A response the client cannot decode is a protocol error, never data; a server that
  closes, resets, stalls or never answers ends the call with a reported error within the
  client's timeout. The client's timeout and maximum are the ones it announces.

  Background:
    Given the client under test is started

  @SRS-ONELINE-103
  Scenario Outline: a response that is not UTF-8 (<class>) is a protocol error, not data
    When the client is told to send "ping" expecting 1 response
    Then the suite receives exactly "ping\n"
    When the suite answers "<bytes>\n"
    Then the client reports a protocol error

    Examples:
      | class                  | bytes        |
      | lone continuation byte | po\x80ng     |
      | overlong slash         | \xc0\xaf     |
      | UTF-16 surrogate       | \xed\xa0\x80 |
      | truncated sequence     | pong\xe2\x82 |

  @SRS-ONELINE-103
  Scenario: an invalid response after a valid one is still a protocol error
    When the client is told to send "multi 2" expecting 2 responses
    Then the suite receives exactly "multi 2\n"
    When the suite answers "line 1\nline \xff\n"
    Then the client may report receiving "line 1"
    And the client reports a protocol error

  @SRS-ONELINE-104
  Scenario: a response line one byte over the client's maximum is a protocol error
    When the client is told to send "big" expecting 1 response
    Then the suite receives exactly "big\n"
    When the suite answers "x" repeated to one byte over the client's maximum, then "\n"
    Then the client reports a protocol error

  @SRS-ONELINE-104
  Scenario: a response line of exactly the client's maximum is delivered
    When the client is told to send "big" expecting 1 response
    Then the suite receives exactly "big\n"
    When the suite answers "y" repeated to the client's maximum, then "\n"
    Then the client reports receiving "y" repeated to the client's maximum
    And the client reports the call done

  @SRS-ONELINE-105
  Scenario: a server that closes in the middle of a response
    When the client is told to send "ping" expecting 1 response
    Then the suite receives exactly "ping\n"
    When the suite answers "po" and closes the connection
    Then the client reports the connection closed

  @SRS-ONELINE-105
  Scenario: a server that closes after the first of three responses
    When the client is told to send "multi 3" expecting 3 responses
    Then the suite receives exactly "multi 3\n"
    When the suite answers "line 1\nli" and closes the connection
    Then the client may report receiving "line 1"
    And the client reports the connection closed

  @SRS-ONELINE-105
  Scenario: a server that resets in the middle of a response
    When the client is told to send "ping" expecting 1 response
    Then the suite receives exactly "ping\n"
    When the suite answers "po" and resets the connection
    Then the client reports the connection closed or an error

  @SRS-ONELINE-106
  Scenario: a server that never answers
    When the client is told to send "ping" expecting 1 response
    Then the suite receives exactly "ping\n"
    Then the client reports a timeout within its timeout

  @SRS-ONELINE-106
  Scenario: a server that stalls in the middle of a response
    When the client is told to send "ping" expecting 1 response
    Then the suite receives exactly "ping\n"
    When the suite answers "po"
    Then the client reports a timeout within its timeout
