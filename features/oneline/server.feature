Feature: oneline reference server options
  Binding, ports and limits of the reference server (not asked of other servers).

  @SRS-ONELINE-025
  Scenario: the reference server binds 127.0.0.1 by default
    Given a reference oneline server on an ephemeral port
    Then the reference server is bound to "127.0.0.1"

  @SRS-ONELINE-025
  Scenario: the reference server binds the address it is given
    Given a reference oneline server on "::1" and an ephemeral port
    Then the reference server is bound to "::1"

  @SRS-ONELINE-026
  Scenario: port 0 gives an ephemeral port, reported by the API
    Given a reference oneline server on an ephemeral port
    Then the reference server reports a port above 0 that accepts connections

  @SRS-ONELINE-026
  Scenario: `wireproof serve oneline` defaults to port 5005
    Then `wireproof serve oneline` without --port would listen on 127.0.0.1:5005

  @SRS-ONELINE-027
  Scenario: the maximum packet size is configurable
    Given a reference oneline server with a maximum packet of 8 bytes
    When client A connects to the reference server
    And client A sends "echo abc\necho abcd\n"
    Then client A receives the line "abc"
    And client A receives the line "invalid"
