Feature: http methods
  GET and HEAD only: the server is read-only, so no other method is ever answered 2xx
  (SRS-HTTP-010). A refusal is 405 or 501, CONNECT may also get 400 (SRS-HTTP-033), and a
  405 lists GET and HEAD in Allow (SRS-HTTP-034). OPTIONS may instead be answered 2xx with
  an Allow that lists GET and HEAD and nothing the server then refuses (SRS-HTTP-035, -036).

  @SRS-HTTP-010
  Scenario Outline: <method> /hello.txt is never answered 2xx
    When an http client sends a <method> request for "/hello.txt"
    Then the http answer is not a success and does not hold the bytes of "hello.txt"

    Examples:
      | method  |
      | POST    |
      | PUT     |
      | DELETE  |
      | PATCH   |
      | TRACE   |
      | BREW    |

  @SRS-HTTP-010
  Scenario: a POST with content is never answered 2xx
    When an http client sends "POST /hello.txt HTTP/1.1\r\nHost: {authority}\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello" on the wire
    Then the http answer is not a success and does not hold the bytes of "hello.txt"

  @SRS-HTTP-010
  Scenario: CONNECT is never answered 2xx (a read-only file server opens no tunnel)
    When an http client sends "CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1:9\r\nConnection: close\r\n\r\n" on the wire
    Then the http answer is not a success and does not hold the bytes of "hello.txt"

  @SRS-HTTP-033
  Scenario Outline: <method> /hello.txt is refused with 405 or 501
    When an http client sends a <method> request for "/hello.txt"
    Then the http answer's status is one of "405, 501"

    Examples:
      | method  |
      | POST    |
      | PUT     |
      | DELETE  |
      | PATCH   |
      | TRACE   |
      | BREW    |

  @SRS-HTTP-033
  Scenario: CONNECT is refused with 400, 405 or 501
    When an http client sends "CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1:9\r\nConnection: close\r\n\r\n" on the wire
    Then the http answer's status is one of "400, 405, 501"

  @SRS-HTTP-033
  Scenario: OPTIONS /hello.txt, unless answered 2xx, is refused with 405 or 501
    When an http client sends an OPTIONS request for "/hello.txt"
    Then the http answer is a 2xx, or its status is one of "405, 501"

  @SRS-HTTP-034
  Scenario Outline: a 405 to <method> /hello.txt lists GET and HEAD in Allow, and not <method>
    When an http client sends a <method> request for "/hello.txt"
    Then a 405 answer carries an Allow header listing GET and HEAD, and not <method>

    Examples:
      | method  |
      | POST    |
      | PUT     |
      | DELETE  |
      | PATCH   |
      | OPTIONS |
      | TRACE   |
      | BREW    |

  @SRS-HTTP-034
  Scenario: a 405 to CONNECT lists GET and HEAD in Allow, and not CONNECT
    When an http client sends "CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1:9\r\nConnection: close\r\n\r\n" on the wire
    Then a 405 answer carries an Allow header listing GET and HEAD, and not CONNECT

  @SRS-HTTP-035
  Scenario: a 2xx to OPTIONS /hello.txt lists in Allow no method the server then refuses
    When an http client sends an OPTIONS request for "/hello.txt"
    Then a 2xx answer's Allow lists no method that "/hello.txt" is then refused with 405 or 501

  @SRS-HTTP-036
  Scenario: a 2xx to OPTIONS /hello.txt lists GET and HEAD in Allow
    When an http client sends an OPTIONS request for "/hello.txt"
    Then a 2xx answer carries an Allow header listing GET and HEAD
