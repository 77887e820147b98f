Feature: lenmsg framing
  A frame is a 4-byte unsigned big-endian length N and N bytes of UTF-8 JSON. However a
  remote cuts or merges its writes, the central delivers the same messages in the same
  order; the suite, playing the remote, sees them come back to its own server as echoes.

  Background:
    Given lenmsg remote A has said hello

  @SRS-LENMSG-001 @SRS-LENMSG-012 @SRS-LENMSG-016
  Scenario: a data message comes back whole to the remote's own server
    When client A sends the lenmsg data '{"text":"hello","n":1,"list":[true,null,2.5]}'
    Then lenmsg remote A receives the data '{"text":"hello","n":1,"list":[true,null,2.5]}'

  @SRS-LENMSG-001 @SRS-LENMSG-012
  Scenario: a body of 256 bytes, whose length has a zero low byte, is one message
    When client A sends the lenmsg data of 231 characters of "b"
    Then lenmsg remote A receives the data of 231 characters of "b"

  @SRS-LENMSG-003
  Scenario Outline: a message cut into <size>-byte writes <gap> ms apart is one message
    When client A sends the lenmsg data '["split",{"\u00e9":"€"}]' in <size>-byte writes with <gap> ms between them
    Then lenmsg remote A receives the data '["split",{"\u00e9":"€"}]'

    Examples:
      | size | gap |
      | 1    | 3   |
      | 3    | 10  |
      | 5    | 0   |

  @SRS-LENMSG-003 @SRS-LENMSG-011
  Scenario: a hello cut into 1-byte writes is one hello
    Given lenmsg remote B has said hello in 1-byte writes with 2 ms between them
    When client B sends the lenmsg data '"after a slow hello"'
    Then lenmsg remote B receives the data '"after a slow hello"'

  @SRS-LENMSG-004 @SRS-LENMSG-010
  Scenario: frames merged into one write are delivered in order
    When client A sends the lenmsg data messages '[1,"two",{"three":3},[4],null,true,"seven"]' in one write
    Then lenmsg remote A receives the data messages '[1,"two",{"three":3},[4],null,true,"seven"]'

  @SRS-LENMSG-003 @SRS-LENMSG-004
  Scenario Outline: frames and fragments of frames merged in <size>-byte writes
    When client A sends the lenmsg data messages '["a",{"b":"bb"},["ccc"],"dddd"]' in <size>-byte writes
    Then lenmsg remote A receives the data messages '["a",{"b":"bb"},["ccc"],"dddd"]'

    Examples:
      | size |
      | 7    |
      | 33   |

  @SRS-LENMSG-002
  Scenario: a connection that closes mid-frame delivers the whole frames before it and nothing of the cut one
    When client A sends the lenmsg data '"whole"'
    And client A sends a lenmsg header announcing 10 more bytes than the data '"cut short"', then that data
    Then lenmsg remote A receives the data '"whole"'
    When client A closes its sending side
    And the lenmsg target is done with client A
    And lenmsg remote A says hello again from client A2
    And client A2 sends the lenmsg data '"after"'
    Then lenmsg remote A receives the data '"after"'
