Feature: rpc conformance test object
  The target's name server knows wireproof.echo, and the object behaves as PROTOCOLS.md §5
  says: echo, add, fail, record and last, kwargs.

  @SRS-RPC-031
  Scenario: the name server lists itself and wireproof.echo, each a PYRO URI
    Given rpc client A is connected to the name server
    When rpc client A calls list with '[]'
    Then rpc client A gets a dict of URI strings including '["Pyro.NameServer", "wireproof.echo"]'
    When rpc client A calls lookup with '["wireproof.echo"]'
    Then rpc client A gets a PYRO URI of the object "wireproof.echo"
    When rpc client A calls lookup with '["Pyro.NameServer"]'
    Then rpc client A gets a PYRO URI of the object "Pyro.NameServer"

  @SRS-RPC-032
  Scenario Outline: echo returns <what> unchanged
    Given rpc client A is connected to wireproof.echo
    When rpc client A calls echo with '[<value>]'
    Then rpc client A gets the result '<value>'

    Examples:
      | what                  | value                                          |
      | null                  | null                                           |
      | true                  | true                                           |
      | zero                  | 0                                              |
      | 2^53 + 1              | 9007199254740993                               |
      | 2^70                  | 1180591620717411303424                         |
      | -2^70                 | -1180591620717411303424                        |
      | minus zero            | -0.0                                           |
      | a float               | 2.5                                            |
      | a huge float          | 1e300                                          |
      | NaN                   | NaN                                            |
      | infinity              | Infinity                                       |
      | minus infinity        | -Infinity                                      |
      | the empty string      | ""                                             |
      | text beyond the BMP   | "\u20ac \ud834\udd1e \u00e9"                   |
      | control characters    | "\u0000\u001f\u000a"                           |
      | nested lists and dicts | [[], {}, [{"a": [null, {"b": []}]}]]          |

  @SRS-RPC-033
  Scenario Outline: add(<a>, <b>) returns <sum>
    Given rpc client A is connected to wireproof.echo
    When rpc client A calls add with '[<a>, <b>]'
    Then rpc client A gets the result '<sum>'

    Examples:
      | a                   | b                   | sum                  |
      | 1                   | 2                   | 3                    |
      | 4611686018427387904 | 4611686018427387904 | 9223372036854775808  |
      | 0.5                 | 0.25                | 0.75                 |
      | "a"                 | "b"                 | "ab"                 |
      | [1]                 | [2, 3]              | [1, 2, 3]            |

  @SRS-RPC-033
  Scenario Outline: add(<a>, <b>) is a TypeError
    Given rpc client A is connected to wireproof.echo
    When rpc client A calls add with '[<a>, <b>]'
    Then rpc client A gets the exception builtins.TypeError

    Examples:
      | a    | b   |
      | 1    | "a" |
      | "a"  | 1   |
      | null | 1   |
      | {}   | {}  |

  @SRS-RPC-034
  Scenario: last() returns what record() recorded last
    Given rpc client A is connected to wireproof.echo
    When rpc client A calls record oneway with '[{"kept": [1, 2]}]'
    Then rpc client A eventually gets '{"kept": [1, 2]}' from last()
    When rpc client A calls record oneway with '["again"]'
    Then rpc client A eventually gets '"again"' from last()

  @SRS-RPC-035
  Scenario: kwargs returns its keyword arguments
    Given rpc client A is connected to wireproof.echo
    When rpc client A calls kwargs with '[]' and keywords '{"x": 1, "y": "z", "list": [1, {}]}'
    Then rpc client A gets the result '{"x": 1, "y": "z", "list": [1, {}]}'
