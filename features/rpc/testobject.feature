Feature: rpc conformance test object
  The target's name server knows wireproof.echo, and the object behaves as PROTOCOLS.md §5
  says: echo, add, fail, record and last, kwargs; in json and in serpent (Pyro4's default).

  @SRS-RPC-031
  Scenario Outline: the name server lists itself and wireproof.echo, each a PYRO URI (<serializer>)
    Given rpc client A is connected to the name server in <serializer>
    When rpc client A calls list with '[]'
    Then rpc client A gets a dict of URI strings including '["Pyro.NameServer", "wireproof.echo"]'
    When rpc client A calls lookup with '["wireproof.echo"]'
    Then rpc client A gets a PYRO URI of the object "wireproof.echo"
    When rpc client A calls lookup with '["Pyro.NameServer"]'
    Then rpc client A gets a PYRO URI of the object "Pyro.NameServer"

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-032
  Scenario Outline: echo returns <what> unchanged (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    When rpc client A calls echo with '[<value>]'
    Then rpc client A gets the result '<value>'

    Examples:
      | what                   | value                                | serializer |
      | null                   | null                                 | json       |
      | true                   | true                                 | json       |
      | zero                   | 0                                    | json       |
      | 2^53 + 1               | 9007199254740993                     | json       |
      | 2^70                   | 1180591620717411303424               | json       |
      | -2^70                  | -1180591620717411303424              | json       |
      | minus zero             | -0.0                                 | json       |
      | a float                | 2.5                                  | json       |
      | a huge float           | 1e300                                | json       |
      | NaN                    | NaN                                  | json       |
      | infinity               | Infinity                             | json       |
      | minus infinity         | -Infinity                            | json       |
      | the empty string       | ""                                   | json       |
      | text beyond the BMP    | "\u20ac \ud834\udd1e \u00e9"         | json       |
      | control characters     | "\u0000\u001f\u000a"                 | json       |
      | nested lists and dicts | [[], {}, [{"a": [null, {"b": []}]}]] | json       |
      | null                   | null                                 | serpent    |
      | true                   | true                                 | serpent    |
      | zero                   | 0                                    | serpent    |
      | 2^53 + 1               | 9007199254740993                     | serpent    |
      | 2^70                   | 1180591620717411303424               | serpent    |
      | -2^70                  | -1180591620717411303424              | serpent    |
      | minus zero             | -0.0                                 | serpent    |
      | a float                | 2.5                                  | serpent    |
      | a huge float           | 1e300                                | serpent    |
      | NaN                    | NaN                                  | serpent    |
      | infinity               | Infinity                             | serpent    |
      | minus infinity         | -Infinity                            | serpent    |
      | the empty string       | ""                                   | serpent    |
      | text beyond the BMP    | "\u20ac \ud834\udd1e \u00e9"         | serpent    |
      | control characters     | "\u0000\u001f\u000a"                 | serpent    |
      | nested lists and dicts | [[], {}, [{"a": [null, {"b": []}]}]] | serpent    |

  @SRS-RPC-033
  Scenario Outline: add(<a>, <b>) returns <sum> (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    When rpc client A calls add with '[<a>, <b>]'
    Then rpc client A gets the result '<sum>'

    Examples:
      | a                   | b                   | sum                 | serializer |
      | 1                   | 2                   | 3                   | json       |
      | 4611686018427387904 | 4611686018427387904 | 9223372036854775808 | json       |
      | 0.5                 | 0.25                | 0.75                | json       |
      | "a"                 | "b"                 | "ab"                | json       |
      | [1]                 | [2, 3]              | [1, 2, 3]           | json       |
      | 1                   | 2                   | 3                   | serpent    |
      | 4611686018427387904 | 4611686018427387904 | 9223372036854775808 | serpent    |
      | 0.5                 | 0.25                | 0.75                | serpent    |
      | "a"                 | "b"                 | "ab"                | serpent    |
      | [1]                 | [2, 3]              | [1, 2, 3]           | serpent    |

  @SRS-RPC-033
  Scenario Outline: add(<a>, <b>) is a TypeError (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    When rpc client A calls add with '[<a>, <b>]'
    Then rpc client A gets the exception builtins.TypeError

    Examples:
      | a    | b   | serializer |
      | 1    | "a" | json       |
      | "a"  | 1   | json       |
      | null | 1   | json       |
      | {}   | {}  | json       |
      | 1    | "a" | serpent    |
      | "a"  | 1   | serpent    |
      | null | 1   | serpent    |
      | {}   | {}  | serpent    |

  @SRS-RPC-034
  Scenario Outline: last() returns what record() recorded last (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    When rpc client A calls record oneway with '[{"kept": [1, 2]}]'
    Then rpc client A eventually gets '{"kept": [1, 2]}' from last()
    When rpc client A calls record oneway with '["again"]'
    Then rpc client A eventually gets '"again"' from last()

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-035
  Scenario Outline: kwargs returns its keyword arguments (<serializer>)
    Given rpc client A is connected to wireproof.echo in <serializer>
    When rpc client A calls kwargs with '[]' and keywords '{"x": 1, "y": "z", "list": [1, {}]}'
    Then rpc client A gets the result '{"x": 1, "y": "z", "list": [1, {}]}'

    Examples:
      | serializer |
      | json       |
      | serpent    |
