Feature: oneline framing
  A packet is the bytes before a line feed. However the client cuts or merges its
  writes, the server answers the same packets with the same responses, in order.

  Background:
    Given client A is connected

  @SRS-ONELINE-001 @SRS-ONELINE-008 @SRS-ONELINE-017
  Scenario: ping is answered with pong and a line feed
    When client A sends "ping\n"
    Then client A receives exactly "pong\n"

  @SRS-ONELINE-002
  Scenario: a CR before the LF is part of the packet
    When client A sends "ping\r\nping\n"
    Then the lines client A receives within 300 ms are not just "pong" twice

  @SRS-ONELINE-003
  Scenario Outline: a packet cut into <size>-byte writes <gap> ms apart is one packet
    When client A sends "ping\nping\n" in <size>-byte writes with <gap> ms between them
    Then client A receives exactly "pong\npong\n"

    Examples:
      | size | gap |
      | 1    | 5   |
      | 2    | 10  |
      | 3    | 0   |

  @SRS-ONELINE-003
  Scenario: the LF arrives alone
    When client A sends "ping" in 4-byte writes with 20 ms between them
    And client A sends "\n"
    Then client A receives exactly "pong\n"

  @SRS-ONELINE-004 @SRS-ONELINE-017
  Scenario: many packets merged into one write are answered in order
    When client A sends "ping\nping\nping\nping\nping\nping\nping\nping\n"
    Then client A receives the line "pong" 8 times

  @SRS-ONELINE-004
  Scenario: packet fragments merged across writes
    When client A sends "pi" in 2-byte writes with 0 ms between them
    And client A sends "ng\npi"
    And client A sends "ng\nping\n"
    Then client A receives the line "pong" 3 times
