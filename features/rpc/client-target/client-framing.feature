@client-target
Feature: rpc clients reassemble replies whatever their segmentation
  A reply is a Pyro4 message: the 24-byte header, its annotation chunks, its body. The
  suite's daemon writes it in any pieces, far apart in time, with annotations the client
  did not ask for; the client delivers the same result. A reply of exactly the client's
  maximum (`maxBytes`: annotations and body, Pyro4's MAX_MESSAGE_SIZE) is delivered.

  Background:
    Given the client under test is started

  @SRS-RPC-105
  Scenario: a CONNECTOK and a result in 1-byte writes
    When the client is told to call echo with '["split"]'
    Then the client connects to the suite's daemon with a CONNECT for wireproof.echo
    When the suite's daemon answers CONNECTOK in 1-byte writes with 1 ms between them
    Then the suite's daemon receives the call
    When the suite's daemon answers the result '"split into single bytes \u00e9\u20ac"' in 1-byte writes with 1 ms between them
    Then the client reports the result '"split into single bytes \u00e9\u20ac"'
    And the client reports the call done

  @SRS-RPC-105
  Scenario: a result in 7-byte writes 20 ms apart
    When the client is told to call echo with '[[1, 2, 3]]', and the suite's daemon receives the call
    And the suite's daemon answers the result '{"list": [1, 2, 3], "text": "seven bytes at a time"}' in 7-byte writes with 20 ms between them
    Then the client reports the result '{"list": [1, 2, 3], "text": "seven bytes at a time"}'
    And the client reports the call done

  @SRS-RPC-105
  Scenario: a header and its body 300 ms apart
    When the client is told to call echo with '["late body"]', and the suite's daemon receives the call
    And the suite's daemon answers the result '"late body"', its header and its body 300 ms apart
    Then the client reports the result '"late body"'
    And the client reports the call done

  @SRS-RPC-105
  Scenario: a result with annotation chunks the client did not ask for
    When the client is told to call echo with '["annotated"]', and the suite's daemon receives the call
    And the suite's daemon answers the result '"annotated"' with a correlation id and an annotation of its own
    Then the client reports the result '"annotated"'
    And the client reports the call done

  @SRS-RPC-107
  Scenario: a result of exactly the client's maximum is delivered
    When the client is told to call echo with '["big"]', and the suite's daemon receives the call
    And the suite's daemon answers a result of exactly the client's maximum
    Then the client reports a result of exactly the client's maximum
    And the client reports the call done
