@client-target
Feature: lenmsg remotes facing a central that misbehaves
  A frame whose body is not UTF-8 JSON is a protocol error, never data, and the remote closes
  that connection; a length over the remote's maximum is refused from the header alone; a
  central whose connection closes, resets or stalls ends the call with a reported error within
  the remote's timeout. The remote's timeout and maximum are the ones it announces.

  Background:
    Given the client under test is started
    And the remote under test has started and said hello

  @SRS-LENMSG-104
  Scenario Outline: a body that is not UTF-8 JSON (<class>) is a protocol error, not data
    When the client is told to receive 1 message
    And the central sends a frame holding "<body>"
    Then the client reports a protocol error
    And the remote closes the central's connection

    Examples:
      | class                  | body                                   |
      | lone continuation byte | {\"type\":\"data\",\"body\":\"a\x80b\"} |
      | overlong slash         | {\"type\":\"data\",\"body\":\"\xc0\xaf\"} |
      | UTF-16 surrogate       | {\"type\":\"data\",\"body\":\"\xed\xa0\x80\"} |
      | truncated sequence     | {\"type\":\"data\",\"body\":\"\xe2\x82\"} |
      | truncated JSON         | {\"type\":\"data\",\"body\":            |
      | NaN                    | {\"type\":\"data\",\"body\":NaN}        |
      | Infinity               | {\"type\":\"data\",\"body\":-Infinity}  |
      | trailing text          | {\"type\":\"data\",\"body\":1} x        |
      | a byte order mark      | \xef\xbb\xbf{\"type\":\"data\",\"body\":1} |
      | a raw control character | {\"type\":\"data\",\"body\":\"a\x01b\"} |
      | single quotes          | {'type':'data','body':1}               |
      | the empty body         |                                        |

  @SRS-LENMSG-104
  Scenario: a bad frame after a good one is still a protocol error
    When the client is told to receive 2 messages
    And the central sends the data '"good"'
    And the central sends a frame holding "{\"type\":\"data\",\"body\":\"\xff\"}"
    Then the client may report receiving the data '"good"'
    And the client reports a protocol error
    And the remote closes the central's connection

  @SRS-LENMSG-105
  Scenario: a length one byte over the remote's maximum is refused from the header alone
    When the client is told to receive 1 message
    And the central sends a length header announcing one byte more than the remote's maximum
    Then the client reports a protocol error
    And the remote closes the central's connection

  @SRS-LENMSG-105
  Scenario: the largest length 4 bytes can say is refused from the header alone
    When the client is told to receive 1 message
    And the central sends a length header announcing 4294967295 bytes
    Then the client reports a protocol error
    And the remote closes the central's connection

  @SRS-LENMSG-105
  Scenario: a length of exactly the remote's maximum is awaited, not refused
    When the client is told to receive 1 message
    And the central sends a length header announcing the remote's maximum, then "{\"type\":" and closes its connection
    Then the client reports the connection closed

  @SRS-LENMSG-106
  Scenario Outline: a central that closes <where>
    When the client is told to receive 1 message
    And the central sends the first <n> bytes of the data '"half of it"' and closes its connection
    Then the client reports the connection closed

    Examples:
      | where                              | n  |
      | before sending anything            | 0  |
      | in the middle of the length header | 2  |
      | in the middle of the body          | 20 |

  @SRS-LENMSG-106
  Scenario: a central that closes after the first of two messages
    When the client is told to receive 2 messages
    And the central sends the data '"first"'
    And the central sends the first 10 bytes of the data '"second"' and closes its connection
    Then the client may report receiving the data '"first"'
    And the client reports the connection closed

  @SRS-LENMSG-106
  Scenario: a central that resets in the middle of the body
    When the client is told to receive 1 message
    And the central sends the first 20 bytes of the data '"half of it"' and resets its connection
    Then the client reports the connection closed or an error

  @SRS-LENMSG-107
  Scenario: a central that never sends
    When the client is told to receive 1 message
    Then the client reports a timeout within its timeout

  @SRS-LENMSG-107
  Scenario Outline: a central that stalls in the middle of the <part>
    When the client is told to receive 1 message
    And the central sends the first <n> bytes of the data '"half of it"'
    Then the client reports a timeout within its timeout

    Examples:
      | part          | n  |
      | length header | 2  |
      | body          | 20 |
