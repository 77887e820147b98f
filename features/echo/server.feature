Feature: echo reference server
  The reference server's own options (not asked of other servers): --once, ports,
  binding, a graceful close.

  @SRS-ECHO-009
  Scenario: `wireproof serve echo --once` exits 0 after its first client
    Given `wireproof serve echo --port 0 --once` is running
    When client A connects to the port it printed
    And client A sends "only once"
    Then client A receives exactly "only once"
    When client A closes its sending side
    Then client A is closed by the target with a FIN, receiving nothing more
    And the command exits with code 0

  @SRS-ECHO-010
  Scenario: port 0 gives an ephemeral port, reported by the API
    Given a reference echo server on an ephemeral port
    Then the reference echo server reports a port above 0 that accepts connections

  @SRS-ECHO-010
  Scenario: `wireproof serve echo` defaults to port 50007
    Then `wireproof serve echo` without --port would listen on 127.0.0.1:50007

  @SRS-ECHO-011
  Scenario: the reference server binds 127.0.0.1 by default
    Given a reference echo server on an ephemeral port
    Then the reference echo server is bound to "127.0.0.1"

  @SRS-ECHO-011
  Scenario: the reference server binds the address it is given
    Given a reference echo server on "::1" and an ephemeral port
    Then the reference echo server is bound to "::1"

  @SRS-ECHO-012
  Scenario: closing the server flushes the current client, closes the waiting one and stops listening
    Given a reference echo server on an ephemeral port
    When client A connects to the reference echo server
    And client A sends "queued"
    And client A receives exactly "queued"
    And client B connects to the reference echo server
    And the reference echo server closes
    Then client A is closed by the target with a FIN, receiving nothing more
    And client B is closed by the target
    And the reference echo server's closed promise resolves
    And the reference echo server stops accepting connections
