@client-target
Feature: rpc clients look up, handshake and call
  The suite plays a Pyro4 name server on {port} and a daemon on a port of its own, one pair
  per scenario, for a client under test told to call methods of
  PYRONAME:wireproof.echo@{host}:{port} (`conform --client`; README, "Verifying a client").
  The name server answers the lookup with a PYRO URI of the daemon; the daemon's side is
  scripted message by message, in the serializer the client speaks. One `received` unit is
  one call's outcome: {"result": VALUE} or {"exception": {"class", "args", "traceback"}}.

  Background:
    Given the client under test is started

  @SRS-RPC-100 @SRS-RPC-101 @SRS-RPC-102
  Scenario: a call is looked up, handshaken, then invoked, each message framed exactly
    When the client is told to call echo with '["hello"]'
    Then the client connects to the suite's daemon with a CONNECT for wireproof.echo
    And the client has looked up "wireproof.echo" in the suite's name server 1 time
    And the suite's daemon receives nothing more within 300 ms
    When the suite's daemon answers CONNECTOK
    Then the suite's daemon receives the call
    When the suite's daemon answers the result '"hello"'
    Then the client reports the result '"hello"'
    And the client reports the call done

  @SRS-RPC-100
  Scenario: arguments and keywords go out as the client was told them
    When the client is told to call kwargs with '[]' and keywords '{"x": 1, "y": ["\u00e9t\u00e9", 2.5, null, true], "z": {"": -7}}'
    Then the client connects to the suite's daemon with a CONNECT for wireproof.echo
    When the suite's daemon answers CONNECTOK
    Then the suite's daemon receives the call
    When the suite's daemon answers the result '{"x": 1}'
    Then the client reports the result '{"x": 1}'
    And the client reports the call done
    When the client is told to call echo with '[[1, -2, 3.25, 1e300], "\u20ac \ud83d\ude00 \\ \u0022 \n", {"__proto__": {"constructor": []}}]' again, and the suite's daemon receives the call
    And the suite's daemon answers the result 'null'
    Then the client reports the result 'null'
    And the client reports the call done

  @SRS-RPC-101
  Scenario: a name the name server does not know ends the call, and no daemon is called
    Given the suite's name server does not know "wireproof.echo"
    When the client is told to call echo with '["hello"]'
    Then the client reports that the lookup failed
    And the client has looked up "wireproof.echo" in the suite's name server 1 time
    And the client has not connected to the suite's daemon

  @SRS-RPC-103
  Scenario: a CONNECTFAIL ends the call with an error, and no INVOKE follows
    When the client is told to call echo with '["hello"]'
    Then the client connects to the suite's daemon with a CONNECT for wireproof.echo
    When the suite's daemon answers CONNECTFAIL "not allowed here"
    Then the client reports an error
    And the suite's daemon receives nothing more within 200 ms

  @SRS-RPC-104
  Scenario: consecutive calls go over one connection, each with a seq of its own
    When the client is told to call echo with '[1]', and the suite's daemon receives the call
    And the suite's daemon answers the result '1'
    Then the client reports the result '1'
    And the client reports the call done
    When the client is told to call echo with '[2]'
    Then the suite's daemon receives the call on the same connection, with a new seq
    When the suite's daemon answers the result '2'
    Then the client reports the result '2'
    And the client reports the call done
    When the client is told to call echo with '[3]'
    Then the suite's daemon receives the call on the same connection, with a new seq
    When the suite's daemon answers the result '3'
    Then the client reports the result '3'
    And the client reports the call done
    And the client has looked up "wireproof.echo" in the suite's name server 1 time

  @SRS-RPC-110
  Scenario Outline: a remote <class> is delivered with its class, args and remote traceback
    When the client is told to call fail with '["boom"]', and the suite's daemon receives the call
    And the suite's daemon answers the exception <class> with args '<args>'
    Then the client reports the exception <class> with args '<args>' and its remote traceback
    And the client reports the call done
    When the client is told to call echo with '["after"]' again, and the suite's daemon receives the call
    And the suite's daemon answers the result '"after"'
    Then the client reports the result '"after"'
    And the client reports the call done

    Examples:
      | class                        | args                   |
      | builtins.KeyError            | ["missing", 2]         |
      | Pyro4.errors.SerializeError  | ["cannot serialize x"] |

  @SRS-RPC-111
  Scenario: a oneway call is sent ONEWAY and not waited for; the next call goes on
    When the client is told to call record oneway with '["kept"]', and the suite's daemon receives the call
    Then the client reports the call done without waiting for a reply
    When the client is told to call last with '[]' again, and the suite's daemon receives the call
    And the suite's daemon answers the result '"kept"'
    Then the client reports the result '"kept"'
    And the client reports the call done

  @SRS-RPC-100
  Scenario: told to close, the client closes its connection to the daemon
    When the client is told to call echo with '["x"]', and the suite's daemon receives the call
    And the suite's daemon answers the result '"x"'
    Then the client reports the result '"x"'
    And the client reports the call done
    When the client is told to close
    Then the client reports the call done
    And the client closes its connection to the suite's daemon, having sent nothing more
