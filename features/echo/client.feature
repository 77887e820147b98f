Feature: echo reference client
  The lecture's client: connect, print the server's address, send, receive, close.

  @SRS-ECHO-013
  Scenario: the client reports the server's address as the lecture prints it, and gets its bytes back
    Given a reference echo server on an ephemeral port
    When the reference echo client sends "Hello, world" to it
    Then the echo client reported the server's address as the lecture prints it
    And the echo client received "Hello, world"

  @SRS-ECHO-013
  Scenario: `wireproof client echo` prints the server's address and what came back
    Given a reference echo server on an ephemeral port
    When `wireproof client echo Hello, world` runs against it
    Then it printed "Client connected to: ('127.0.0.1', PORT)" with the server's port, then "Client received 'Hello, world'"

  @SRS-ECHO-014
  Scenario: a server that never answers makes the client fail with a TimeoutError
    Given a scripted echo server that never answers
    When the reference echo client sends "x" to it with a timeout of 200 ms
    Then the echo client failed with a TimeoutError

  @SRS-ECHO-014
  Scenario: a server that resets makes the client fail with a ConnectionClosedError
    Given a scripted echo server that resets on the first bytes
    When the reference echo client sends "x" to it
    Then the echo client failed with a ConnectionClosedError
