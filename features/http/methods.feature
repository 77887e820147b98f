Feature: http methods
  GET and HEAD only: any other method is 405 (with Allow) or 501, never a 2xx.

  @SRS-HTTP-010
  Scenario Outline: <method> /hello.txt is refused
    When an http client sends a <method> request for "/hello.txt"
    Then the http answer refuses the method: 405 with an Allow header listing GET and HEAD, or 501

    Examples:
      | method  |
      | POST    |
      | PUT     |
      | DELETE  |
      | PATCH   |
      | OPTIONS |
      | TRACE   |
      | BREW    |

  @SRS-HTTP-010
  Scenario: a POST with a body is refused
    When an http client sends "POST /hello.txt HTTP/1.1\r\nHost: {authority}\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello" on the wire
    Then the http answer refuses the method: 405 with an Allow header listing GET and HEAD, or 501

  @SRS-HTTP-010
  Scenario: CONNECT is refused
    When an http client sends "CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1:9\r\nConnection: close\r\n\r\n" on the wire
    Then the http answer refuses the method: 405 with an Allow header listing GET and HEAD, or 501
