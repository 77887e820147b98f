Feature: http reference server
  The reference server's own choices (not asked of other servers): no directory listing,
  symlinks jailed to the root, exact refusal statuses and types, streaming, binding,
  ports, a graceful close.

  @SRS-HTTP-019
  Scenario Outline: the directory <path> answers 404
    When an http client GETs "<path>"
    Then the http answer's status is 404

    Examples:
      | path         |
      | /            |
      | /sub         |
      | /sub/        |
      | /sub/deeper/ |

  @SRS-HTTP-019
  Scenario: a file asked for with a trailing slash answers 404
    When an http client GETs "/hello.txt/"
    Then the http answer's status is 404

  @SRS-HTTP-020
  Scenario Outline: the symlink <link> that leads out of the root is refused
    When an http client GETs the symlink "<link>"
    Then the http answer refuses it, without bytes from outside the root

    Examples:
      | link                                |
      | escape-link.txt                     |
      | escape-dir/wireproof-canary.txt     |

  @SRS-HTTP-020
  Scenario: a symlink that stays inside the root is served
    When an http client GETs the symlink "inside-link.txt"
    Then the http answer is 200 with the exact bytes of "sub/nested.txt" and their Content-Length, if it sends one

  @SRS-HTTP-021
  Scenario Outline: <what> is refused with exactly <status>
    When an http client requests "<path>" on the wire
    Then the http answer's status is <status>

    Examples:
      | what                      | path                       | status |
      | a broken escape           | /hello%zz.txt              | 400    |
      | escapes of invalid UTF-8  | /%ff.txt                   | 400    |
      | an absolute-form target   | http://{authority}/hello.txt | 400  |
      | a dot segment             | /sub/../hello.txt          | 403    |
      | an encoded dot segment    | /%2e%2e/hello.txt          | 403    |
      | an encoded slash          | /sub%2fnested.txt          | 403    |
      | a backslash               | /sub\\nested.txt           | 403    |
      | an encoded backslash      | /sub%5cnested.txt          | 403    |
      | a NUL                     | /hello.txt%00              | 403    |
      | an empty inner segment    | //hello.txt                | 403    |

  @SRS-HTTP-021
  Scenario Outline: <method> is refused with exactly 405 and Allow: GET, HEAD
    When an http client sends a <method> request for "/hello.txt"
    Then the http answer's status is 405
    And the http answer has the header "Allow: GET, HEAD"

    Examples:
      | method |
      | POST   |
      | DELETE |
      | BREW   |

  @SRS-HTTP-021
  Scenario: CONNECT is refused with exactly 405 and Allow: GET, HEAD
    When an http client sends "CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n" on the wire
    Then the http answer's status is 405
    And the http answer has the header "Allow: GET, HEAD"

  @SRS-HTTP-022
  Scenario Outline: <file> is typed exactly <type>, with nosniff
    When an http client GETs "/<file>"
    Then the http answer's Content-Type is exactly "<type>"
    And the http answer has the header "X-Content-Type-Options: nosniff"

    Examples:
      | file         | type                      |
      | hello.txt    | text/plain; charset=utf-8 |
      | page.html    | text/html; charset=utf-8  |
      | data.json    | application/json          |
      | all-bytes.bin | application/octet-stream |

  @SRS-HTTP-023 @alone
  Scenario: a 64 MiB download the client does not read stays out of the server's memory
    Given a reference http server over a root with a 64 MiB file
    Then the memory the reference http server holds stays under 16 MiB while the client does not read
    And the download completes with every byte of the big file

  @SRS-HTTP-024
  Scenario: the reference server binds 127.0.0.1 by default
    Given a reference http server on an ephemeral port
    Then the reference http server is bound to "127.0.0.1"

  @SRS-HTTP-024
  Scenario: the reference server binds the address it is given
    Given a reference http server on "::1" and an ephemeral port
    Then the reference http server is bound to "::1"

  @SRS-HTTP-025
  Scenario: port 0 gives an ephemeral port, reported by the API
    Given a reference http server on an ephemeral port
    Then the reference http server reports a port above 0 that accepts connections

  @SRS-HTTP-025
  Scenario: `wireproof serve http --port 0` prints the port it got, and serves there
    Given `wireproof serve http --port 0` is running over the fixture root
    When the reference http client gets "/hello.txt" from it
    Then the http client got status 200 and the exact bytes of "hello.txt"

  @SRS-HTTP-025
  Scenario: `wireproof serve http` defaults to port 8000
    Then `wireproof serve http` without --port would listen on 127.0.0.1:8000

  @SRS-HTTP-026
  Scenario: closing the server finishes the download in flight, closes idle connections and stops listening
    Given a reference http server over a root with a 16 MiB file
    And client A has fetched "/hello.txt" from the reference http server on a kept-alive connection
    And an http client is downloading the big file from the reference http server and has stopped reading
    When the reference http server closes
    Then client A is closed by the target
    And the download completes with every byte of the big file
    And the reference http server's closed promise resolves
    And the reference http server stops accepting connections
