Feature: oneline reference client
  The reference client against the reference server and against scripted servers
  that misbehave on purpose.

  @SRS-ONELINE-028
  Scenario: send resolves with the expected number of responses
    Given a reference oneline server on an ephemeral port
    And a reference client connected to it
    When the client sends "multi 3" expecting 3 responses
    Then the responses are "line 1,line 2,line 3"

  @SRS-ONELINE-028
  Scenario: send without a count resolves after a quiet period
    Given a reference oneline server on an ephemeral port
    And a reference client connected to it
    When the client sends "multi 2" with a quiet period of 100 ms
    Then the responses are "line 1,line 2"

  @SRS-ONELINE-029
  Scenario: a server that never answers makes send fail with a TimeoutError
    Given a scripted server that never answers
    And a reference client connected to it with a timeout of 200 ms
    When the client sends "ping" expecting 1 responses
    Then the call fails with a TimeoutError

  @SRS-ONELINE-029 @SRS-ONELINE-030
  Scenario: a server that ignores disconnect makes disconnect fail with a TimeoutError
    Given a scripted server that never answers
    And a reference client connected to it with a timeout of 200 ms
    When the client calls disconnect
    Then the call fails with a TimeoutError

  @SRS-ONELINE-030
  Scenario: ping, disconnect and shutdown against the reference server
    Given a reference oneline server on an ephemeral port
    And a reference client connected to it
    When the client calls ping
    And the client calls disconnect
    And a second reference client connects and calls ping
    And the second client calls shutdown
    Then the reference server's closed promise resolves

  @SRS-ONELINE-031
  Scenario Outline: responses cut into <size>-byte writes are the same responses
    Given a scripted server that answers every packet with "line 1\nline 2\nline 3\n" in <size>-byte writes
    And a reference client connected to it
    When the client sends "anything" expecting 3 responses
    Then the responses are "line 1,line 2,line 3"

    Examples:
      | size |
      | 1    |
      | 5    |
      | 100  |

  @SRS-ONELINE-031
  Scenario: responses merged with the next command's responses stay with their command
    Given a scripted server that answers every packet with "a\nb\n" in 100-byte writes
    And a reference client connected to it
    When the client sends "one" expecting 2 responses
    Then the responses are "a,b"
    When the client sends "two" expecting 2 responses
    Then the responses are "a,b"

  @SRS-ONELINE-032
  Scenario: a server that closes while the client waits gives a ConnectionClosedError
    Given a scripted server that closes on the first packet
    And a reference client connected to it
    When the client sends "ping" expecting 1 responses
    Then the call fails with a ConnectionClosedError
