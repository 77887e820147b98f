Feature: rpc calls
  INVOKE and its RESULT: oneway calls, exceptions as Pyro4 encodes them, unknown objects,
  Python's argument binding, undecodable bodies, batches, compression, correlation ids.
  Each body case runs in both of Pyro4's serializers a daemon must accept: serpent (Pyro4's
  default) and json; the reply must come in the serializer of its request.

  @SRS-RPC-015 @SRS-RPC-034
  Scenario Outline: a oneway call runs and sends no reply (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    When rpc client A calls record oneway with '["quietly"]'
    And rpc client A sends an rpc PING
    Then rpc client A receives the PING answer before any other reply
    And rpc client A eventually gets '"quietly"' from last()

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-016
  Scenario Outline: fail raises ValueError, encoded as Pyro4 encodes exceptions (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    When rpc client A calls fail with '["boom"]'
    Then rpc client A gets the exception builtins.ValueError with args '["boom"]'
    And the exception body rpc client A got is encoded as Pyro4 encodes exceptions, with a remote traceback
    And rpc client A still gets echo results

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-018
  Scenario Outline: a call of an object the daemon does not host is a DaemonError (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    When rpc client A calls echo on the object "no.such.object"
    Then rpc client A gets the exception Pyro4.errors.DaemonError
    And rpc client A still gets echo results

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-019 @SRS-RPC-033
  Scenario Outline: keyword arguments bind by parameter name (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    When rpc client A calls add with '[]' and keywords '{"a": 40, "b": 2}'
    Then rpc client A gets the result '42'
    When rpc client A calls add with '["4"]' and keywords '{"b": "2"}'
    Then rpc client A gets the result '"42"'

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-019
  Scenario Outline: <call> is a TypeError (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    When rpc client A calls <method> with '<params>' and keywords '<keywords>'
    Then rpc client A gets the exception builtins.TypeError
    And rpc client A still gets echo results

    Examples:
      | call                              | method | params | keywords     | serializer |
      | echo with two arguments           | echo   | [1, 2] | {}           | json       |
      | echo without its argument         | echo   | []     | {}           | json       |
      | add with an unexpected keyword    | add    | [1, 2] | {"c": 3}     | json       |
      | echo given its value twice        | echo   | [1]    | {"value": 2} | json       |
      | kwargs with a positional argument | kwargs | [1]    | {}           | json       |
      | last with an argument             | last   | [1]    | {}           | json       |
      | echo with two arguments           | echo   | [1, 2] | {}           | serpent    |
      | echo without its argument         | echo   | []     | {}           | serpent    |
      | add with an unexpected keyword    | add    | [1, 2] | {"c": 3}     | serpent    |
      | echo given its value twice        | echo   | [1]    | {"value": 2} | serpent    |
      | kwargs with a positional argument | kwargs | [1]    | {}           | serpent    |
      | last with an argument             | last   | [1]    | {}           | serpent    |

  @SRS-RPC-020
  Scenario Outline: a <serializer> call whose body is <what> gets an exception, and the connection stays usable
    Given rpc client A is connected to wireproof.echo in <serializer>
    When rpc client A sends a call whose body is '<body>'
    Then rpc client A gets an exception of any class
    And rpc client A still gets echo results

    Examples:
      | what                  | serializer | body                                                                                         |
      | not json              | json       | not json                                                                                     |
      | empty                 | json       |                                                                                              |
      | not UTF-8             | json       | {"object": "wireproof.echo", "method": "echo", "params": ["\xff"], "kwargs": {}}             |
      | a json list           | json       | [1, 2]                                                                                       |
      | a dict without params | json       | {"object": "wireproof.echo", "method": "echo"}                                               |
      | not serpent           | serpent    | # serpent utf-8 python3.2\nnot serpent                                                       |
      | empty                 | serpent    |                                                                                              |
      | not UTF-8             | serpent    | # serpent utf-8 python3.2\n("wireproof.echo","echo",("\xff",),{})                            |
      | a tuple of three      | serpent    | # serpent utf-8 python3.2\n("wireproof.echo","echo",(1,))                                    |
      | a dict, json's shape  | serpent    | # serpent utf-8 python3.2\n{"object":"wireproof.echo","method":"echo","params":[1],"kwargs":{}} |

  @SRS-RPC-022
  Scenario Outline: a batch runs its calls in order (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    When rpc client A sends the batch '[["echo", [1], {}], ["add", [2, 3], {}], ["kwargs", [], {"k": "v"}]]'
    Then rpc client A gets a batch result of '[1, 5, {"k": "v"}]'

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-022
  Scenario Outline: a failing call ends the batch with its wrapped exception (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    When rpc client A sends the batch '[["echo", [1], {}], ["fail", ["in batch"], {}], ["echo", [3], {}]]'
    Then rpc client A gets a batch result of '[1]' and a wrapped builtins.ValueError

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-023
  Scenario Outline: every daemon hosts Pyro.Daemon (<serializer>)
    Given rpc client D is connected to the daemon object of wireproof.echo's daemon in <serializer>
    When rpc client D calls ping with '[]'
    Then rpc client D gets the result 'null'
    When rpc client D calls registered with '[]'
    Then rpc client D gets a list including '["wireproof.echo", "Pyro.Daemon"]'
    When rpc client D calls get_metadata with '["wireproof.echo"]'
    Then rpc client D gets metadata listing the methods '["echo", "add", "fail", "record", "last", "kwargs"]'

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-024
  Scenario Outline: a compressed body is handled as the uncompressed body (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    When rpc client A calls echo with '["squeezed"]' compressed
    Then rpc client A gets the result '"squeezed"', or compression is not offered

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-025
  Scenario: a correlation id comes back with the reply
    Given rpc client A is connected to wireproof.echo
    When rpc client A calls echo with '[1]' and a correlation id
    Then rpc client A gets the result '1'
    And the reply of rpc client A carries the same correlation id
