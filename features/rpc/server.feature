Feature: rpc reference server
  Binding, ports, limits and closing of the reference server (not asked of other servers).

  @SRS-RPC-040
  Scenario: the reference server binds 127.0.0.1 by default
    Given a reference rpc server on an ephemeral port
    Then the reference rpc server is bound to "127.0.0.1"

  @SRS-RPC-040
  Scenario: the reference server binds the address it is given
    Given a reference rpc server on "::1" and an ephemeral port
    Then the reference rpc server is bound to "::1"

  @SRS-RPC-040
  Scenario: port 0 gives an ephemeral port, reported by the API
    Given a reference rpc server on an ephemeral port
    Then the reference rpc server reports a port above 0 that accepts connections

  @SRS-RPC-040
  Scenario: `wireproof serve rpc` defaults to the name server port 9090
    Then `wireproof serve rpc` without --port would listen on 127.0.0.1:9090

  @SRS-RPC-040
  Scenario: `wireproof serve rpc --port 0` prints both URIs and serves them
    Given `wireproof serve rpc --port 0` is running
    Then the command printed the name server URI and the wireproof.echo URI
    Given rpc client A is connected to the name server at the port it printed
    When rpc client A calls lookup with '["wireproof.echo"]'
    Then rpc client A gets a PYRO URI of the object "wireproof.echo"
    When the command receives SIGTERM
    Then the command exits with code 0

  @SRS-RPC-041
  Scenario: a message at the maximum is served, one byte over closes the connection
    Given a reference rpc server with a maximum message of 1000 bytes
    And rpc client A is connected to the reference server's wireproof.echo
    When rpc client A calls echo in a message of 1000 bytes
    Then rpc client A gets that value back
    When rpc client A calls echo in a message of 1001 bytes
    Then client A is closed by the target, receiving at most an rpc CONNECTFAIL

  @SRS-RPC-042
  Scenario: closing answers the calls already received, then closes and stops accepting
    Given a reference rpc server on an ephemeral port
    And rpc client A is connected to the reference server's wireproof.echo
    When rpc client A sends the calls '[["echo", ["0"]], ["echo", ["1"]], ["echo", ["2"]], ["echo", ["3"]], ["echo", ["4"]], ["echo", ["5"]]]' in one write
    And the reference rpc server closes as the first reply to rpc client A arrives
    Then rpc client A gets the results '["1", "2", "3", "4", "5"]'
    And client A is closed by the target
    And the reference rpc server's closed promise resolves
    And the reference rpc server stops accepting connections

  @SRS-RPC-064
  Scenario: a reference daemon accepting only json answers a serpent CONNECT with CONNECTFAIL and a close
    Given a reference rpc server accepting only json
    And client A is connected to the reference server's wireproof.echo daemon
    When client A sends an rpc CONNECT for "wireproof.echo" in serpent
    Then client A receives an rpc CONNECTFAIL and is closed

  @SRS-RPC-064
  Scenario: a reference daemon accepting only serpent answers a json call with SerializeError in json, then closes
    Given a reference rpc server accepting only serpent
    And rpc client A is connected to the reference server's wireproof.echo in serpent
    When rpc client A speaks json from now on
    And rpc client A calls echo with '[1]'
    Then rpc client A gets the exception Pyro4.errors.SerializeError
    And client A is closed by the target

  @SRS-RPC-064
  Scenario: `wireproof serve rpc --serializers json` refuses serpent, as Pyro4's SERIALIZERS_ACCEPTED does
    Given `wireproof serve rpc --port 0 --serializers json` is running
    And rpc client A is connected to the name server at the port it printed
    When rpc client A speaks serpent from now on
    And rpc client A calls ping with '[]'
    Then rpc client A gets the exception Pyro4.errors.SerializeError
    And client A is closed by the target

  @SRS-RPC-064
  Scenario: a call in a serializer wireproof does not speak (pickle) closes the connection
    Given a reference rpc server on an ephemeral port
    And rpc client A is connected to the reference server's wireproof.echo
    When rpc client A calls echo in serializer 4, which wireproof does not speak
    Then client A is closed by the target, receiving at most an rpc CONNECTFAIL
