Feature: rpc calls
  INVOKE and its RESULT: oneway calls, exceptions as Pyro4 encodes them, unknown objects,
  Python's argument binding, undecodable bodies, batches, compression, correlation ids.

  Background:
    Given rpc client A is connected to wireproof.echo

  @SRS-RPC-015 @SRS-RPC-034
  Scenario: a oneway call runs and sends no reply
    When rpc client A calls record oneway with '["quietly"]'
    And rpc client A sends an rpc PING
    Then rpc client A receives the PING answer before any other reply
    And rpc client A eventually gets '"quietly"' from last()

  @SRS-RPC-016
  Scenario: fail raises ValueError, encoded as Pyro4 encodes exceptions
    When rpc client A calls fail with '["boom"]'
    Then rpc client A gets the exception builtins.ValueError with args '["boom"]'
    And the exception body rpc client A got is encoded as Pyro4 encodes exceptions, with a remote traceback
    And rpc client A still gets echo results

  @SRS-RPC-018
  Scenario: a call of an object the daemon does not host is a DaemonError
    When rpc client A calls echo on the object "no.such.object"
    Then rpc client A gets the exception Pyro4.errors.DaemonError
    And rpc client A still gets echo results

  @SRS-RPC-019 @SRS-RPC-033
  Scenario: keyword arguments bind by parameter name
    When rpc client A calls add with '[]' and keywords '{"a": 40, "b": 2}'
    Then rpc client A gets the result '42'
    When rpc client A calls add with '["4"]' and keywords '{"b": "2"}'
    Then rpc client A gets the result '"42"'

  @SRS-RPC-019
  Scenario Outline: <call> is a TypeError
    When rpc client A calls <method> with '<params>' and keywords '<keywords>'
    Then rpc client A gets the exception builtins.TypeError
    And rpc client A still gets echo results

    Examples:
      | call                              | method | params | keywords     |
      | echo with two arguments           | echo   | [1, 2] | {}           |
      | echo without its argument         | echo   | []     | {}           |
      | add with an unexpected keyword    | add    | [1, 2] | {"c": 3}     |
      | echo given its value twice        | echo   | [1]    | {"value": 2} |
      | kwargs with a positional argument | kwargs | [1]    | {}           |
      | last with an argument             | last   | [1]    | {}           |

  @SRS-RPC-020
  Scenario Outline: a call whose body is <what> gets an exception, and the connection stays usable
    When rpc client A sends a call whose body is '<body>'
    Then rpc client A gets an exception of any class
    And rpc client A still gets echo results

    Examples:
      | what                   | body                                                                             |
      | not json               | not json                                                                         |
      | empty                  |                                                                                  |
      | not UTF-8              | {"object": "wireproof.echo", "method": "echo", "params": ["\xff"], "kwargs": {}} |
      | a json list            | [1, 2]                                                                           |
      | a dict without params  | {"object": "wireproof.echo", "method": "echo"}                                   |

  @SRS-RPC-022
  Scenario: a batch runs its calls in order
    When rpc client A sends the batch '[["echo", [1], {}], ["add", [2, 3], {}], ["kwargs", [], {"k": "v"}]]'
    Then rpc client A gets a batch result of '[1, 5, {"k": "v"}]'

  @SRS-RPC-022
  Scenario: a failing call ends the batch with its wrapped exception
    When rpc client A sends the batch '[["echo", [1], {}], ["fail", ["in batch"], {}], ["echo", [3], {}]]'
    Then rpc client A gets a batch result of '[1]' and a wrapped builtins.ValueError

  @SRS-RPC-023
  Scenario: every daemon hosts Pyro.Daemon
    Given rpc client D is connected to the daemon object of wireproof.echo's daemon
    When rpc client D calls ping with '[]'
    Then rpc client D gets the result 'null'
    When rpc client D calls registered with '[]'
    Then rpc client D gets a list including '["wireproof.echo", "Pyro.Daemon"]'
    When rpc client D calls get_metadata with '["wireproof.echo"]'
    Then rpc client D gets metadata listing the methods '["echo", "add", "fail", "record", "last", "kwargs"]'

  @SRS-RPC-024
  Scenario: a compressed body is handled as the uncompressed body
    When rpc client A calls echo with '["squeezed"]' compressed
    Then rpc client A gets the result '"squeezed"', or compression is not offered

  @SRS-RPC-025
  Scenario: a correlation id comes back with the reply
    When rpc client A calls echo with '[1]' and a correlation id
    Then rpc client A gets the result '1'
    And the reply of rpc client A carries the same correlation id
