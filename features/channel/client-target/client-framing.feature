@client-target
Feature: channel clients frame and reassemble
  The suite plays a channel server for a client under test (`conform --client`), one fresh
  client process per scenario, driven through the adapter contract (README, "Verifying a
  client"). A body goes out as one frame `\r\nMSG <len>\r\n<body>`; a body comes back as
  exactly the bytes its frame holds, however the server cuts or merges its writes. A body
  is bytes: nothing is decoded, stripped or translated.

  Background:
    Given the client under test is started

  @SRS-CHANNEL-100
  Scenario: a body goes out as one frame, and nothing else is sent
    Then the suite receives nothing within 200 ms
    When the client is told to send "ping" expecting 1 response
    Then the suite receives a channel frame holding "ping"
    When the suite answers "\r\nMSG 4\r\npong"
    Then the client reports receiving "pong"
    And the client reports the call done
    When the client is told to close
    Then the client reports the call done
    And the client closes its sending side, having sent nothing more

  @SRS-CHANNEL-100
  Scenario: every byte value, an empty body and a header look-alike go out as their frames
    When the client is told to send every byte value 2 times
    Then the suite receives a channel frame holding every byte value 2 times
    And the client reports the call done
    When the client is told to send ""
    Then the suite receives a channel frame holding ""
    And the client reports the call done
    When the client is told to send "\r\nMSG 3\r\nabc \t\r\n"
    Then the suite receives a channel frame holding "\r\nMSG 3\r\nabc \t\r\n"
    And the client reports the call done

  @SRS-CHANNEL-101
  Scenario: bodies are delivered exactly: whitespace, line ends, an empty body, a header look-alike
    When the client is told to send "multi" expecting 5 responses
    Then the suite receives a channel frame holding "multi"
    When the suite answers "\r\nMSG 8\r\n  pong  \r\nMSG 5\r\nline\n\r\nMSG 0\r\n\r\nMSG 14\r\n\r\nMSG 3\r\nabc\r\n\r\nMSG 3\r\n\t\r "
    Then the client reports receiving "  pong  "
    And the client reports receiving "line\n"
    And the client reports receiving ""
    And the client reports receiving "\r\nMSG 3\r\nabc\r\n"
    And the client reports receiving "\t\r "
    And the client reports the call done

  @SRS-CHANNEL-101
  Scenario: a body that is not UTF-8 is delivered as it came, not decoded
    When the client is told to send "bytes" expecting 1 response
    Then the suite receives a channel frame holding "bytes"
    When the suite answers "\r\nMSG 12\r\n\xff\xfe \xc0\xaf \xed\xa0\x80 \xe2\x82"
    Then the client reports receiving "\xff\xfe \xc0\xaf \xed\xa0\x80 \xe2\x82"
    And the client reports the call done

  @SRS-CHANNEL-101
  Scenario: a body holding every byte value is delivered whole
    When the client is told to send "all" expecting 1 response
    Then the suite receives a channel frame holding "all"
    When the suite answers a channel frame holding every byte value 4 times
    Then the client reports receiving a body of every byte value 4 times
    And the client reports the call done

  @SRS-CHANNEL-101
  Scenario: a body the server sends before the client sent anything is delivered
    When the client is told to receive 1 message
    And the suite answers "\r\nMSG 5\r\nfirst"
    Then the client reports receiving "first"
    And the client reports the call done

  @SRS-CHANNEL-102
  Scenario Outline: frames cut into <size>-byte writes <gap> ms apart are reassembled
    When the client is told to send "multi 3" expecting 3 responses
    Then the suite receives a channel frame holding "multi 3"
    When the suite answers "\r\nMSG 6\r\nbody 1\r\nMSG 0\r\n\r\nMSG 0000000013\r\nbody\r\nMSG 3\r\n" in <size>-byte writes with <gap> ms between them
    Then the client reports receiving "body 1"
    And the client reports receiving ""
    And the client reports receiving "body\r\nMSG 3\r\n"
    And the client reports the call done

    Examples:
      | size | gap |
      | 1    | 2   |
      | 7    | 20  |

  @SRS-CHANNEL-102
  Scenario: a frame merged with the start of the next stays two bodies
    When the client is told to send "two" expecting 2 responses
    Then the suite receives a channel frame holding "two"
    When the suite answers "\r\nMSG 5\r\nfirst\r\nMS"
    And the suite answers "G 6\r\nsecond"
    Then the client reports receiving "first"
    And the client reports receiving "second"
    And the client reports the call done

  @SRS-CHANNEL-102
  Scenario: a body of 100,000 bytes (at most the client's maximum) in 1000-byte writes is delivered whole
    When the client is told to send "big" expecting 1 response
    Then the suite receives a channel frame holding "big"
    When the suite answers a channel frame of 100000 bytes of "z", at most the client's maximum, in 1000-byte writes
    Then the client reports receiving a body of 100000 bytes of "z", at most its maximum
    And the client reports the call done
