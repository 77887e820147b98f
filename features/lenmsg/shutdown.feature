Feature: lenmsg shutdown
  A central that stops tells every remote to shut down, after the echoes it owes; a
  remote that says shutdown is forgotten. Stopping the central runs last, against a
  central of its own where the suite starts one (embedded, --spawn: SIGTERM).

  @SRS-LENMSG-020
  Scenario: a remote that sends shutdown is forgotten, and the others carry on
    Given lenmsg remote A has said hello
    And lenmsg remote B has said hello
    And the lenmsg target connects back to remote A
    When client A sends a lenmsg frame holding '{"type":"shutdown"}'
    Then the lenmsg target closes its connection to remote A
    When client B sends the lenmsg data '"B still here"'
    Then lenmsg remote B receives the data '"B still here"'

  @SRS-LENMSG-019 @stops-server
  Scenario: a central that stops sends shutdown to every remote, after the echoes it owes
    Given lenmsg remote A has said hello
    And lenmsg remote B has said hello
    And client A sends the lenmsg data messages '[1,2,3]' in one write
    And lenmsg remote A receives the data messages '[1,2,3]'
    # An echo, not the connect-back alone: a central may stop between connecting back and keeping the link.
    And client B sends the lenmsg data '"B ready"'
    And lenmsg remote B receives the data '"B ready"'
    When the lenmsg target is stopped
    Then lenmsg remote A receives a shutdown
    And lenmsg remote B receives a shutdown
    And the lenmsg target closes its connection to remote A
    And the lenmsg target closes its connection to remote B

  @SRS-LENMSG-025 @SRS-LENMSG-023 @SRS-LENMSG-024
  Scenario: `wireproof serve lenmsg` prints its port, and on SIGTERM shuts its remotes down and exits 0
    Given `wireproof serve lenmsg --port 0 --heartbeat-ms 200` is running
    And lenmsg remote A has said hello to the port it printed
    When client A sends the lenmsg data '"via the CLI"'
    Then lenmsg remote A receives the data '"via the CLI"'
    And lenmsg remote A receives 2 heartbeats with increasing seq, one per interval of 200 ms
    When the command receives SIGTERM
    Then lenmsg remote A receives a shutdown
    And the command exits with code 0
