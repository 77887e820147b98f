Feature: rpc name server
  Pyro.NameServer on the target port: register, lookup, list, remove, count, ping, in json
  and in serpent (Pyro4's default). Every scenario works under names starting with "suite.",
  removed before it starts.

  Background:
    Given the rpc name server has no names starting with "suite."

  @SRS-RPC-026
  Scenario Outline: looking up an unknown name is a NamingError (<serializer>)
    Given rpc client A is connected to the name server in <serializer>
    When rpc client A calls lookup with '["suite.no.such.name"]'
    Then rpc client A gets the exception Pyro4.errors.NamingError
    When rpc client A calls ping with '[]'
    Then rpc client A gets the result 'null'

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-026 @SRS-RPC-027
  Scenario Outline: a registered name is looked up as its URI (<serializer>)
    Given rpc client A is connected to the name server in <serializer>
    When rpc client A calls register with '["suite.thing", "PYRO:thing@127.0.0.1:1"]'
    Then rpc client A gets the result 'null'
    When rpc client A calls lookup with '["suite.thing"]'
    Then rpc client A gets the URI "PYRO:thing@127.0.0.1:1"

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-027
  Scenario Outline: a safe register of a registered name is a NamingError and keeps the first (<serializer>)
    Given rpc client A is connected to the name server in <serializer>
    When rpc client A calls register with '["suite.safe", "PYRO:first@127.0.0.1:1"]'
    Then rpc client A gets the result 'null'
    When rpc client A calls register with '["suite.safe", "PYRO:second@127.0.0.1:2"]' and keywords '{"safe": true}'
    Then rpc client A gets the exception Pyro4.errors.NamingError
    When rpc client A calls lookup with '["suite.safe"]'
    Then rpc client A gets the URI "PYRO:first@127.0.0.1:1"

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-028
  Scenario Outline: list returns every registration, and exactly those under a prefix (<serializer>)
    Given rpc client A is connected to the name server in <serializer>
    When rpc client A sends the calls '[["register", ["suite.list.a", "PYRO:a@127.0.0.1:1"]], ["register", ["suite.list.b", "PYRO:b@127.0.0.1:2"]], ["register", ["suite.other", "PYRO:c@127.0.0.1:3"]]]' in one write
    Then rpc client A gets the results '[null, null, null]'
    When rpc client A calls list with '[]' and keywords '{"prefix": "suite.list."}'
    Then rpc client A gets a dict of URI strings whose names are '["suite.list.a", "suite.list.b"]'
    When rpc client A calls list with '[]'
    Then rpc client A gets a dict of URI strings including '["suite.list.a", "suite.list.b", "suite.other", "Pyro.NameServer"]'

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-029
  Scenario Outline: remove takes a name away, and removing it again removes nothing (<serializer>)
    Given rpc client A is connected to the name server in <serializer>
    When rpc client A calls register with '["suite.gone", "PYRO:gone@127.0.0.1:1"]'
    Then rpc client A gets the result 'null'
    When rpc client A calls remove with '["suite.gone"]'
    Then rpc client A gets the result '1'
    When rpc client A calls lookup with '["suite.gone"]'
    Then rpc client A gets the exception Pyro4.errors.NamingError
    When rpc client A calls remove with '["suite.gone"]'
    Then rpc client A gets the result '0'

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-030
  Scenario Outline: count counts a new registration, and ping answers None (<serializer>)
    Given rpc client A is connected to the name server in <serializer>
    When rpc client A calls count and notes the result
    And rpc client A calls register with '["suite.counted", "PYRO:counted@127.0.0.1:1"]'
    Then rpc client A gets the result 'null'
    When rpc client A calls count with '[]'
    Then rpc client A gets the noted count plus 1
    When rpc client A calls ping with '[]'
    Then rpc client A gets the result 'null'

    Examples:
      | serializer |
      | json       |
      | serpent    |
