@client-target
Feature: lenmsg remotes frame what they send and deliver what the central sends
  What the remote sends is one frame per message: a 4-byte big-endian length, then that
  many bytes of UTF-8 JSON. What the central sends to the remote's server is delivered as
  the data bodies it holds, exactly, whatever the segmentation; heartbeats are not data.
  One reported unit is a body's JSON text, compared with what the suite sent as JSON values.

  Background:
    Given the client under test is started
    And the remote under test has started and said hello

  @SRS-LENMSG-100
  Scenario: data goes out as one frame per message, and nothing else is sent
    When the client is told to send the data '{"n": 1, "text": "  spaced\tout  ", "list": [true, null, 2.5]}'
    Then the central receives the data message '{"n": 1, "text": "  spaced\tout  ", "list": [true, null, 2.5]}'
    And the client reports the call done
    When the client is told to send the data '""'
    Then the central receives the data message '""'
    And the client reports the call done
    When the client is told to close
    Then the remote closes its connection to the central, having sent nothing more
    And the client reports the call done

  @SRS-LENMSG-100
  Scenario: the length counts the bytes of the UTF-8, not its characters
    When the client is told to send the data '"héllo € 😀 été"'
    Then the central receives the data message '"héllo € 😀 été"'
    And the client reports the call done
    When the client is told to send the data '{"clé": ["valeur ✓", "ünïcödé"]}'
    Then the central receives the data message '{"clé": ["valeur ✓", "ünïcödé"]}'
    And the client reports the call done

  @SRS-LENMSG-102
  Scenario: data is delivered exactly, and heartbeats are not data
    When the client is told to receive 5 messages
    And the central sends the data '"  padded\t"'
    And the central sends a heartbeat
    And the central sends the data '{"nested": [1, -2.5e-7, null, true, {"k": "v"}], "empty": {}}'
    And the central sends the data '"\u00e9\u20ac\ud83d\ude00 \\u0000 \u0000"'
    And the central sends a heartbeat
    And the central sends the data '""'
    And the central sends the data '{"type": "heartbeat", "seq": 1}'
    Then the client reports receiving the data '"  padded\t"'
    And the client reports receiving the data '{"nested": [1, -2.5e-7, null, true, {"k": "v"}], "empty": {}}'
    And the client reports receiving the data '"\u00e9\u20ac\ud83d\ude00 \\u0000 \u0000"'
    And the client reports receiving the data '""'
    And the client reports receiving the data '{"type": "heartbeat", "seq": 1}'
    And the client reports the call done

  @SRS-LENMSG-102
  Scenario: data that arrives before the remote is told to receive is delivered then
    When the central sends the data '"early"'
    And the client is told to receive 1 message
    Then the client reports receiving the data '"early"'
    And the client reports the call done

  @SRS-LENMSG-103
  Scenario Outline: data in <size>-byte writes <gap> ms apart is reassembled
    When the client is told to receive 2 messages
    And the central sends the data messages '[1, {"two": [2]}]' in <size>-byte writes with <gap> ms between them
    Then the client reports receiving the data '1'
    And the client reports receiving the data '{"two": [2]}'
    And the client reports the call done

    Examples:
      | size | gap |
      | 1    | 2   |
      | 7    | 25  |

  @SRS-LENMSG-103
  Scenario: several messages in one write stay several messages
    When the client is told to receive 3 messages
    And the central sends the data messages '["a", "b", "c"]' in one write
    Then the client reports receiving the data '"a"'
    And the client reports receiving the data '"b"'
    And the client reports receiving the data '"c"'
    And the client reports the call done

  @SRS-LENMSG-103
  Scenario: a body of 100,000 characters (within the remote's maximum) in 1000-byte writes is delivered whole
    When the client is told to receive 1 message
    And the central sends the data of 100000 characters of "é", within the remote's maximum, in 1000-byte writes
    Then the client reports receiving the data of 100000 characters of "é", within its maximum
    And the client reports the call done
