Feature: cobra reference client
  The reference client and the terminal client, against reference and scripted servers.

  @SRS-COBRA-033
  Scenario: the reference client loads, steps to the end and closes the server
    Given a reference cobra server on ephemeral ports
    And a reference cobra client connected to it
    When the reference cobra client loads "count.py", steps it to its end and closes the server
    Then the reference cobra server has stopped

  @SRS-COBRA-033
  Scenario: a wait of the reference client times out with a TimeoutError
    When a reference cobra client waits for a status from a server that never answers, with a timeout of 200 ms
    Then the reference cobra client call fails with a TimeoutError

  @SRS-COBRA-034
  Scenario: the terminal client shows the line and instruction, steps on n, space and enter, closes on q
    Given a reference cobra server on ephemeral ports
    When the cobra terminal client runs "hello.py" with the keys "n \r\nnnnnnnnnnnnnnnnnnnnnnnnnq"
    Then the cobra terminal client showed ">    1  import sys"
    And the cobra terminal client showed "hello"
    And the cobra terminal client showed "FINISHED  exit code 0"
    And the reference cobra server has stopped
