Feature: echo clients that come and go
  However a client goes, the next one is served. The reference server serves one
  client at a time, as the lecture's does (other RFC 862 servers may serve several).

  @SRS-ECHO-007 @destructive
  Scenario Outline: a client that goes by <how> does not affect the next client
    Given client A is connected
    And client A sends "abc"
    And client A receives exactly "abc"
    And client B is connected
    When client A <goes>
    And client B sends "next"
    Then client B receives exactly "next"

    Examples:
      | how                | goes                                   |
      | closing            | closes its connection                  |
      | half-closing       | closes its sending side                |
      | a reset            | resets its connection                  |
      | a reset mid-stream | sends "more bytes" and resets its connection |

  @SRS-ECHO-008
  Scenario: a second client gets no echo while the first is connected
    Given client A is connected
    And client A sends "first"
    And client A receives exactly "first"
    And client B is connected
    When client B sends "second"
    Then client B receives nothing within 300 ms
    When client A closes its connection
    Then client B receives exactly "second"

  @SRS-ECHO-008
  Scenario: waiting clients are served in their order of arrival
    Given client A is connected
    And client A sends "a"
    And client A receives exactly "a"
    And client B is connected
    And client B sends "b"
    And client C is connected
    And client C sends "c"
    When client A closes its connection
    Then client B receives exactly "b"
    And client C receives nothing within 200 ms
    When client B closes its connection
    Then client C receives exactly "c"
