Feature: oneline shutdown
  "shutdown" closes the client, closes the clients waiting, and stops listening,
  gracefully: responses already due are sent first. These cases stop the server,
  so they run last (or each against a server of its own where the suite starts one).

  @SRS-ONELINE-010 @SRS-ONELINE-011 @SRS-ONELINE-024 @stops-server
  Scenario: shutdown flushes, closes every client and stops listening
    Given client A is connected
    And client A sends "ping\n"
    And client A receives the line "pong"
    And client B is connected
    When client A sends "ping\nshutdown\n"
    Then client A receives the line "pong"
    And client A is closed by the target without receiving anything more
    And client B is closed by the target without receiving anything more
    And the target stops accepting connections

  @SRS-ONELINE-012 @SRS-ONELINE-026
  Scenario: `wireproof serve oneline` reports its port and exits 0 on shutdown
    Given `wireproof serve oneline --port 0` is running
    When client A connects to the port it printed
    And client A sends "shutdown\n"
    Then client A is closed by the target
    And the command exits with code 0

  @SRS-ONELINE-012
  Scenario: the reference server's closed promise resolves on shutdown
    Given a reference oneline server on an ephemeral port
    When client A connects to the reference server
    And client A sends "shutdown\n"
    Then the reference server's closed promise resolves
