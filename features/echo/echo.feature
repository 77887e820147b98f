Feature: echo
  RFC 862: every byte received goes back unchanged and in order while the connection
  is open; when the client closes its sending side, the server sends what remains,
  then closes. Nothing else is ever sent.

  Background:
    Given client A is connected

  @SRS-ECHO-001 @SRS-ECHO-003 @SRS-ECHO-006
  Scenario: bytes come back while the connection is open, and nothing else is sent
    Then client A receives nothing within 300 ms
    When client A sends "Hello, world"
    Then client A receives exactly "Hello, world"
    When client A sends "again"
    Then client A receives exactly "again"
    And client A receives nothing within 200 ms

  @SRS-ECHO-001
  Scenario: CR and LF come back untranslated
    When client A sends "a\r\nb\rc\nd\r\r\n\n"
    Then client A receives exactly "a\r\nb\rc\nd\r\r\n\n"

  @SRS-ECHO-001
  Scenario: every byte value comes back unchanged
    When client A sends every byte value 16 times
    Then client A receives the echo of every byte value 16 times

  @SRS-ECHO-002
  Scenario Outline: bytes cut into <size>-byte writes <gap> ms apart come back the same
    When client A sends "the quick brown fox\r\n" in <size>-byte writes with <gap> ms between them
    Then client A receives exactly "the quick brown fox\r\n"

    Examples:
      | size | gap |
      | 1    | 3   |
      | 3    | 0   |
      | 7    | 5   |

  @SRS-ECHO-002 @destructive
  Scenario: 1 MiB in one write comes back the same
    When client A sends 1048576 bytes of "e" in 1048576-byte writes
    Then client A receives the echo of 1048576 bytes of "e"

  @SRS-ECHO-004
  Scenario: after the client's FIN the server sends what remains, then closes
    When client A sends "last words"
    And client A closes its sending side
    Then client A receives exactly "last words"
    And client A is closed by the target with a FIN, receiving nothing more

  @SRS-ECHO-004 @destructive
  Scenario: 4 MiB followed at once by the FIN all come back before the server closes
    When client A sends 4194304 bytes of "t" in 65536-byte writes
    And client A closes its sending side
    Then client A receives the echo of 4194304 bytes of "t"
    And client A is closed by the target with a FIN, receiving nothing more

  @SRS-ECHO-004
  Scenario: a client that closes its side at once gets a FIN and nothing else
    When client A closes its sending side
    Then client A is closed by the target with a FIN, receiving nothing more

  @SRS-ECHO-005 @destructive
  Scenario: a client that does not read makes the server stop reading, and then gets everything back
    When client A stops reading and offers the echo server 64 MiB until its writes stall
    Then the echo server took fewer than 32 MiB from client A before its writes stalled
    When client A reads again and receives the echo of all of it intact while it sends the rest and closes its sending side
    Then client A is closed by the target with a FIN, receiving nothing more
