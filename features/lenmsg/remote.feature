Feature: lenmsg reference remote and client
  The reference remote and client against scripted centrals (bare lenmsg servers that
  record what they receive) and against the reference central ("the reference server").

  @SRS-LENMSG-026
  Scenario: the reference remote's first message is a hello naming its own server
    Given a scripted lenmsg central that never writes
    When a reference lenmsg remote with a heartbeat interval of 1000 ms starts against the scripted lenmsg central
    Then the scripted lenmsg central's first message is the reference remote's hello with its server's address

  @SRS-LENMSG-027
  Scenario: a reference remote that hears no heartbeat shuts down and says why
    Given a scripted lenmsg central that never writes
    When a reference lenmsg remote with a heartbeat interval of 50 ms starts against the scripted lenmsg central
    Then the reference lenmsg remote stops within 1000 ms reporting heartbeat-timeout

  @SRS-LENMSG-028
  Scenario: a reference remote told to shut down stops at once
    Given a scripted lenmsg central that answers hello with shutdown
    When a reference lenmsg remote with a heartbeat interval of 1000 ms starts against the scripted lenmsg central
    Then the reference lenmsg remote stops within 500 ms reporting shutdown-message

  @SRS-LENMSG-028
  Scenario: heartbeats in time keep a reference remote running
    Given a reference lenmsg server with a heartbeat interval of 50 ms
    When a reference lenmsg remote with a heartbeat interval of 50 ms starts against the reference server
    Then the reference lenmsg remote is still running after 400 ms

  @SRS-LENMSG-029
  Scenario: an error travels as structured data
    Given a reference lenmsg server on an ephemeral port
    When a reference lenmsg remote with a heartbeat interval of 1000 ms starts against the reference server
    And the reference lenmsg remote sends the error RangeError "out of range"
    Then the reference lenmsg remote receives an error body named "RangeError" with the message "out of range"

  @SRS-LENMSG-030
  Scenario: a remote waiting for data that never comes gets a TimeoutError
    Given a scripted lenmsg central that never writes
    When a reference lenmsg remote with a heartbeat interval of 1000 ms starts against the scripted lenmsg central
    And the reference lenmsg remote waits for data with a timeout of 100 ms
    Then the lenmsg call fails with a TimeoutError

  @SRS-LENMSG-030
  Scenario: a stopped remote's wait for data is a ConnectionClosedError
    Given a scripted lenmsg central that never writes
    When a reference lenmsg remote with a heartbeat interval of 1000 ms starts against the scripted lenmsg central
    And the reference lenmsg remote is closed and waits for data
    Then the lenmsg call fails with a ConnectionClosedError

  @SRS-LENMSG-030
  Scenario: a client's wait for the close times out, and a send after the close is a ConnectionClosedError
    Given a reference lenmsg server on an ephemeral port
    And a reference lenmsg client connected to the reference server
    When the reference lenmsg client waits for the server to close with a timeout of 100 ms
    Then the lenmsg call fails with a TimeoutError
    When the reference lenmsg server closes
    And the reference lenmsg client sees the server close, then sends the data '1'
    Then the lenmsg call fails with a ConnectionClosedError

  @SRS-LENMSG-031
  Scenario: the reference client refuses a message over its maximum before sending, and keeps order
    Given a scripted lenmsg central that never writes
    And a reference lenmsg client connected to the scripted lenmsg central with a maximum message of 40 bytes
    When the reference lenmsg client sends the data '"far too long for a maximum of forty bytes"'
    Then the lenmsg call fails with a RangeError
    When the reference lenmsg client sends the data '1', '2' and '3' without waiting
    Then the scripted lenmsg central receives the data messages '[1,2,3]'

  @SRS-LENMSG-032
  Scenario: `wireproof client lenmsg` plays a remote and prints what comes back
    Given a reference lenmsg server on an ephemeral port
    When `wireproof client lenmsg` runs against the reference server with the arguments '{"a":[1,"é"]}' and 'plain text'
    Then `wireproof client lenmsg` prints the lines '{"a":[1,"é"]}' and '"plain text"' and exits 0
