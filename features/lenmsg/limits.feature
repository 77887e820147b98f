Feature: lenmsg limits and protocol errors
  A length over 16 MiB, a body that is not UTF-8, or one that is not JSON: the central
  closes that connection, and every other remote carries on. For the length the suite
  sends the header alone: deciding needs no body, and a central must not wait for one.

  Background:
    Given lenmsg remote A has said hello
    And lenmsg remote B has said hello
    And client B sends the lenmsg data '"B before"'
    And lenmsg remote B receives the data '"B before"'

  @SRS-LENMSG-005 @SRS-LENMSG-009 @destructive
  Scenario Outline: a header announcing <length> bytes closes that connection only
    When client A sends a lenmsg header announcing <length> bytes
    Then client A is closed by the target
    When client B sends the lenmsg data '"B after"'
    Then lenmsg remote B receives the data '"B after"'

    Examples:
      | length     |
      | 16777217   |
      | 4294967295 |

  @SRS-LENMSG-006
  Scenario: a header announcing exactly 16 MiB is not refused
    When client A sends a lenmsg header announcing 16777216 bytes
    Then the lenmsg target keeps client A open for 300 ms
    When client B sends the lenmsg data '"B after"'
    Then lenmsg remote B receives the data '"B after"'

  # @no-faults: through the fault profile's slicer (about 2 KB/s) 100,000 bytes outlast the case's time limit.
  @SRS-LENMSG-006 @SRS-LENMSG-012 @no-faults
  Scenario: a body of 100,000 bytes is delivered whole
    When client A sends the lenmsg data of 100000 characters of "x"
    Then lenmsg remote A receives the data of 100000 characters of "x"

  @SRS-LENMSG-007 @SRS-LENMSG-009 @destructive
  Scenario Outline: a body that is not UTF-8 (<class>) closes that connection only
    When client A sends a lenmsg frame holding '{"type":"data","body":"<bytes>"}'
    Then client A is closed by the target
    When client B sends the lenmsg data '"B after"'
    Then lenmsg remote B receives the data '"B after"'

    Examples:
      | class                     | bytes            |
      | lone continuation byte    | a\x80b           |
      | overlong slash (2 bytes)  | \xc0\xaf         |
      | overlong NUL (3 bytes)    | \xe0\x80\x80     |
      | UTF-16 surrogate          | \xed\xa0\x80     |
      | code point over U+10FFFF  | \xf4\x90\x80\x80 |
      | byte 0xFF                 | \xff             |
      | truncated 3-byte sequence | \xe2\x82         |

  @SRS-LENMSG-008 @SRS-LENMSG-009 @destructive
  Scenario Outline: a body that is not JSON (<what>) closes that connection only
    When client A sends a lenmsg frame holding '<body>'
    Then client A is closed by the target
    When client B sends the lenmsg data '"B after"'
    Then lenmsg remote B receives the data '"B after"'

    Examples:
      | what                     | body                                  |
      | the empty body           |                                       |
      | plain text               | hello                                 |
      | truncated JSON           | {"type":"data"                        |
      | NaN                      | {"type":"data","body":NaN}            |
      | Infinity                 | {"type":"data","body":-Infinity}      |
      | trailing text            | {"type":"data","body":1} x            |
      | a byte order mark        | \xef\xbb\xbf{"type":"data","body":1}  |
      | a raw control character  | {"type":"data","body":"\x01"}         |

  @SRS-LENMSG-021 @info
  Scenario Outline: JSON that is not a lenmsg message (<what>)
    When client A sends a lenmsg frame holding '<body>'
    And client A sends the lenmsg data '"after"'
    Then whether lenmsg remote A receives the data '"after"' is recorded

    Examples:
      | what                | body              |
      | an array            | [1,2,3]           |
      | an unknown type     | {"type":"nope"}   |
      | data without a body | {"type":"data"}   |
      | a bare string       | "data"            |
