Feature: rpc framing
  A message is a 24-byte header, its annotations and its body. However a client cuts or
  merges its writes, the daemon answers the same calls with the same replies, in order.

  Background:
    Given rpc client A is connected to wireproof.echo

  @SRS-RPC-001 @SRS-RPC-014
  Scenario: a call is answered by a RESULT with its seq and the return value
    When rpc client A calls echo with '[{"a": [1, 2.5, "x", null, true]}]'
    Then rpc client A gets the result '{"a": [1, 2.5, "x", null, true]}'

  @SRS-RPC-002 @SRS-RPC-014
  Scenario Outline: a call cut into <size>-byte writes <gap> ms apart is one call
    When rpc client A calls echo with '["split \u20ac"]' in <size>-byte writes with <gap> ms between them
    Then rpc client A gets the result '"split \u20ac"'

    Examples:
      | size | gap |
      | 1    | 2   |
      | 5    | 5   |
      | 23   | 10  |
      | 25   | 10  |

  @SRS-RPC-003 @SRS-RPC-014
  Scenario: calls merged into one write are answered in order
    When rpc client A sends the calls '[["echo", [1]], ["add", [2, 3]], ["echo", ["three"]], ["kwargs", []], ["echo", [[4]]]]' in one write
    Then rpc client A gets the results '[1, 5, "three", {}, [4]]'

  @SRS-RPC-002 @SRS-RPC-003
  Scenario Outline: calls in <size>-byte writes that straddle messages are answered in order
    When rpc client A sends the calls '[["echo", ["a"]], ["echo", ["bb"]], ["add", ["c", "c"]], ["echo", [null]]]' in <size>-byte writes
    Then rpc client A gets the results '["a", "bb", "cc", null]'

    Examples:
      | size |
      | 7    |
      | 50   |
      | 131  |
