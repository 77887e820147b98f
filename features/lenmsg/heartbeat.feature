Feature: lenmsg heartbeats
  The central sends every remote a heartbeat each interval. The suite assumes the default
  interval of 1 s, and allows 250 ms of scheduling slack (scaled with --timeout-scale).

  @SRS-LENMSG-014 @SRS-LENMSG-015
  Scenario: two remotes each receive a heartbeat per interval, seq increasing
    Given lenmsg remote A has said hello
    And lenmsg remote B has said hello
    Then lenmsg remote A receives 2 heartbeats with increasing seq, one per interval of 1000 ms
    And lenmsg remote B receives 2 heartbeats with increasing seq, one per interval of 1000 ms
