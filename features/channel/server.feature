Feature: channel reference server
  The reference server's own options and behaviour (not asked of other servers):
  many clients at once, binding, ports, the maximum body, a graceful close.

  @SRS-CHANNEL-020
  Scenario: two clients are served at the same time
    Given client A is connected
    And client A sends "\r\nMSG 5\r\nfirst"
    And client A receives the channel body "first"
    And client B is connected
    When client B sends "\r\nMSG 6\r\nsecond"
    Then client B receives the channel body "second"
    When client A sends "\r\nMSG 5\r\nagain"
    Then client A receives the channel body "again"

  @SRS-CHANNEL-021
  Scenario: the reference server binds 127.0.0.1 by default
    Given a reference channel server on an ephemeral port
    Then the reference channel server is bound to "127.0.0.1"

  @SRS-CHANNEL-021
  Scenario: the reference server binds the address it is given
    Given a reference channel server on "::1" and an ephemeral port
    Then the reference channel server is bound to "::1"

  @SRS-CHANNEL-022
  Scenario: port 0 gives an ephemeral port, reported by the API
    Given a reference channel server on an ephemeral port
    Then the reference channel server reports a port above 0 that accepts connections

  @SRS-CHANNEL-022
  Scenario: `wireproof serve channel` reports the port it got and echoes
    Given `wireproof serve channel --port 0` is running
    When client A connects to the port it printed
    And client A sends "\r\nMSG 2\r\nhi"
    Then client A receives the channel body "hi"

  @SRS-CHANNEL-022
  Scenario: `wireproof serve channel` defaults to port 5000
    Then `wireproof serve channel` without --port would listen on 127.0.0.1:5000

  @SRS-CHANNEL-023
  Scenario: the maximum body is configurable
    Given a reference channel server with a maximum body of 8 bytes
    When client A connects to the reference channel server
    And client A sends "\r\nMSG 8\r\n12345678\r\nMSG 9\r\n"
    Then client A receives the channel body "12345678"
    And client A is closed by the target with a FIN, receiving nothing more

  @SRS-CHANNEL-024
  Scenario: closing the server flushes, closes every channel and stops listening
    Given a reference channel server on an ephemeral port
    When client A connects to the reference channel server
    And client A sends "\r\nMSG 6\r\nbefore"
    And client A receives the channel body "before"
    And the reference channel server closes
    Then client A is closed by the target with a FIN, receiving nothing more
    And the reference channel server's closed promise resolves
    And the reference channel server stops accepting connections
