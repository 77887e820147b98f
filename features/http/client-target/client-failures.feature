@client-target
Feature: http clients facing a server that misbehaves
  A response cut short is never complete; framing that breaks RFC 9112 (a Content-Length
  that is not a number, chunked coding that is not chunked coding) and a first line that
  is no status line are protocol errors, never data; a body over the client's maximum is
  refused by the time its byte past the maximum arrives; a server that stalls or never
  answers ends the call with a timeout within the client's timeout.

  Background:
    Given the client under test is started

  @SRS-HTTP-106
  Scenario Outline: a server that closes <where> leaves the response incomplete
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "<sent>" and closes the connection
    Then the client reports the response incomplete

    Examples:
      | where                               | sent                                                                      |
      | before answering                    |                                                                           |
      | inside the status line              | HTTP/1.1 20                                                               |
      | inside the header section           | HTTP/1.1 200 OK\r\nContent-Type: text/pl                                  |
      | before the empty line ending the head | HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n                         |
      | inside a Content-Length body        | HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello                        |
      | between chunks                      | HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n       |
      | inside a chunk                      | HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel             |

  @SRS-HTTP-106
  Scenario: a server that resets inside a Content-Length body leaves the response incomplete
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello" and resets the connection
    Then the client reports the response incomplete or an error

  @SRS-HTTP-107
  Scenario Outline: a Content-Length of <case> is a protocol error
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "HTTP/1.1 200 OK\r\n<fields>\r\nhello, world" and closes the connection
    Then the client reports a protocol error

    Examples:
      | case                     | fields                                          |
      | letters                  | Content-Length: abc\r\n                         |
      | a minus sign             | Content-Length: -1\r\n                          |
      | a plus sign              | Content-Length: +5\r\n                          |
      | a list of two values     | Content-Length: 5, 12\r\n                       |
      | two fields that differ   | Content-Length: 5\r\nContent-Length: 12\r\n     |

  @SRS-HTTP-108
  Scenario Outline: a chunk size of <case> is a protocol error
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n<size>\r\nhello\r\n0\r\n\r\n" and closes the connection
    Then the client reports a protocol error

    Examples:
      | case               | size |
      | letters            | zz   |
      | a minus sign       | -5   |
      | a 0x prefix        | 0x5  |

  @SRS-HTTP-108
  Scenario: chunk data not followed by CRLF is a protocol error
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n" and closes the connection
    Then the client reports a protocol error

  @SRS-HTTP-108
  Scenario: a chunk size over 64 bits is never read as its low bits
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000005\r\nhello\r\n0\r\n\r\n" and closes the connection
    Then the client reports the response incomplete

  @SRS-HTTP-109
  Scenario Outline: a body one byte over the client's maximum in <framing> is refused, not waited for
    When the client is told to get "/big"
    Then the suite receives a request
    When the suite answers a body one byte over the client's maximum in "<framing>", then stalls
    Then the client reports a protocol error

    Examples:
      | framing                  |
      | a Content-Length         |
      | a Content-Length of 2^40 |
      | chunks of 4096 bytes     |
      | one chunk                |
      | bytes to the close       |

  @SRS-HTTP-109
  Scenario: a body of exactly the client's maximum is delivered
    When the client is told to get "/big"
    Then the suite receives a request
    When the suite answers "y" repeated to the client's maximum with a Content-Length
    Then the client reports status 200 and "y" repeated to the client's maximum as the body
    And the client reports the call done

  @SRS-HTTP-110
  Scenario Outline: a first line that is not a status line (<case>) is a protocol error
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "<sent>" and closes the connection
    Then the client reports a protocol error

    Examples:
      | case                         | sent                                                |
      | HTTP/0.9: bare bytes         | hello, world\n                                      |
      | a misspelt protocol name     | HTTX/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok      |
      | an RTSP server's answer      | RTSP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok      |
      | no status code               | HTTP/1.1 OK\r\nContent-Length: 2\r\n\r\nok          |
      | a code with a letter         | HTTP/1.1 20x OK\r\nContent-Length: 2\r\n\r\nok      |
      | a code of four digits        | HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok     |

  @SRS-HTTP-110
  Scenario: an SSH server's greeting is a protocol error at once, though the server then waits
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"
    Then the client reports a protocol error

  @SRS-HTTP-111
  Scenario Outline: a server that <how> makes the call time out within the client's timeout
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "<sent>"
    Then the client reports a timeout within its timeout

    Examples:
      | how                                  | sent                                                               |
      | never answers                        |                                                                    |
      | stalls inside the head               | HTTP/1.1 200 OK\r\nContent-Le                                      |
      | stalls inside a Content-Length body  | HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello                 |
      | stalls inside a chunked body         | HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n |
