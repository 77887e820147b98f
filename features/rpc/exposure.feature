Feature: rpc exposure
  Only the exposed methods of a registered object are callable. Every other name, however
  it is asked for, is an AttributeError and changes nothing: last() still returns what was
  recorded before the attempt. Every attempt is made in json and in serpent (Pyro4's default).

  @SRS-RPC-017
  Scenario Outline: calling "<name>" is an AttributeError and changes nothing (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    And rpc client A calls record oneway with '["before"]'
    And rpc client A eventually gets '"before"' from last()
    When rpc client A calls the method "<name>" with '["pwned"]'
    Then rpc client A gets the exception builtins.AttributeError
    And rpc client A eventually gets '"before"' from last()

    Examples:
      | name                 | serializer |
      | hidden               | json       |
      | _last                | json       |
      | _recorded            | json       |
      | recorded             | json       |
      | __proto__            | json       |
      | constructor          | json       |
      | toString             | json       |
      | valueOf              | json       |
      | hasOwnProperty       | json       |
      | isPrototypeOf        | json       |
      | propertyIsEnumerable | json       |
      | toLocaleString       | json       |
      | __defineGetter__     | json       |
      | __defineSetter__     | json       |
      | __lookupGetter__     | json       |
      | __class__            | json       |
      | __init__             | json       |
      | __dict__             | json       |
      | __getattribute__     | json       |
      | __reduce__           | json       |
      | __del__              | json       |
      | echo.__class__       | json       |
      | Echo                 | json       |
      | ECHO                 | json       |
      | then                 | json       |
      | prototype            | json       |
      |                      | json       |
      | hidden               | serpent    |
      | _last                | serpent    |
      | _recorded            | serpent    |
      | recorded             | serpent    |
      | __proto__            | serpent    |
      | constructor          | serpent    |
      | toString             | serpent    |
      | valueOf              | serpent    |
      | hasOwnProperty       | serpent    |
      | isPrototypeOf        | serpent    |
      | propertyIsEnumerable | serpent    |
      | toLocaleString       | serpent    |
      | __defineGetter__     | serpent    |
      | __defineSetter__     | serpent    |
      | __lookupGetter__     | serpent    |
      | __class__            | serpent    |
      | __init__             | serpent    |
      | __dict__             | serpent    |
      | __getattribute__     | serpent    |
      | __reduce__           | serpent    |
      | __del__              | serpent    |
      | echo.__class__       | serpent    |
      | Echo                 | serpent    |
      | ECHO                 | serpent    |
      | then                 | serpent    |
      | prototype            | serpent    |
      |                      | serpent    |

  @SRS-RPC-017
  Scenario Outline: "<name>" in a batch is an AttributeError and changes nothing (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    And rpc client A calls record oneway with '["before"]'
    And rpc client A eventually gets '"before"' from last()
    When rpc client A sends the batch '[["echo", [1], {}], ["<name>", ["pwned"], {}]]'
    Then rpc client A gets the exception builtins.AttributeError
    And rpc client A eventually gets '"before"' from last()

    Examples:
      | name        | serializer |
      | hidden      | json       |
      | __proto__   | json       |
      | constructor | json       |
      | _last       | json       |
      | hidden      | serpent    |
      | __proto__   | serpent    |
      | constructor | serpent    |
      | _last       | serpent    |

  @SRS-RPC-017
  Scenario Outline: <access> of "<name>" is an AttributeError and changes nothing (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    And rpc client A calls record oneway with '["before"]'
    And rpc client A eventually gets '"before"' from last()
    When rpc client A calls the method "<access>" with '<params>'
    Then rpc client A gets the exception builtins.AttributeError
    And rpc client A eventually gets '"before"' from last()

    Examples:
      | access      | name        | params                  | serializer |
      | __getattr__ | hidden      | ["hidden"]              | json       |
      | __getattr__ | _last       | ["_last"]               | json       |
      | __getattr__ | __proto__   | ["__proto__"]           | json       |
      | __getattr__ | constructor | ["constructor"]         | json       |
      | __setattr__ | _last       | ["_last", "pwned"]      | json       |
      | __setattr__ | hidden      | ["hidden", "pwned"]     | json       |
      | __setattr__ | __proto__   | ["__proto__", {"x": 1}] | json       |
      | __getattr__ | hidden      | ["hidden"]              | serpent    |
      | __getattr__ | _last       | ["_last"]               | serpent    |
      | __getattr__ | __proto__   | ["__proto__"]           | serpent    |
      | __getattr__ | constructor | ["constructor"]         | serpent    |
      | __setattr__ | _last       | ["_last", "pwned"]      | serpent    |
      | __setattr__ | hidden      | ["hidden", "pwned"]     | serpent    |
      | __setattr__ | __proto__   | ["__proto__", {"x": 1}] | serpent    |

  @SRS-RPC-021 @SRS-RPC-032
  Scenario Outline: a __proto__ key is data: echo returns it and nothing is polluted (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    And rpc client A calls record oneway with '["before"]'
    And rpc client A eventually gets '"before"' from last()
    When rpc client A calls echo with '[{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}]'
    Then rpc client A gets the result '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}'
    When rpc client A calls echo with '[{}]'
    Then rpc client A gets the result '{}'

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-021 @SRS-RPC-035
  Scenario Outline: a __proto__ keyword is a keyword like any other (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    And rpc client A calls record oneway with '["before"]'
    And rpc client A eventually gets '"before"' from last()
    When rpc client A calls kwargs with '[]' and keywords '{"__proto__": {"polluted": true}, "x": 1}'
    Then rpc client A gets the result '{"__proto__": {"polluted": true}, "x": 1}'
    When rpc client A calls kwargs with '[]' and keywords '{}'
    Then rpc client A gets the result '{}'

    Examples:
      | serializer |
      | json       |
      | serpent    |
