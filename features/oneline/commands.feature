Feature: oneline predefined commands and strict UTF-8
  ping, disconnect and shutdown are predefined; every packet is strict UTF-8 or "invalid".

  @SRS-ONELINE-009 @SRS-ONELINE-006
  Scenario: disconnect closes the connection and the next client is served
    Given client A is connected
    And client B is connected
    When client A sends "disconnect\n"
    Then client A is closed by the target
    When client B sends "ping\n"
    Then client B receives the line "pong"

  @SRS-ONELINE-007 @SRS-ONELINE-023 @destructive
  Scenario Outline: invalid UTF-8 (<class>) answers invalid and the next packet is served
    Given client A is connected
    When client A sends "<bytes>\nping\n"
    Then client A receives the line "invalid"
    And client A receives the line "pong"

    Examples:
      | class                         | bytes                |
      | lone continuation byte        | a\x80b               |
      | overlong slash (2 bytes)      | \xc0\xaf             |
      | overlong NUL (3 bytes)        | \xe0\x80\x80         |
      | overlong (4 bytes)            | \xf0\x80\x80\xaf     |
      | UTF-16 surrogate              | \xed\xa0\x80         |
      | code point over U+10FFFF      | \xf4\x90\x80\x80     |
      | byte 0xFE                     | \xfe                 |
      | byte 0xFF                     | \xff                 |
      | truncated 3-byte sequence     | \xe2\x82             |
      | truncated 4-byte then ASCII   | \xf0\x9f\x98x        |

  @SRS-ONELINE-007 @SRS-ONELINE-003
  Scenario: a valid code point split across writes is not invalid
    Given client A is connected
    When client A sends "echo \xe2\x82\xac\nping\n" in 7-byte writes with 10 ms between them
    Then client A does not receive the line "invalid" before "pong"

  @SRS-ONELINE-007 @SRS-ONELINE-003
  Scenario: an invalid sequence split inside the code point is still invalid
    Given client A is connected
    When client A sends "\xf4\x90\x80\x80\nping\n" in 1-byte writes with 5 ms between them
    Then client A receives the line "invalid"
    And client A receives the line "pong"

  @SRS-ONELINE-033 @info
  Scenario: packets that follow disconnect in the same write
    Given client A is connected
    When client A sends "disconnect\nping\n"
    Then what client A receives before the close is recorded
