Feature: http robustness
  A malformed request, an over-long path or a client that goes away harms nothing:
  the next client is served, and so are clients at the same time. A request line that
  whitespace splits into more than three words is never served (a MUST: two recipients
  that split it differently read different targets, RFC 9112 §11.2); other invalid request
  lines take RFC 9112 §3.2's level, a SHOULD NOT autocorrect.

  @SRS-HTTP-011 @destructive
  Scenario Outline: the request line "<line>", more than three words, serves no file
    When an http client sends the request line "<line>" on the wire
    Then the http answer is not a success and does not hold the bytes of "<file>"
    And the next http client gets "hello.txt" intact

    Examples:
      | line                           | file           |
      | GET /with space.txt HTTP/1.1   | with space.txt |
      | GET /with\tspace.txt HTTP/1.1  | with space.txt |
      | GET /with\x0bspace.txt HTTP/1.1 | with space.txt |
      | GET /hel lo.txt HTTP/1.1       | hello.txt      |
      | GET /hello.txt /other HTTP/1.1 | hello.txt      |
      | GET /hello.txt HTTP/1.1 extra  | hello.txt      |

  @SRS-HTTP-037
  Scenario Outline: the invalid request line "<line>" is not autocorrected
    When an http client sends the request line "<line>" on the wire
    Then the http answer is not a success and does not hold the bytes of "hello.txt"

    Examples:
      | line                        |
      | GARBAGE                     |
      | GET/hello.txt HTTP/1.1      |
      | GET /hello.txt HTTX/1.1     |
      | GET /hello.txt HTTP/1.1.1   |
      | GET /hello.txt http/1.1     |
      | GET /hello.txt HT\x01TP/1.1 |

  @SRS-HTTP-017 @destructive
  Scenario Outline: whatever the answer to the invalid request line "<line>", the next client is served
    When an http client sends the request line "<line>" on the wire, whatever the answer
    Then the next http client gets "hello.txt" intact

    Examples:
      | line                        |
      | GARBAGE                     |
      | GET /hello.txt HTTX/1.1     |
      | GET /hello.txt HT\x01TP/1.1 |

  @SRS-HTTP-012
  Scenario Outline: the malformed request line "<line>" is answered 400
    When an http client sends the request line "<line>" on the wire
    Then the http answer's status is one of "400, 301"

    Examples:
      | line                          |
      | GARBAGE                       |
      | GET /hello.txt HTTX/1.1       |
      | GET /hello.txt HTTP/1.1 extra |
      | GET /hel lo.txt HTTP/1.1      |

  @SRS-HTTP-012
  Scenario: an HTTP version the server does not speak is answered 400 or 505
    When an http client sends the request line "GET /hello.txt HTTP/9.9" on the wire
    Then the http answer's status is one of "400, 505"

  @SRS-HTTP-015 @SRS-HTTP-017 @destructive
  Scenario Outline: a path of <length> bytes gets a 4xx or a close, and the next client is served
    When an http client requests a path of <length> bytes on the wire
    Then the http answer is a 4xx or a closed connection
    And the next http client gets "hello.txt" intact

    Examples:
      | length |
      | 8192   |
      | 65536  |

  @SRS-HTTP-016
  Scenario: a client with half a request does not delay another client
    Given client A is connected
    And client A sends "GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    When an http client GETs "/sub/nested.txt"
    Then the http answer is 200 with the exact bytes of "sub/nested.txt" and their Content-Length, if it sends one

  @SRS-HTTP-016
  Scenario: 16 clients at once each get their own file
    Then 16 http clients GETting the fixture files at once each get their own file's exact bytes

  @SRS-HTTP-017 @destructive
  Scenario: a client that resets in the middle of a download does not affect the next
    When an http client starts downloading the large generated file and resets its connection after the first bytes
    Then the next http client gets "hello.txt" intact

  @SRS-HTTP-017 @destructive
  Scenario: a client that resets in the middle of its request does not affect the next
    Given client A is connected
    When client A sends "GET /hello.txt HTTP/1.1\r\nHo" and resets its connection
    Then the next http client gets "hello.txt" intact
