@client-target
Feature: lenmsg remotes say hello, keep to the heartbeat, shut down, and send errors as data
  The client under test is a remote (PROTOCOLS.md §3) and the suite plays the central. Told
  to start, the remote runs its own server, connects a client to the suite's server and says
  hello with its server's address; the suite connects back there, as a central does, and
  sends data, heartbeats and shutdown on that connection. The heartbeat interval is given in
  the start action, so that these cases run in well under a second.

  Background:
    Given the client under test is started

  @SRS-LENMSG-101
  Scenario: hello is the first message, and names a server the central can connect to
    When the remote is told to start
    Then the remote's first message to the central is a hello naming its own server
    And the client reports the call done
    When the client is told to send the data '"after hello"'
    Then the central receives the data message '"after hello"'
    And the client reports the call done
    When the client is told to receive 1 message
    And the central sends the data '"through the connection back"'
    Then the client reports receiving the data '"through the connection back"'
    And the client reports the call done

  @SRS-LENMSG-108
  Scenario: heartbeats keep the remote running; 3 missed intervals stop it
    When the remote is told to start with a heartbeat interval of 60 ms
    Then the remote says hello and the central connects back
    When the central sends a heartbeat every 30 ms for 300 ms
    And the client is told to wait for the remote to stop
    Then the remote stops 3 heartbeat intervals after the last heartbeat
    And the client reports the remote stopped
    And the remote's server is closed

  @SRS-LENMSG-108
  Scenario: a remote that hears no heartbeat at all stops 3 intervals after its hello
    When the remote is told to start with a heartbeat interval of 60 ms
    Then the remote says hello and the central connects back
    When the client is told to wait for the remote to stop
    Then the remote stops 3 heartbeat intervals after its hello
    And the client reports the remote stopped
    And the remote's server is closed

  @SRS-LENMSG-109
  Scenario: shutdown stops the remote at once
    When the remote is told to start with a heartbeat interval of 1000 ms
    Then the remote says hello and the central connects back
    When the central sends a heartbeat
    And the central sends shutdown
    And the client is told to wait for the remote to stop
    Then the remote stops within 250 ms of the shutdown
    And the client reports the remote stopped
    And the remote's server is closed

  @SRS-LENMSG-110
  Scenario Outline: an error goes out as structured data: <what>
    Given the remote under test has started and said hello
    When the client is told to send the error "<name>" with the message "<message>"
    Then the central receives an error message named "<name>" with the message "<message>"
    And the client reports the call done

    Examples:
      | what                         | name       | message                                |
      | its name, message and stack  | ValueError | bad input: 12                          |
      | a message that reads as code | RuntimeError | __import__('os').system('echo owned') |
