Feature: http reference client
  get(url) on Node's http module, as the lecture's urllib: status, headers and exact bytes; a timeout
  and a body limit; only http(s) URLs.

  Background:
    Given a reference http server on an ephemeral port

  @SRS-HTTP-027
  Scenario: get() returns the status, lower-case headers and the exact bytes
    When the reference http client gets "/all-bytes.bin" from it
    Then the http client got status 200 and the exact bytes of "all-bytes.bin"
    And the http client's headers have lower-case names, with "content-length: 256" among them

  @SRS-HTTP-027
  Scenario: a 404 is a result, not an error
    When the reference http client gets "/missing.txt" from it
    Then the http client got status 404

  @SRS-HTTP-028
  Scenario: a server that never answers makes get() fail with a TimeoutError
    Given a scripted http server that never answers
    When the reference http client gets "/" from it with a timeout of 300 ms
    Then the http client failed with a TimeoutError

  @SRS-HTTP-028
  Scenario: a body that stalls makes get() fail with a TimeoutError
    Given a scripted http server that stalls after the first bytes of the body
    When the reference http client gets "/" from it with a timeout of 300 ms
    Then the http client failed with a TimeoutError

  @SRS-HTTP-029
  Scenario: a body announced over the limit fails with a BodyTooLargeError
    When the reference http client gets "/all-bytes.bin" from it with a body limit of 100 bytes
    Then the http client failed with a BodyTooLargeError

  @SRS-HTTP-029
  Scenario: a streamed body over the limit fails with a BodyTooLargeError
    Given a scripted http server that streams 1048576 bytes without a Content-Length
    When the reference http client gets "/" from it with a body limit of 65536 bytes
    Then the http client failed with a BodyTooLargeError

  @SRS-HTTP-030
  Scenario Outline: get() of <url> fails with a TypeError
    When the reference http client gets the URL "<url>"
    Then the http client failed with a TypeError

    Examples:
      | url                     |
      | ftp://127.0.0.1/x       |
      | file:///etc/passwd      |

  @SRS-HTTP-031
  Scenario: `wireproof client http URL` writes the body to stdout and the status to stderr
    When `wireproof client http` gets "/all-bytes.bin" from the reference http server
    Then it wrote the exact bytes of "all-bytes.bin" to standard output, "200 OK" first on standard error, and exited 0

  @SRS-HTTP-031
  Scenario: `wireproof client http URL` exits 1 for a 404
    When `wireproof client http` gets "/missing.txt" from the reference http server
    Then it exited 1 with "404 Not Found" first on standard error
