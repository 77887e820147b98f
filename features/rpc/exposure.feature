Feature: rpc exposure
  Only the exposed methods of a registered object are callable. Every other name, however
  it is asked for, is an AttributeError and changes nothing: last() still returns what was
  recorded before the attempt.

  Background:
    Given rpc client A is connected to wireproof.echo
    And rpc client A calls record oneway with '["before"]'
    And rpc client A eventually gets '"before"' from last()

  @SRS-RPC-017
  Scenario Outline: calling "<name>" is an AttributeError and changes nothing
    When rpc client A calls the method "<name>" with '["pwned"]'
    Then rpc client A gets the exception builtins.AttributeError
    And rpc client A eventually gets '"before"' from last()

    Examples:
      | name                 |
      | hidden               |
      | _last                |
      | _recorded            |
      | recorded             |
      | __proto__            |
      | constructor          |
      | toString             |
      | valueOf              |
      | hasOwnProperty       |
      | isPrototypeOf        |
      | propertyIsEnumerable |
      | toLocaleString       |
      | __defineGetter__     |
      | __defineSetter__     |
      | __lookupGetter__     |
      | __class__            |
      | __init__             |
      | __dict__             |
      | __getattribute__     |
      | __reduce__           |
      | __del__              |
      | echo.__class__       |
      | Echo                 |
      | ECHO                 |
      | then                 |
      | prototype            |
      |                      |

  @SRS-RPC-017
  Scenario Outline: "<name>" in a batch is an AttributeError and changes nothing
    When rpc client A sends the batch '[["echo", [1], {}], ["<name>", ["pwned"], {}]]'
    Then rpc client A gets the exception builtins.AttributeError
    And rpc client A eventually gets '"before"' from last()

    Examples:
      | name        |
      | hidden      |
      | __proto__   |
      | constructor |
      | _last       |

  @SRS-RPC-017
  Scenario Outline: <access> of "<name>" is an AttributeError and changes nothing
    When rpc client A calls the method "<access>" with '<params>'
    Then rpc client A gets the exception builtins.AttributeError
    And rpc client A eventually gets '"before"' from last()

    Examples:
      | access      | name        | params                   |
      | __getattr__ | hidden      | ["hidden"]               |
      | __getattr__ | _last       | ["_last"]                |
      | __getattr__ | __proto__   | ["__proto__"]            |
      | __getattr__ | constructor | ["constructor"]          |
      | __setattr__ | _last       | ["_last", "pwned"]       |
      | __setattr__ | hidden      | ["hidden", "pwned"]      |
      | __setattr__ | __proto__   | ["__proto__", {"x": 1}]  |

  @SRS-RPC-021 @SRS-RPC-032
  Scenario: a __proto__ key is data: echo returns it and nothing is polluted
    When rpc client A calls echo with '[{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}]'
    Then rpc client A gets the result '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}'
    When rpc client A calls echo with '[{}]'
    Then rpc client A gets the result '{}'

  @SRS-RPC-021 @SRS-RPC-035
  Scenario: a __proto__ keyword is a keyword like any other
    When rpc client A calls kwargs with '[]' and keywords '{"__proto__": {"polluted": true}, "x": 1}'
    Then rpc client A gets the result '{"__proto__": {"polluted": true}, "x": 1}'
    When rpc client A calls kwargs with '[]' and keywords '{}'
    Then rpc client A gets the result '{}'
