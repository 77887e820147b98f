Feature: rpc protocol errors
  A bad header closes its connection, and only that connection: a client beside it keeps
  being served, and a new connection to wireproof.echo's daemon is served after it.

  @destructive @SRS-RPC-009
  Scenario Outline: a CONNECT with <corruption> closes the connection, and the daemon serves on
    Given client A is connected to the daemon of wireproof.echo
    When client A sends an rpc CONNECT with "<corruption>"
    Then client A is closed by the target, receiving at most an rpc CONNECTFAIL
    And the daemon of wireproof.echo serves a new connection

    @SRS-RPC-004
    Examples: bad magic
      | corruption                 |
      | the magic PYRX             |
      | a magic of four zero bytes |

    @SRS-RPC-005
    Examples: bad version
      | corruption |
      | version 47 |
      | version 0  |

    @SRS-RPC-006
    Examples: bad checksum
      | corruption                      |
      | a checksum off by one           |
      | a checksum that ignores the seq |

    @SRS-RPC-008
    Examples: negative length
      | corruption                        |
      | an announced length of 0xFFFFFFFF |

  # Oversize claims are SRS-RPC-007's alone: a daemon with no maximum (Pyro4's default)
  # waits for the body, and that breaks no other requirement.
  @destructive @SRS-RPC-007
  Scenario: a CONNECT with an announced length of 2147483647 closes the connection, and the daemon serves on
    Given client A is connected to the daemon of wireproof.echo
    When client A sends an rpc CONNECT with "an announced length of 2147483647"
    Then client A is closed by the target, receiving at most an rpc CONNECTFAIL
    And the daemon of wireproof.echo serves a new connection

  @destructive @SRS-RPC-009
  Scenario Outline: a call with <corruption> closes only its connection
    Given rpc client B is connected to wireproof.echo
    And rpc client A is connected to wireproof.echo
    When rpc client A sends a call with "<corruption>"
    Then client A is closed by the target, receiving at most an rpc CONNECTFAIL
    And rpc client B still gets echo results
    And the daemon of wireproof.echo serves a new connection

    @SRS-RPC-004
    Examples: bad magic
      | corruption       |
      | the lowercase magic pyro |

    @SRS-RPC-005
    Examples: bad version
      | corruption |
      | version 49 |

    @SRS-RPC-006
    Examples: bad checksum
      | corruption                      |
      | a checksum without its constant |

    @SRS-RPC-008
    Examples: negative length
      | corruption                        |
      | an announced length of 0x80000000 |

  @destructive @SRS-RPC-007
  Scenario Outline: a call with <corruption> closes only its connection
    Given rpc client B is connected to wireproof.echo
    And rpc client A is connected to wireproof.echo
    When rpc client A sends a call with "<corruption>"
    Then client A is closed by the target, receiving at most an rpc CONNECTFAIL
    And rpc client B still gets echo results
    And the daemon of wireproof.echo serves a new connection

    Examples: oversize
      | corruption                        |
      | an announced length of 2147483647 |
      | an announced length of 1073741824 |

  @destructive @SRS-RPC-007
  Scenario: an oversize claim to the name server closes that connection
    Given rpc client A is connected to the name server
    When rpc client A sends a call with "an announced length of 2147483647"
    Then client A is closed by the target, receiving at most an rpc CONNECTFAIL

  @destructive @SRS-RPC-009
  Scenario Outline: a call cut short after <n> bytes and a FIN closes only that connection
    Given rpc client B is connected to wireproof.echo
    And rpc client A is connected to wireproof.echo
    When rpc client A sends a call of echo cut short after <n> bytes
    And client A closes its sending side
    Then client A is closed by the target, receiving at most an rpc CONNECTFAIL
    And rpc client B still gets echo results
    And the daemon of wireproof.echo serves a new connection

    Examples:
      | n   |
      | 1   |
      | 23  |
      | 24  |
      | 100 |

  @destructive @SRS-RPC-009
  Scenario: a client that resets mid-message does not disturb the one beside it
    Given rpc client B is connected to wireproof.echo
    And rpc client A is connected to wireproof.echo
    When rpc client A sends a call of echo cut short after 40 bytes
    And client A resets its connection
    Then rpc client B still gets echo results
    And the daemon of wireproof.echo serves a new connection
