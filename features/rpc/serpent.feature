Feature: rpc serpent
  serpent is Pyro4's default serializer (id 1): Python literal text after the header
  `# serpent utf-8 python3.2`. A daemon must accept it beside json, answer each request in
  the serializer it came in, carry every serpent value, and never evaluate a body.
  Literals after "serpent literal:" and "serpent result:" are Python's, to the end of the line.

  @SRS-RPC-060 @SRS-RPC-014
  Scenario: the call a Pyro4 client makes with its defaults is answered in serpent
    Given rpc client A is connected to wireproof.echo in serpent
    When rpc client A calls echo with the serpent literal: {'a': [1, 2]}
    Then rpc client A gets the serpent result: {'a': [1, 2]}

  @SRS-RPC-060 @SRS-RPC-026
  Scenario: the name server answers a serpent lookup with a Pyro4.core.URI in serpent
    Given rpc client A is connected to the name server in serpent
    When rpc client A calls lookup with '["wireproof.echo"]'
    Then rpc client A gets a PYRO URI of the object "wireproof.echo"

  @SRS-RPC-061
  Scenario Outline: on a connection handshaken in <first>, a call in <second> is answered in <second>
    Given rpc client A is connected to wireproof.echo in <first>
    When rpc client A speaks <second> from now on
    And rpc client A calls echo with '["in <second>"]'
    Then rpc client A gets the result '"in <second>"'
    When rpc client A speaks <first> from now on
    And rpc client A calls echo with '["in <first>"]'
    Then rpc client A gets the result '"in <first>"'

    Examples:
      | first   | second  |
      | json    | serpent |
      | serpent | json    |

  @SRS-RPC-062 @SRS-RPC-032
  Scenario Outline: echo returns <what> unchanged in serpent
    Given rpc client A is connected to wireproof.echo in serpent
    When rpc client A calls echo with the serpent literal: <value>
    Then rpc client A gets the serpent result: <value>

    Examples:
      | what                          | value                                                   |
      | an int past 2^64              | -123456789012345678901234567890                         |
      | minus zero                    | -0.0                                                    |
      | the infinities                | [1e30000, -1e30000]                                     |
      | NaN, as serpent's class dict  | {'__class__':'float','value':'nan'}                     |
      | floats repr() prints oddly    | [1e+16, 1e-07, 0.1, 5e-324, 1.7976931348623157e+308]    |
      | complex numbers               | [(1.5-2.0j), (0.0+1e30000j), -2j]                       |
      | a tuple                       | (1, ('a',), ())                                         |
      | a set                         | {1, 2, 3}                                               |
      | bytes, as serpent's dict      | {'data': 'AP8=', 'encoding': 'base64'}                  |
      | quotes                        | ['\'"', "it's", '"']                                    |
      | escapes                       | ['\\x00\\x1f\\x7f\\x85\\xa0\\u2028\\ufeff', '\\\\', '\\t\\r\\n'] |
      | a lone surrogate              | '\\ud800x'                                              |
      | text beyond the BMP           | '€ 😀 \\U0001f600'                                       |
      | nested empties                | {'a': [(), {}, []], 'b': ((),)}                         |
      | int and tuple keys (1.0 is 1) | {1: 'one', (2, 'b'): 'tuple', 1.0: 'again'}             |

  @SRS-RPC-063 @destructive
  Scenario Outline: a serpent body with <what> is answered with an exception or a close, and runs nothing
    Given rpc client B is connected to wireproof.echo in serpent
    And rpc client B calls record oneway with '["before"]'
    And rpc client B eventually gets '"before"' from last()
    And rpc client A is connected to wireproof.echo in serpent
    When rpc client A sends the hostile serpent body "<what>"
    Then rpc client A gets an exception or is closed
    And rpc client B eventually gets '"before"' from last()
    And the daemon of wireproof.echo serves a new connection

    Examples:
      | what                       |
      | a call of os.system        |
      | a lambda                   |
      | a name                     |
      | an attribute               |
      | a call of a literal        |
      | a comprehension            |
      | an f-string                |
      | a power                    |
      | a repetition               |
      | 10,000 nested brackets     |
      | a 100,000-digit integer    |
      | a string cut in its escape |
      | invalid UTF-8              |
      | a NUL byte                 |

  @SRS-RPC-067
  Scenario Outline: the reference serpent codec writes <what> as python3-serpent does
    When the reference serpent codec reads and writes again: <literal>
    Then it writes the serpent text: <written>

    Examples:
      | what                       | literal                              | written                            |
      | a float repr() shortens    | 10000000000000000.0                  | 1e+16                              |
      | a tiny float               | 0.0000001                            | 1e-07                              |
      | minus zero                 | -0.0                                 | -0.0                               |
      | an infinity                | -1e30000                             | -1e30000                           |
      | NaN                        | {'__class__':'float','value':'nan'}  | {'__class__':'float','value':'nan'} |
      | a complex number           | (1.5 - 2j)                           | (1.5-2.0j)                         |
      | a dict in its order        | {'b': 1, 'a': (2,), 'c': {3}, 'd': []} | {'b':1,'a':(2,),'c':{3},'d':[]}  |
      | a one-item tuple           | (1,)                                 | (1,)                               |
      | a str holding a quote      | "it's"                               | "it's"                             |
      | a str holding both quotes  | '\'"'                                | '\\'"'                             |
      | characters repr() escapes  | '\\x85\\xa0\\u2028\\ud800\\x7f'      | '\\x85\\xa0\\u2028\\ud800\\x7f'    |
      | printable characters       | '\\u20ac\\U0001f600\\xe9'            | '€😀é'                             |
      | an int past 2^64           | 123456789012345678901234567890       | 123456789012345678901234567890     |

  @SRS-RPC-067
  Scenario Outline: the reference serpent reader refuses a body with <what> at byte <offset>
    When the reference serpent codec reads the hostile serpent body "<what>"
    Then it refuses it at byte <offset>, saying '<why>'

    Examples:
      | what                       | offset | why                          |
      | a call of os.system        | 54     | the name __import__          |
      | a lambda                   | 54     | a lambda is not a literal    |
      | an attribute               | 57     | attribute access             |
      | a call of a literal        | 57     | a call is not a literal      |
      | a power                    | 55     | found "*"                    |
      | 10,000 nested brackets     | 564    | nesting deeper than 512      |
      | a 100,000-digit integer    | 54     | more than 4300 digits        |
      | a string cut in its escape | 58     | cut in its \\x escape        |
      | invalid UTF-8              | 55     | not valid UTF-8              |
      | a NUL byte                 | 56     | a NUL character              |
