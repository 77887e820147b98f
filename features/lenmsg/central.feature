Feature: lenmsg reference central options
  Binding, ports, limits and heartbeat interval of the reference central, "the reference
  lenmsg server" in the steps (not asked of other centrals).

  @SRS-LENMSG-022
  Scenario: the reference central binds 127.0.0.1 by default
    Given a reference lenmsg server on an ephemeral port
    Then the reference lenmsg server is bound to "127.0.0.1"

  @SRS-LENMSG-022
  Scenario: the reference central binds the address it is given
    Given a reference lenmsg server on "::1" and an ephemeral port
    Then the reference lenmsg server is bound to "::1"

  @SRS-LENMSG-023
  Scenario: port 0 gives an ephemeral port, reported by the API
    Given a reference lenmsg server on an ephemeral port
    Then the reference lenmsg server reports a port above 0 that accepts connections

  @SRS-LENMSG-023
  Scenario: `wireproof serve lenmsg` defaults to an ephemeral port
    Then `wireproof serve lenmsg` without --port would listen on 127.0.0.1:0

  @SRS-LENMSG-024
  Scenario: the maximum message is configurable
    Given a reference lenmsg server with a maximum message of 200 bytes
    And lenmsg remote A has said hello to the reference server
    When client A sends the lenmsg data '"short"'
    Then lenmsg remote A receives the data '"short"'
    When client A sends the lenmsg data of 300 characters of "x"
    Then client A is closed by the target

  @SRS-LENMSG-024
  Scenario: the heartbeat interval is configurable
    Given a reference lenmsg server with a heartbeat interval of 50 ms
    And lenmsg remote A has said hello to the reference server
    Then lenmsg remote A receives 3 heartbeats with increasing seq, one per interval of 50 ms
