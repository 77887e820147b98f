Feature: oneline serves one client at a time
  A second client waits, and is served the moment the first goes, however it goes.
  This is the first core feature to run (features run in file name order), right after
  the suite's own liveness probe closed its connection: a server that does not free
  itself when a client goes is caught here first, by the requirement it breaks.

  @SRS-ONELINE-022
  Scenario Outline: a client that goes by <how> frees the server at once
    Given client A is connected
    And client A sends "ping\n"
    And client A receives the line "pong"
    And client B is connected
    When client A <goes>
    And client B sends "ping\n"
    Then client B receives the line "pong"

    Examples:
      | how                      | goes                                 |
      | closing                  | closes its connection                |
      | half-closing             | closes its sending side              |
      | a reset                  | resets its connection                |
      | a reset mid-packet       | sends "pin" and resets its connection |

  @SRS-ONELINE-005 @SRS-ONELINE-006
  Scenario: a second client waits for the first to disconnect
    Given client A is connected
    And client A sends "ping\n"
    And client A receives the line "pong"
    And client B is connected
    When client B sends "ping\n"
    Then client B receives nothing within 300 ms
    When client A sends "disconnect\n"
    Then client A is closed by the target
    And client B receives the line "pong"

  @SRS-ONELINE-006
  Scenario: waiting clients are served in their order of arrival
    Given client A is connected
    And client A sends "ping\n"
    And client A receives the line "pong"
    And client B is connected
    And client B sends "ping\n"
    And client C is connected
    And client C sends "ping\n"
    When client A closes its connection
    Then client B receives the line "pong"
    And client C receives nothing within 200 ms
    When client B closes its connection
    Then client C receives the line "pong"

  @SRS-ONELINE-021 @SRS-ONELINE-022
  Scenario: a partial packet at EOF is discarded
    Given client A is connected
    When client A sends "ping\nping"
    And client A closes its sending side
    Then client A receives the line "pong"
    And client A is closed by the target without receiving anything more
    And client B is connected
    When client B sends "ping\n"
    Then client B receives the line "pong"

  @SRS-ONELINE-018
  Scenario: the server sends nothing unsolicited
    Given client A is connected
    Then client A receives nothing within 300 ms
    When client A sends "ping\n"
    Then client A receives exactly "pong\n"
    And client A receives nothing within 200 ms
