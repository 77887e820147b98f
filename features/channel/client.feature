Feature: channel reference client
  connectChannel against the reference server and against scripted servers that
  misbehave on purpose.

  @SRS-CHANNEL-025
  Scenario: bodies go out and come back whole, in order
    Given a reference channel server on an ephemeral port
    And a reference channel client connected to it
    When the channel client sends the bodies "one,,two,three"
    And the channel client receives 4 bodies
    Then the channel bodies are "one,,two,three"

  @SRS-CHANNEL-025
  Scenario Outline: frames the server writes in <size>-byte pieces arrive as whole bodies
    Given a scripted channel server that sends "\r\nMSG 5\r\nhello\r\nMSG 0\r\n\r\nMSG 0003\r\nabc" in <size>-byte writes
    And a reference channel client connected to it
    When the channel client receives 3 bodies
    Then the channel bodies are "hello,,abc"

    Examples:
      | size |
      | 1    |
      | 4    |
      | 100  |

  @SRS-CHANNEL-026
  Scenario: concurrent sends never interleave on the wire
    Given a scripted channel server that records what it receives
    And a reference channel client connected to it
    When the channel client sends 20 bodies of 100000 bytes at once
    Then the scripted channel server received those 20 bodies whole, in call order

  @SRS-CHANNEL-027
  Scenario: for await yields every body until the server closes
    Given a scripted channel server that sends "\r\nMSG 1\r\na\r\nMSG 0\r\n\r\nMSG 1\r\nb" in 3-byte writes and closes
    And a reference channel client connected to it
    When the channel client iterates until the server closes
    Then the channel bodies are "a,,b"

  @SRS-CHANNEL-028
  Scenario: recv waits no longer than its timeout
    Given a scripted channel server that never reads
    And a reference channel client connected to it with a timeout of 200 ms
    When the channel client receives 1 bodies
    Then the channel call failed with a TimeoutError

  @SRS-CHANNEL-028
  Scenario: send to a server that stops reading waits no longer than its timeout
    Given a scripted channel server that never reads
    And a reference channel client connected to it with a timeout of 200 ms
    When the channel client sends 4 bodies of 16777216 bytes at once
    Then the channel call failed with a TimeoutError

  @SRS-CHANNEL-029
  Scenario Outline: a server that sends <what> makes recv fail with a FramingError after the bodies before it
    Given a scripted channel server that sends "\r\nMSG 2\r\nok<bad>" in 100-byte writes
    And a reference channel client connected to it
    When the channel client receives 2 bodies
    Then the channel bodies are "ok"
    And the channel call failed with a FramingError
    And the scripted channel server sees the client close

    Examples:
      | what                   | bad                    |
      | junk                   | junk                   |
      | a length over 16 MiB   | \r\x0aMSG 16777217\r\x0a |
      | an LF-only header      | \x0aMSG 1\x0ax         |

  @SRS-CHANNEL-029
  Scenario: a partial frame at the server's close is not delivered
    Given a scripted channel server that sends "\r\nMSG 2\r\nok\r\nMSG 5\r\nab" in 100-byte writes and closes
    And a reference channel client connected to it
    When the channel client receives 2 bodies
    Then the channel bodies are "ok"
    And the channel call failed with a ConnectionClosedError
