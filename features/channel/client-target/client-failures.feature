@client-target
Feature: channel clients facing a server that misbehaves
  A frame the client cannot decode is a protocol error, never a body, and the client closes
  the connection; a length over the client's maximum is refused from the header alone; a
  server that closes, resets, stalls or never answers ends the call with a reported error
  within the client's timeout. The client's timeout and maximum are the ones it announces.
  Every malformed header below ends in CR LF, so that a client reading header lines sees
  the line end too.

  Background:
    Given the client under test is started

  @SRS-CHANNEL-103
  Scenario Outline: a header that is not one (<class>) is a protocol error, not a body
    When the client is told to send "ping" expecting 1 response
    Then the suite receives a channel frame holding "ping"
    When the suite answers "<bytes>"
    Then the client reports a protocol error
    And the client closes the connection

    Examples:
      | class                          | bytes                      |
      | other letters                  | \r\nMSX 3\r\nabc           |
      | lower case                     | \r\nmsg 3\r\nabc           |
      | a missing space                | \r\nMSG3\r\nabc            |
      | no digits                      | \r\nMSG \r\nabc            |
      | a non-digit                    | \r\nMSG 1a\r\nabc          |
      | a sign                         | \r\nMSG +3\r\nabc          |
      | 11 digits                      | \r\nMSG 00000000003\r\nabc |
      | LF without CR                  | \nMSG 3\nabc\r\n           |
      | junk before the frame          | x\r\nMSG 3\r\nabc          |
      | a CR after the length, no LF   | \r\nMSG 3\rabc\r\n         |

  @SRS-CHANNEL-103
  Scenario: junk after a good frame is still a protocol error
    When the client is told to send "two" expecting 2 responses
    Then the suite receives a channel frame holding "two"
    When the suite answers "\r\nMSG 2\r\nokjunk\r\n"
    Then the client may report receiving "ok"
    And the client reports a protocol error
    And the client closes the connection

  @SRS-CHANNEL-104
  Scenario: a length one byte over the client's maximum is refused from the header alone
    When the client is told to send "big" expecting 1 response
    Then the suite receives a channel frame holding "big"
    When the suite answers a channel header announcing one byte more than the client's maximum
    Then the client reports a protocol error
    And the client closes the connection

  @SRS-CHANNEL-104
  Scenario: the largest length 10 digits can say is refused from the header alone
    When the client is told to send "big" expecting 1 response
    Then the suite receives a channel frame holding "big"
    When the suite answers "\r\nMSG 9999999999\r\n"
    Then the client reports a protocol error
    And the client closes the connection

  @SRS-CHANNEL-104
  Scenario: a length of exactly the client's maximum is awaited, not refused
    When the client is told to send "big" expecting 1 response
    Then the suite receives a channel frame holding "big"
    When the suite answers a channel header announcing the client's maximum, then "abc" and closes the connection
    Then the client reports the connection closed

  @SRS-CHANNEL-105
  Scenario Outline: a server that closes <where>
    When the client is told to send "ping" expecting 1 response
    Then the suite receives a channel frame holding "ping"
    When the suite answers "<bytes>" and closes the connection
    Then the client reports the connection closed

    Examples:
      | where                        | bytes              |
      | before answering             |                    |
      | in the middle of the header  | \r\nMSG 1          |
      | in the middle of the body    | \r\nMSG 10\r\nhalf |

  @SRS-CHANNEL-105
  Scenario: a server that closes after the first of two bodies
    When the client is told to send "two" expecting 2 responses
    Then the suite receives a channel frame holding "two"
    When the suite answers "\r\nMSG 5\r\nfirst\r\nMSG 6\r\nsec" and closes the connection
    Then the client may report receiving "first"
    And the client reports the connection closed

  @SRS-CHANNEL-105
  Scenario: a server that resets in the middle of the body
    When the client is told to send "ping" expecting 1 response
    Then the suite receives a channel frame holding "ping"
    When the suite answers "\r\nMSG 10\r\nhalf" and resets the connection
    Then the client reports the connection closed or an error

  @SRS-CHANNEL-106
  Scenario: a server that never answers
    When the client is told to send "ping" expecting 1 response
    Then the suite receives a channel frame holding "ping"
    Then the client reports a timeout within its timeout

  @SRS-CHANNEL-106
  Scenario Outline: a server that stalls in the middle of the <part>
    When the client is told to send "ping" expecting 1 response
    Then the suite receives a channel frame holding "ping"
    When the suite answers "<bytes>"
    Then the client reports a timeout within its timeout

    Examples:
      | part   | bytes              |
      | header | \r\nMSG 1          |
      | body   | \r\nMSG 10\r\nhalf |
