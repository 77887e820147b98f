@client-target
Feature: rpc clients facing a daemon that misbehaves
  A reply the client cannot decode is never delivered: a header with a bad magic, version,
  checksum or length is a protocol error at once (the claimed body is neither waited for nor
  allocated); a reply with another seq is refused, and its connection is not used again; a
  body that is not what its header says ends the call with an error. A daemon or name server
  that closes, resets, stalls or never answers ends the call with a reported error within
  the client's timeout.

  Background:
    Given the client under test is started

  @SRS-RPC-106
  Scenario Outline: a result with <corruption> is a protocol error, not the result
    When the client is told to call echo with '["x"]', and the suite's daemon receives the call
    And the suite's daemon answers the result '"x"' with "<corruption>"
    Then the client reports a protocol error

    Examples:
      | corruption                      |
      | the magic PYRX                  |
      | version 49                      |
      | a checksum off by one           |
      | a checksum that ignores the seq |

  @SRS-RPC-107
  Scenario: a header announcing one byte over the client's maximum is a protocol error at once
    When the client is told to call echo with '["x"]', and the suite's daemon receives the call
    And the suite's daemon answers a header announcing one byte over the client's maximum
    Then the client reports a protocol error

  @SRS-RPC-107
  Scenario: a header announcing 2147483647 bytes is a protocol error at once
    When the client is told to call echo with '["x"]', and the suite's daemon receives the call
    And the suite's daemon answers the result '"x"' with "an announced length of 2147483647"
    Then the client reports a protocol error

  @SRS-RPC-114
  Scenario: a header announcing a negative length (0xFFFFFFFF, -1) is a protocol error at once
    When the client is told to call echo with '["x"]', and the suite's daemon receives the call
    And the suite's daemon answers the result '"x"' with "an announced length of 0xFFFFFFFF"
    Then the client reports a protocol error

  @SRS-RPC-108
  Scenario: a result with the seq of the INVOKE plus one is refused, and the next call takes a new connection
    When the client is told to call echo with '["first"]', and the suite's daemon receives the call
    And the suite's daemon answers the result '"not yours"' with the seq of the INVOKE plus 1
    Then the client reports a protocol error
    When the client is told to call echo with '["second"]' again, and the suite's daemon receives the call on a new connection
    And the suite's daemon answers the result '"second"'
    Then the client reports the result '"second"'
    And the client reports the call done

  @SRS-RPC-108
  Scenario: a stale result, with the seq of the call before, is refused
    When the client is told to call echo with '["first"]', and the suite's daemon receives the call
    And the suite's daemon answers the result '"first"'
    Then the client reports the result '"first"'
    And the client reports the call done
    When the client is told to call echo with '["second"]' again, and the suite's daemon receives the call
    And the suite's daemon answers the result '"first"' with the seq of the call before
    Then the client reports a protocol error

  @SRS-RPC-109
  Scenario Outline: <reply> is never the call's result
    When the client is told to call echo with '["x"]', and the suite's daemon receives the call
    And the suite's daemon answers <answer>
    Then the client reports an error

    Examples:
      | reply                                            | answer                                                   |
      | a body that is neither serpent nor json          | a result whose body is "\xff\xfe not a value ("          |
      | a result in the other serializer                 | the result '"x"' in the other serializer                 |
      | an exception whose body is not an exception      | an exception whose body is the value '"x"'               |
      | a CONNECTOK in answer to the INVOKE              | the INVOKE with a CONNECTOK                              |

  @SRS-RPC-109
  Scenario: a RESULT in answer to the CONNECT is not a handshake
    When the client is told to call echo with '["x"]'
    Then the client connects to the suite's daemon with a CONNECT for wireproof.echo
    When the suite's daemon answers the CONNECT with a RESULT
    Then the client reports an error

  @SRS-RPC-112
  Scenario Outline: a daemon that closes after <bytes> bytes of the result
    When the client is told to call echo with '["x"]', and the suite's daemon receives the call
    And the suite's daemon answers <bytes> bytes of the result '"cut short"' and closes the connection
    Then the client reports the connection closed

    Examples:
      | bytes |
      | 0     |
      | 24    |
      | 30    |

  @SRS-RPC-112
  Scenario: a daemon that resets in the middle of the result
    When the client is told to call echo with '["x"]', and the suite's daemon receives the call
    And the suite's daemon answers 30 bytes of the result '"cut short"' and resets the connection
    Then the client reports the connection closed or an error

  @SRS-RPC-112
  Scenario: a daemon that closes in the middle of the CONNECTOK
    When the client is told to call echo with '["x"]'
    Then the client connects to the suite's daemon with a CONNECT for wireproof.echo
    When the suite's daemon answers 12 bytes of CONNECTOK and closes the connection
    Then the client reports the connection closed

  @SRS-RPC-113
  Scenario: a daemon that never answers the call
    When the client is told to call echo with '["x"]', and the suite's daemon receives the call
    Then the client reports a timeout within its timeout

  @SRS-RPC-113
  Scenario Outline: a daemon that stalls after <bytes> bytes of the result
    When the client is told to call echo with '["x"]', and the suite's daemon receives the call
    And the suite's daemon answers <bytes> bytes of the result '"stalled"'
    Then the client reports a timeout within its timeout

    Examples:
      | bytes |
      | 10    |
      | 30    |

  @SRS-RPC-113
  Scenario: a daemon that never answers the CONNECT
    When the client is told to call echo with '["x"]'
    Then the client connects to the suite's daemon with a CONNECT for wireproof.echo
    And the client reports a timeout within its timeout

  @SRS-RPC-113
  Scenario: a name server that never answers
    Given the suite's name server never answers
    When the client is told to call echo with '["x"]'
    Then the client reports a timeout within its timeout
