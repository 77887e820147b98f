@client-target
Feature: echo clients send and receive bytes exactly
  The suite plays an echo server for a client under test (`conform --client`), one fresh
  client process per scenario. The client's exchange is the lecture's: it sends the bytes
  it is told, closes its sending side, and reads the echo until the server closes. Echo is
  bytes: nothing is decoded, so there is no response an echo client cannot decode.

  Background:
    Given the client under test is started

  @SRS-ECHO-100 @SRS-ECHO-101
  Scenario: text with CR and LF goes out and comes back untranslated
    When the client is told to send "Hello, world\r\nbye\n"
    Then the suite receives exactly "Hello, world\r\nbye\n"
    And the client closes its sending side, having sent nothing more
    When the suite answers "Hello, world\r\nbye\n" and closes the connection
    Then the client reports receiving the bytes "Hello, world\r\nbye\n"
    And the client reports the call done

  @SRS-ECHO-100 @SRS-ECHO-101
  Scenario: every byte value goes out and comes back unchanged
    When the client is told to send every byte value 4 times
    Then the suite receives every byte value 4 times
    And the client closes its sending side, having sent nothing more
    When the suite answers every byte value 4 times in 100-byte writes and closes the connection
    Then the client reports receiving every byte value 4 times
    And the client reports the call done

  @SRS-ECHO-101
  Scenario: invalid UTF-8 comes back as it went
    When the client is told to send "\xff\xfe \xc0\xaf \xed\xa0\x80 \xe2\x82"
    Then the suite receives exactly "\xff\xfe \xc0\xaf \xed\xa0\x80 \xe2\x82"
    When the suite answers "\xff\xfe \xc0\xaf \xed\xa0\x80 \xe2\x82" and closes the connection
    Then the client reports receiving the bytes "\xff\xfe \xc0\xaf \xed\xa0\x80 \xe2\x82"
    And the client reports the call done

  @SRS-ECHO-102
  Scenario: an echo in 1-byte writes is delivered whole
    When the client is told to send "the quick brown fox"
    Then the suite receives exactly "the quick brown fox"
    When the suite answers "the quick brown fox" in 1-byte writes with 2 ms between them
    And the suite answers "" and closes the connection
    Then the client reports receiving the bytes "the quick brown fox"
    And the client reports the call done

  @SRS-ECHO-102
  Scenario: an echo in two pieces 100 ms apart is delivered whole
    When the client is told to send "first half, second half"
    Then the suite receives exactly "first half, second half"
    When the suite answers "first half, second half" in 12-byte writes with 100 ms between them
    And the suite answers "" and closes the connection
    Then the client reports receiving the bytes "first half, second half"
    And the client reports the call done
