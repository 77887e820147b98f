Feature: oneline packet size limit and bounded memory
  Packets up to 65,536 bytes are served; a longer one is discarded up to its LF and
  answered "invalid" once. Memory stays bounded whatever the client sends.

  @SRS-ONELINE-019 @SRS-ONELINE-023 @destructive
  Scenario Outline: a packet of <length> bytes answers invalid once, then the server carries on
    Given client A is connected
    When client A sends "ping\n"
    And client A sends <length> bytes of "x" in 8192-byte writes
    And client A sends "\nping\n"
    Then client A receives the line "pong"
    And client A receives the line "invalid"
    And client A receives the line "pong"

    Examples:
      | length  |
      | 65537   |
      | 65538   |
      | 200000  |

  @SRS-ONELINE-019 @SRS-ONELINE-013
  Scenario: a packet of exactly 65,536 bytes is served
    Given client A is connected
    When client A sends "echo " and 65531 bytes of "y" and "\n"
    Then client A receives a line of 65531 bytes of "y"

  @SRS-ONELINE-019 @SRS-ONELINE-016
  Scenario: a packet of 65,536 bytes straddling many writes is served whole
    Given client A is connected
    When client A sends 65536 bytes of "z" in 1000-byte writes
    And client A sends "\n"
    Then client A receives a line of "nak " and 65536 bytes of "z"

  @SRS-ONELINE-020 @SRS-ONELINE-023 @destructive
  Scenario: 16 MiB without a line feed is not buffered, and the server still answers
    Given client A is connected
    When client A sends 16777216 bytes of "q" in 65536-byte writes
    And client A sends "\nping\n"
    Then client A receives the line "invalid"
    And client A receives the line "pong"

  @SRS-ONELINE-023 @destructive
  Scenario: a protocol error on one connection does not affect the next one
    Given client A is connected
    When client A sends "\xff\xfe\n"
    And client A sends 70000 bytes of "x" in 70000-byte writes
    And client A resets its connection
    And client B is connected
    And client B sends "ping\n"
    Then client B receives the line "pong"
