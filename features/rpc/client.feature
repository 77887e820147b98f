Feature: rpc reference proxy
  The reference proxy against the reference server, and against relays and scripted
  servers that misbehave on purpose. `{ns}`, `{echo}`, `{relay}` and `{scripted}` in a URI
  stand for the locations of the scenario's servers.

  Background:
    Given a reference rpc server on an ephemeral port

  @SRS-RPC-050
  Scenario: a PYRONAME URI is resolved through the name server
    Given a reference rpc proxy for "PYRONAME:wireproof.echo@{ns}"
    When the proxy calls add with '[40, 2]'
    Then the proxy call returns '42'

  @SRS-RPC-050
  Scenario: a PYRO URI is called directly
    Given a reference rpc proxy for "PYRO:wireproof.echo@{echo}"
    When the proxy calls echo with '["direct"]'
    Then the proxy call returns '"direct"'

  @SRS-RPC-051
  Scenario: one connection serves every call, and close() makes the next call reconnect
    Given a relay in front of wireproof.echo that counts connections
    And a reference rpc proxy for "PYRO:wireproof.echo@{relay}"
    When the proxy calls echo with '[1]'
    And the proxy calls echo with '[2]'
    And the proxy calls echo with '[3]'
    Then the proxy call returns '3'
    And the relay saw 1 connection
    When the proxy is closed
    And the proxy calls echo with '[4]'
    Then the proxy call returns '4'
    And the relay saw 2 connections

  @SRS-RPC-052
  Scenario: a reply with another seq is a protocol error, never the call's result
    Given a relay in front of wireproof.echo that answers with the wrong seq
    And a reference rpc proxy for "PYRO:wireproof.echo@{relay}"
    When the proxy calls echo with '["x"]'
    Then the proxy call fails with a PyroProtocolError

  @SRS-RPC-053
  Scenario: a daemon that never answers makes the call fail with a TimeoutError
    Given a scripted rpc server that accepts and never answers
    And a reference rpc proxy for "PYRO:wireproof.echo@{scripted}" with a timeout of 200 ms
    When the proxy calls echo with '[1]'
    Then the proxy call fails with a TimeoutError
    And the proxy call failed within 3000 ms

  @SRS-RPC-053
  Scenario: a per-call timeout overrides the proxy's
    Given a scripted rpc server that accepts and never answers
    And a reference rpc proxy for "PYRO:wireproof.echo@{scripted}" with a timeout of 60000 ms
    When the proxy calls echo with '[1]' and a call timeout of 200 ms
    Then the proxy call fails with a TimeoutError
    And the proxy call failed within 3000 ms

  @SRS-RPC-053
  Scenario: a name server that never answers makes a PYRONAME call fail with a TimeoutError
    Given a scripted rpc server that accepts and never answers
    And a reference rpc proxy for "PYRONAME:wireproof.echo@{scripted}" with a timeout of 200 ms
    When the proxy calls echo with '[1]'
    Then the proxy call fails with a TimeoutError

  @SRS-RPC-054
  Scenario: a remote exception is a RemoteError with the Python class, args and traceback
    Given a reference rpc proxy for "PYRONAME:wireproof.echo@{ns}"
    When the proxy calls fail with '["boom"]'
    Then the proxy call fails with a RemoteError
    And the remote error is a builtins.ValueError with args '["boom"]' and a remote traceback mentioning "boom"

  @SRS-RPC-056
  Scenario: oneway methods are sent oneway, keyword arguments as keywords
    Given a reference rpc proxy for "PYRONAME:wireproof.echo@{ns}"
    When the proxy calls record with '["kept"]'
    Then the proxy call returns nothing, without waiting for a reply
    When the proxy calls last with '[]'
    Then the proxy call returns '"kept"'
    When the proxy calls kwargs with the keywords '{"x": 1, "y": [2]}'
    Then the proxy call returns '{"x": 1, "y": [2]}'

  @SRS-RPC-055
  Scenario Outline: the URI "<text>" parses and prints back as "<printed>"
    When the URI "<text>" is parsed
    Then it is a <protocol> URI of "<object>" at "<location>" and prints back as "<printed>"

    Examples:
      | text                        | protocol | object    | location       | printed                         |
      | PYRO:obj@localhost:4000     | PYRO     | obj       | localhost:4000 | PYRO:obj@localhost:4000         |
      | pyro:obj@127.0.0.1:1        | PYRO     | obj       | 127.0.0.1:1    | PYRO:obj@127.0.0.1:1            |
      | PYRONAME:some.name          | PYRONAME | some.name |                | PYRONAME:some.name              |
      | PYRONAME:some.name@host     | PYRONAME | some.name | host:9090      | PYRONAME:some.name@host:9090    |
      | PYRONAME:some.name@host:123 | PYRONAME | some.name | host:123       | PYRONAME:some.name@host:123     |
      | PYRO:obj@[::1]:4000         | PYRO     | obj       | [::1]:4000     | PYRO:obj@[::1]:4000             |

  @SRS-RPC-055
  Scenario Outline: the malformed URI "<text>" is refused
    When the URI "<text>" is parsed
    Then the URI is refused

    Examples:
      | text                 |
      | PYRO:obj             |
      | PYRO:obj@host        |
      | PYRO:obj@host:99999  |
      | PYRO:obj@host:port   |
      | PYROX:obj@host:1     |
      | http://host:1/obj    |
      | obj@host:1           |

  @SRS-RPC-057
  Scenario: `wireproof client rpc` prints the result
    When `wireproof client rpc` calls "add 40 2" on the reference server's wireproof.echo
    Then it exits 0, printing "42"

  @SRS-RPC-057
  Scenario: `wireproof client rpc` prints a remote error with its class and traceback
    When `wireproof client rpc` calls "fail boom" on the reference server's wireproof.echo
    Then it exits 1, printing "builtins.ValueError"
    And what it printed holds the remote traceback

  @SRS-RPC-065
  Scenario: with serializer serpent, the PYRONAME lookup goes in serpent
    Given a relay in front of the name server that records the serializers
    And a reference rpc proxy for "PYRONAME:wireproof.echo@{relay}" with serializer serpent
    When the proxy calls add with '[40, 2]'
    Then the proxy call returns '42'
    And every message through the relay was in serializer 1

  @SRS-RPC-065
  Scenario: with serializer serpent, the handshake, calls and batches go in serpent
    Given a relay in front of wireproof.echo that records the serializers
    And a reference rpc proxy for "PYRO:wireproof.echo@{relay}" with serializer serpent
    When the proxy calls echo with '[{"a": [1, 2]}]'
    Then the proxy call returns '{"a": [1, 2]}'
    When the proxy runs the batch '[["echo", [1]], ["add", [2, 3]]]'
    Then the proxy call returns '[1, 5]'
    And every message through the relay was in serializer 1

  @SRS-RPC-065
  Scenario: a proxy that speaks json by default sends json
    Given a relay in front of wireproof.echo that records the serializers
    And a reference rpc proxy for "PYRO:wireproof.echo@{relay}"
    When the proxy calls echo with '[1]'
    Then the proxy call returns '1'
    And every message through the relay was in serializer 2

  @SRS-RPC-065
  Scenario: a serpent call answered in json is a protocol error, never the call's result
    Given a relay in front of wireproof.echo that answers serpent calls in json
    And a reference rpc proxy for "PYRO:wireproof.echo@{relay}" with serializer serpent
    When the proxy calls echo with '["x"]'
    Then the proxy call fails with a PyroProtocolError

  @SRS-RPC-066
  Scenario: `wireproof client rpc --serializer serpent` takes a Python literal and prints one
    When `wireproof client rpc --serializer serpent` calls "echo (1,'a',{2.5})" on the reference server's wireproof.echo
    Then it exits 0, printing "(1,'a',{2.5})"

  @SRS-RPC-066
  Scenario: `wireproof client rpc --serializer xml` is a usage error
    When `wireproof client rpc --serializer xml` calls "echo 1" on the reference server's wireproof.echo
    Then it exits 3, printing "--serializer must be json or serpent"
