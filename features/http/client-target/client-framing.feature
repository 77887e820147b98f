@client-target
Feature: http clients send requests exactly and read responses by their framing
  The suite plays an HTTP/1.1 server by hand for a client under test (`conform --client`),
  one fresh client process per scenario: it writes responses byte by byte, as a correct
  server would and as no correct server does. A request goes out as an exact HTTP/1.1 head;
  a response is delivered as its status, the header fields the client reports and its body,
  framed by Content-Length, chunked coding or the close, however the server cuts its writes.
  After a length-delimited response the suite keeps the connection open: the framing, not
  the close, ends the call.

  Background:
    Given the client under test is started

  @SRS-HTTP-100
  Scenario: a GET goes out as an exact HTTP/1.1 request head, and nothing before it
    Then the suite receives nothing within 200 ms
    When the client is told to get "/hello.txt"
    Then the suite receives the request line "GET /hello.txt HTTP/1.1" and a valid head
    When the suite answers "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    Then the client reports status 200 and the body "hello"
    And the client reports the call done

  @SRS-HTTP-100
  Scenario: a target with percent-escapes and a query goes out unchanged
    When the client is told to get "/dir/with%20space.txt?q=a%2Fb&x=%C3%A9"
    Then the suite receives the request line "GET /dir/with%20space.txt?q=a%2Fb&x=%C3%A9 HTTP/1.1" and a valid head
    When the suite answers "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    Then the client reports status 200 and the body "ok"
    And the client reports the call done

  @SRS-HTTP-100 @SRS-HTTP-105
  Scenario: a HEAD goes out as HEAD, and its answer has no body whatever its Content-Length
    When the client is told to head "/hello.txt"
    Then the suite receives the request line "HEAD /hello.txt HTTP/1.1" and a valid head
    When the suite answers "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nContent-Type: text/plain\r\n\r\n"
    Then the client reports status 200 and the body ""
    And the client reports the call done

  @SRS-HTTP-101
  Scenario Outline: the status is delivered whatever the reason phrase (<case>)
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "<status line>\r\nContent-Length: 4\r\n\r\nbody"
    Then the client reports status <status> and the body "body"
    And the client reports the call done

    Examples:
      | case                  | status line                         | status |
      | an error status       | HTTP/1.1 404 Not Found              | 404    |
      | an empty phrase       | HTTP/1.1 200\x20                    | 200    |
      | a phrase of words     | HTTP/1.1 201 Created, and then some | 201    |
      | bytes beyond ASCII    | HTTP/1.1 503 \xe9chec \xff          | 503    |
      | an HTTP/1.0 answer    | HTTP/1.0 500 Internal Server Error  | 500    |

  @SRS-HTTP-101
  Scenario: header values are delivered without the whitespace around them
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "HTTP/1.1 200 OK\r\nX-Wireproof: \t a  b\t \r\nContent-Length: 2\r\n\r\nok"
    Then the client reports status 200 and the body "ok", with any "X-Wireproof" field it reports as "a  b"
    And the client reports the call done

  @SRS-HTTP-102
  Scenario Outline: interim responses before the final one are skipped (<case>)
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "<interim>HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal"
    Then the client reports status 200 and the body "final"
    And the client reports the call done

    Examples:
      | case                  | interim                                                                                      |
      | 100 Continue          | HTTP/1.1 100 Continue\r\n\r\n                                                                |
      | 103 Early Hints       | HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n                 |
      | three in a row        | HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.js>\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n |

  @SRS-HTTP-103
  Scenario: a Content-Length body of every byte value is delivered exactly, and the call ends without a close
    When the client is told to get "/all.bin"
    Then the suite receives a request
    When the suite answers every byte value 4 times with a Content-Length
    Then the client reports status 200 and every byte value 4 times as the body
    And the client reports the call done

  @SRS-HTTP-103
  Scenario: an empty Content-Length body ends the call at once
    When the client is told to get "/empty.txt"
    Then the suite receives a request
    When the suite answers "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    Then the client reports status 200 and the body ""
    And the client reports the call done

  @SRS-HTTP-103
  Scenario: a response in 1-byte writes is delivered whole
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world" in 1-byte writes with 1 ms between them
    Then the client reports status 200 and the body "hello world"
    And the client reports the call done

  @SRS-HTTP-103
  Scenario: a body without Content-Length or chunked coding runs to the close
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nto the close\r\n" and closes the connection
    Then the client reports status 200 and the body "to the close\r\n"
    And the client reports the call done

  @SRS-HTTP-104
  Scenario: a chunked body is decoded whatever its chunk sizes
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers a chunked body of "the quick brown fox" in chunks of "1,3,15"
    Then the client reports status 200 and the body "the quick brown fox"
    And the client reports the call done

  @SRS-HTTP-104
  Scenario: hex in either case with leading zeros, chunk extensions and a trailer section
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n000A;name=value;q=\"quoted;\"\r\n0123456789\r\nb;x\r\nabcdefghijk\r\n00\r\nX-Trailer: 1\r\n\r\n"
    Then the client reports status 200 and the body "0123456789abcdefghijk"
    And the client reports the call done

  @SRS-HTTP-104
  Scenario: a chunked response in 1-byte writes is decoded whole
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n" in 1-byte writes with 1 ms between them
    Then the client reports status 200 and the body "hello world"
    And the client reports the call done

  @SRS-HTTP-104
  Scenario: chunked coding overrides a Content-Length, or the response is refused
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
    Then the client reports status 200 and the body "hello", or a protocol error

  @SRS-HTTP-105
  Scenario Outline: a <status> has no body, and the call ends at the end of its head
    When the client is told to get "/x"
    Then the suite receives a request
    When the suite answers "HTTP/1.1 <status> <reason>\r\nETag: \"v1\"\r\n\r\n"
    Then the client reports status <status> and the body ""
    And the client reports the call done

    Examples:
      | status | reason       |
      | 204    | No Content   |
      | 304    | Not Modified |
