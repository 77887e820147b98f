Feature: cobra close
  `close` stops the program, disconnects the control client and stops listening on both
  ports, gracefully: replies to the lines before it are sent first. These cases stop the
  server, so they run last (each against a server of its own where the suite starts one).

  @SRS-COBRA-018 @SRS-COBRA-027 @stops-server
  Scenario: close stops the program, disconnects the client and stops listening on both ports
    Given a cobra control client C is attached
    And client F is connected
    When client F loads the cobra program "pid.py"
    And the cobra control client steps the program until it has printed
    And client C sends "bogus\nclose\n"
    Then the cobra control client receives an error reply
    And client C is closed by the target
    And the target stops accepting connections
    And the cobra control port stops accepting connections
    And the cobra program's process is gone, where the suite started the server
