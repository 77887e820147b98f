@client-target
Feature: oneline clients frame and reassemble
  The suite plays a oneline server for a client under test (`conform --client`), one
  fresh client process per scenario, driven through the adapter contract (README,
  "Verifying a client"). A command goes out as its bytes and one LF; a response comes
  back as the bytes before its LF, exactly, however the server cuts or merges its writes.

  Background:
    Given the client under test is started

  @SRS-ONELINE-100
  Scenario: a command goes out as its bytes and one LF, and nothing else is sent
    Then the suite receives nothing within 200 ms
    When the client is told to send "ping" expecting 1 response
    Then the suite receives exactly "ping\n"
    When the suite answers "pong\n"
    Then the client reports receiving "pong"
    And the client reports the call done
    When the client is told to close
    Then the client reports the call done
    And the client closes its sending side, having sent nothing more

  @SRS-ONELINE-100
  Scenario: a command with spaces, a tab and non-ASCII text goes out unchanged
    When the client is told to send "  echo \xc3\xa9t\xc3\xa9 \t" expecting 1 response
    Then the suite receives exactly "  echo \xc3\xa9t\xc3\xa9 \t\n"
    When the suite answers "ok\n"
    Then the client reports receiving "ok"
    And the client reports the call done

  @SRS-ONELINE-101
  Scenario: responses are delivered exactly: whitespace, a CR before the LF, an empty line
    When the client is told to send "multi" expecting 5 responses
    Then the suite receives exactly "multi\n"
    When the suite answers "  pong  \npong\r\n\ttab\n\nlast \n"
    Then the client reports receiving "  pong  "
    And the client reports receiving "pong\r"
    And the client reports receiving "\ttab"
    And the client reports receiving ""
    And the client reports receiving "last "
    And the client reports the call done

  @SRS-ONELINE-102
  Scenario Outline: responses cut into <size>-byte writes <gap> ms apart are reassembled
    When the client is told to send "multi 3" expecting 3 responses
    Then the suite receives exactly "multi 3\n"
    When the suite answers "line 1\nline 2\nline 3\n" in <size>-byte writes with <gap> ms between them
    Then the client reports receiving "line 1"
    And the client reports receiving "line 2"
    And the client reports receiving "line 3"
    And the client reports the call done

    Examples:
      | size | gap |
      | 1    | 2   |
      | 4    | 20  |

  @SRS-ONELINE-102 @SRS-ONELINE-103
  Scenario: a code point split across writes is one valid character
    When the client is told to send "echo" expecting 1 response
    Then the suite receives exactly "echo\n"
    When the suite answers "\xe2\x82\xac \xc3\xa9\n" in 1-byte writes with 5 ms between them
    Then the client reports receiving "\xe2\x82\xac \xc3\xa9"
    And the client reports the call done

  @SRS-ONELINE-102
  Scenario: a response merged with the start of the next stays two responses
    When the client is told to send "two" expecting 2 responses
    Then the suite receives exactly "two\n"
    When the suite answers "first\nsec"
    And the suite answers "ond\n"
    Then the client reports receiving "first"
    And the client reports receiving "second"
    And the client reports the call done
