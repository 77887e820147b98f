Feature: channel framing
  A frame is CR LF, MSG, a space, 1 to 10 digits, CR LF, then exactly that many bytes
  of body. The server under test echoes every body back as one frame: echo is how
  delivery is observed. However the client cuts or merges its writes, the same bodies
  come back in the same order.

  Background:
    Given client A is connected

  @SRS-CHANNEL-001 @SRS-CHANNEL-018
  Scenario: a frame is echoed as a frame, and nothing else is sent
    Then client A receives nothing within 300 ms
    When client A sends "\r\nMSG 5\r\nhello"
    Then client A receives the channel body "hello"
    And client A receives nothing within 200 ms

  @SRS-CHANNEL-001 @SRS-CHANNEL-008
  Scenario: frames merged into one write are echoed in order
    When client A sends "\r\nMSG 3\r\none\r\nMSG 3\r\ntwo\r\nMSG 5\r\nthree"
    Then client A receives the channel bodies "one", "two" and "three"

  @SRS-CHANNEL-003
  Scenario Outline: a body of <length> bytes "<body>" is opaque binary
    When client A sends "\r\nMSG <length>\r\n<body>\r\nMSG 4\r\nnext"
    Then client A receives the channel bodies "<body>" and "next"

    Examples:
      | length | body                 |
      | 12     | \r\x0aMSG 3\r\x0aabc     |
      | 2      | \r\x0a                 |
      | 8      | MSG 99\r\x0a           |
      | 6      | \x00\xff\x0d\x0a\x80\x7f |

  @SRS-CHANNEL-003 @SRS-CHANNEL-002
  Scenario: a body holding every byte value comes back whole
    When client A sends a channel frame holding every byte value 4 times
    Then client A receives a channel body holding every byte value 4 times

  @SRS-CHANNEL-004
  Scenario: empty bodies are frames, echoed in their place
    When client A sends "\r\nMSG 0\r\n\r\nMSG 1\r\nx\r\nMSG 0\r\n\r\nMSG 0\r\n"
    Then client A receives the channel bodies "", "x", "" and ""

  @SRS-CHANNEL-005
  Scenario Outline: the length "<digits>" means 5 (leading zeros allowed)
    When client A sends "\r\nMSG <digits>\r\nhello"
    Then client A receives the channel body "hello"

    Examples:
      | digits     |
      | 5          |
      | 05         |
      | 0005       |
      | 0000000005 |

  @SRS-CHANNEL-007
  Scenario Outline: frames cut into <size>-byte writes <gap> ms apart are the same frames
    When client A sends "\r\nMSG 5\r\nhello\r\nMSG 0\r\n\r\nMSG 3\r\nabc" in <size>-byte writes with <gap> ms between them
    Then client A receives the channel bodies "hello", "" and "abc"

    Examples:
      | size | gap |
      | 1    | 3   |
      | 2    | 5   |
      | 5    | 0   |
      | 7    | 2   |

  @SRS-CHANNEL-002 @SRS-CHANNEL-007
  Scenario: a body that arrives a byte at a time is echoed as one frame
    When client A sends "\r\nMSG 10\r\n0123456789" in 1-byte writes with 10 ms between them
    Then client A receives the channel body "0123456789"

  @SRS-CHANNEL-008
  Scenario: frame fragments merged across writes
    When client A sends "\r\nMS"
    And client A sends "G 2\r\nhi\r\nMSG 3\r"
    And client A sends "\nabc\r\nMSG 0\r\n"
    Then client A receives the channel bodies "hi", "abc" and ""

  @SRS-CHANNEL-009 @destructive
  Scenario: a body of 16 MiB, the maximum, is echoed
    When client A sends a channel frame of 16777216 bytes of "m"
    Then client A receives a channel body of 16777216 bytes of "m"
