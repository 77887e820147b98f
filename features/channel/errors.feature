Feature: channel protocol errors
  Anything that cannot be a frame is a protocol error: the server closes that
  connection (FIN or RST) and echoes nothing of the broken frame. It never skips bytes
  to find the next header, never waits for a body longer than the maximum, and never
  lets one connection's error touch another.

  @SRS-CHANNEL-010 @SRS-CHANNEL-014 @destructive
  Scenario Outline: a header with <error> closes the connection
    Given client A is connected
    When client A sends "<bytes>"
    Then client A is closed by the target without receiving anything more

    Examples:
      | error                       | bytes              |
      | a letter in the length      | \r\x0aMSG 3x\r\x0aabc  |
      | a sign before the length    | \r\x0aMSG +3\r\x0aabc  |
      | two spaces before it        | \r\x0aMSG  3\r\x0aabc  |
      | a space after the length    | \r\x0aMSG 3 \r\x0aabc  |
      | a tab for the space         | \r\x0aMSG\t3\r\x0aabc  |
      | no length digits            | \r\x0aMSG \r\x0aabc    |
      | no space after MSG          | \r\x0aMSG3\r\x0aabc    |
      | lower-case msg              | \r\x0amsg 3\r\x0aabc   |
      | another word                | \r\x0aMSX 3\r\x0aabc   |

  @SRS-CHANNEL-011 @SRS-CHANNEL-014 @destructive
  Scenario Outline: <what> where a frame must start closes the connection, nothing is skipped
    Given client A is connected
    When client A sends "\r\nMSG 1\r\nx<junk>\r\nMSG 3\r\nabc"
    Then client A receives the channel body "x"
    And client A is closed by the target without receiving anything more

    Examples:
      | what                     | junk    |
      | text                     | junk    |
      | a NUL byte               | \x00    |
      | a CR without LF          | \r      |
      | CR CR LF                 | \r\r\x0a  |
      | an LF                    | \x0a    |
      | MSG without CR LF        | MSG     |

  @SRS-CHANNEL-011 @SRS-CHANNEL-014 @destructive
  Scenario: junk before the first frame closes the connection
    Given client A is connected
    When client A sends "hello\r\nMSG 3\r\nabc"
    Then client A is closed by the target without receiving anything more

  @SRS-CHANNEL-012 @SRS-CHANNEL-014 @destructive
  Scenario Outline: a header with LF-only line endings (<where>) closes the connection
    Given client A is connected
    When client A sends "<bytes>"
    Then client A is closed by the target without receiving anything more

    Examples:
      | where             | bytes              |
      | both              | \x0aMSG 3\x0aabc       |
      | before MSG        | \x0aMSG 3\r\x0aabc     |
      | after the length  | \r\x0aMSG 3\x0aabc     |

  @SRS-CHANNEL-006 @SRS-CHANNEL-014 @destructive
  Scenario Outline: a length of <count> digits closes the connection, small as it is
    Given client A is connected
    When client A sends "\r\nMSG <digits>\r\nabc"
    Then client A is closed by the target without receiving anything more

    Examples:
      | count | digits          |
      | 11    | 00000000003     |
      | 15    | 000000000000003 |

  @SRS-CHANNEL-009 @SRS-CHANNEL-014 @destructive
  Scenario Outline: a length of <length>, over the 16 MiB maximum, closes the connection at once
    Given client A is connected
    When client A sends "\r\nMSG <length>\r\nabc"
    Then client A is closed by the target without receiving anything more

    Examples:
      | length     |
      | 16777217   |
      | 4294967296 |
      | 9999999999 |

  @SRS-CHANNEL-013 @destructive
  Scenario: a header line that never ends closes the connection
    Given client A is connected
    When client A sends "\r\nMSG 0000000000000000000000000000000000000001"
    Then client A is closed by the target without receiving anything more

  @SRS-CHANNEL-013 @destructive
  Scenario: a header line of 1 MiB of digits is not buffered
    Given client A is connected
    When client A sends "\r\nMSG " and 1048576 bytes of "0" and "1\r\nabc"
    Then client A is closed by the target without receiving anything more

  @SRS-CHANNEL-015 @destructive
  Scenario: the frames before an error are echoed, then the server closes with FIN
    Given client A is connected
    When client A sends "\r\nMSG 2\r\nok\r\nMSG 0\r\n\r\nMSG 3\r\nabc\r\nMSG x\r\nabc"
    Then client A receives the channel bodies "ok", "" and "abc"
    And client A is closed by the target with a FIN, receiving nothing more

  @SRS-CHANNEL-015 @destructive
  Scenario: a long frame before an error in the same write is echoed whole, then FIN
    Given client A is connected
    When client A sends a channel frame of 200000 bytes of "w" followed by "junk"
    Then client A receives a channel body of 200000 bytes of "w"
    And client A is closed by the target with a FIN, receiving nothing more

  @SRS-CHANNEL-016 @SRS-CHANNEL-014
  Scenario Outline: a client that ends its side <where> gets the frames before, and nothing of that frame
    Given client A is connected
    When client A sends "\r\nMSG 2\r\nok<partial>"
    And client A closes its sending side
    Then client A receives the channel body "ok"
    And client A is closed by the target without receiving anything more

    Examples:
      | where              | partial             |
      | inside a body      | \r\x0aMSG 10\r\x0aabcde |
      | after a header     | \r\x0aMSG 5\r\x0a       |
      | inside a header    | \r\x0aMSG 1           |
      | after CR LF        | \r\x0a                |

  @SRS-CHANNEL-016 @SRS-CHANNEL-017 @destructive
  Scenario: a client that resets inside a frame does not affect the next client
    Given client A is connected
    When client A sends "\r\nMSG 10\r\nabc" and resets its connection
    And client B is connected
    And client B sends "\r\nMSG 2\r\nhi"
    Then client B receives the channel body "hi"

  @SRS-CHANNEL-017 @destructive
  Scenario: a protocol error on one connection does not affect a client connected meanwhile
    Given client A is connected
    And client B is connected
    When client A sends "\r\nMSG 1\r\nxGARBAGE"
    Then client A receives the channel body "x"
    And client A is closed by the target
    When client B sends "\r\nMSG 5\r\nstill"
    Then client B receives the channel body "still"

  @SRS-CHANNEL-019 @destructive
  Scenario Outline: the server closes at the first wrong byte (<what>) without waiting for more
    Given client A is connected
    When client A sends "<bytes>"
    Then client A is closed by the target without receiving anything more

    Examples:
      | what                           | bytes               |
      | a letter for the CR            | X                   |
      | an LF for the CR               | \x0a                |
      | a wrong letter                 | \r\x0aMSX             |
      | a letter in the length         | \r\x0aMSG 1a          |
      | an LF after the length         | \r\x0aMSG 3\x0a        |
      | an 11th digit                  | \r\x0aMSG 00000000001 |
      | a length over the maximum      | \r\x0aMSG 16777217    |
