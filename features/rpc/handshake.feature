Feature: rpc connect handshake
  Every connection starts with CONNECT: the daemon answers CONNECTOK, with the object's
  metadata when asked, or CONNECTFAIL and a close. Nothing is served before the handshake.

  @SRS-RPC-012 @SRS-RPC-001 @SRS-RPC-034
  Scenario Outline: CONNECT with metadata on connect gets CONNECTOK listing the exposed methods (<serializer>)
    Given client A is connected to the daemon of wireproof.echo
    When client A sends an rpc CONNECT for "wireproof.echo" in <serializer>
    Then client A receives an rpc CONNECTOK in <serializer> with the CONNECT's seq
    And the CONNECTOK of client A lists the methods '["echo", "add", "fail", "record", "last", "kwargs"]' and the oneway methods '["record"]'

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-012
  Scenario Outline: CONNECT without the metadata flag gets CONNECTOK (<serializer>)
    Given client A is connected to the daemon of wireproof.echo
    When client A sends an rpc CONNECT for "wireproof.echo" in <serializer> without the metadata flag
    Then client A receives an rpc CONNECTOK in <serializer> with the CONNECT's seq

    Examples:
      | serializer |
      | json       |
      | serpent    |

  @SRS-RPC-010 @SRS-RPC-011
  Scenario Outline: CONNECT with serializer id <id> gets CONNECTFAIL and a close
    Given client A is connected to the daemon of wireproof.echo
    When client A sends an rpc CONNECT with serializer id <id>
    Then client A receives an rpc CONNECTFAIL and is closed
    And the daemon of wireproof.echo serves a new connection

    Examples:
      | id |
      | 0  |
      | 99 |

  @SRS-RPC-010 @SRS-RPC-011
  Scenario: a PING before CONNECT gets CONNECTFAIL and a close
    Given client A is connected to the daemon of wireproof.echo
    When client A sends an rpc PING without a body before any CONNECT
    Then client A receives an rpc CONNECTFAIL and is closed

  @SRS-RPC-010
  Scenario: a call before CONNECT is not served and invokes nothing
    Given rpc client B is connected to wireproof.echo
    And rpc client B calls record oneway with '["before"]'
    And rpc client B eventually gets '"before"' from last()
    And client A is connected to the daemon of wireproof.echo
    When client A sends an rpc call of record with '["sneaked in"]' before any CONNECT
    Then client A is closed by the target, receiving at most an rpc CONNECTFAIL
    And rpc client B eventually gets '"before"' from last()

  @SRS-RPC-036
  Scenario: CONNECT for an object the daemon does not host gets CONNECTFAIL
    Given client A is connected to the daemon of wireproof.echo
    When client A sends an rpc CONNECT for "no.such.object"
    Then client A receives an rpc CONNECTFAIL and is closed

  @SRS-RPC-013
  Scenario: a PING after the handshake is answered with a PING of its seq
    Given rpc client A is connected to wireproof.echo
    When rpc client A sends an rpc PING
    Then rpc client A receives the PING answer before any other reply
    And rpc client A still gets echo results
