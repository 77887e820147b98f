Feature: http files
  GET and HEAD of the files under the root. Every http target serves features/http/root/
  as its root (the embedded server and `--spawn` commands with {root} serve a fresh copy
  of it, with a generated large file and symlinks beside; README, "A root of files: http").

  @SRS-HTTP-001
  Scenario Outline: GET <path> answers 200 with the exact bytes of <file>
    When an http client GETs "<path>"
    Then the http answer is 200 with the exact bytes of "<file>" and their Content-Length, if it sends one

    Examples:
      | path                 | file                |
      | /hello.txt           | hello.txt           |
      | /all-bytes.bin       | all-bytes.bin       |
      | /pixel.png           | pixel.png           |
      | /empty.txt           | empty.txt           |
      | /sub/nested.txt      | sub/nested.txt      |
      | /sub/deeper/leaf.txt | sub/deeper/leaf.txt |
      | /with%20space.txt    | with space.txt      |

  @SRS-HTTP-001
  Scenario: GET of a generated 8 MiB file answers its exact bytes
    When an http client GETs the large generated file
    Then the http answer is 200 with the exact bytes of "large.bin" and their Content-Length, if it sends one

  @SRS-HTTP-038
  Scenario Outline: GET <path> is length-delimited
    When an http client requests "<path>" on the wire
    Then the http answer carries a Content-Length or a chunked Transfer-Encoding

    Examples:
      | path           |
      | /hello.txt     |
      | /all-bytes.bin |
      | /empty.txt     |

  @SRS-HTTP-002
  Scenario Outline: HEAD <path> answers with GET's status, without a body
    When an http client sends HEAD "<path>" on the wire, and GETs it
    Then the HEAD answer has the GET answer's status, no body, and GET's Content-Length if it sends one

    Examples:
      | path           |
      | /hello.txt     |
      | /pixel.png     |
      | /empty.txt     |
      | /missing.txt   |

  @SRS-HTTP-039
  Scenario Outline: HEAD <path> sends GET's Content-Length and Content-Type
    When an http client sends HEAD "<path>" on the wire, and GETs it
    Then the HEAD answer has the GET answer's Content-Length and Content-Type

    Examples:
      | path           |
      | /hello.txt     |
      | /pixel.png     |
      | /empty.txt     |

  @SRS-HTTP-003
  Scenario Outline: a <file> file is typed <type>
    When an http client GETs "/<file>"
    Then the http answer is typed "<type>"

    Examples:
      | file      | type             |
      | hello.txt | text/plain       |
      | page.html | text/html        |
      | data.json | application/json |
      | pixel.png | image/png        |

  @SRS-HTTP-004
  Scenario Outline: a file named <file> is typed application/octet-stream
    When an http client GETs "/<file>"
    Then the http answer is typed "application/octet-stream"

    Examples:
      | file          |
      | no-extension  |
      | all-bytes.bin |

  @SRS-HTTP-005
  Scenario Outline: GET <path> of nothing under the root answers 404
    When an http client GETs "<path>"
    Then the http answer's status is 404

    Examples:
      | path                 |
      | /missing.txt         |
      | /sub/missing.txt     |
      | /missing-dir/x.txt   |
      | /hello.txt/more      |

  @SRS-HTTP-005
  Scenario: HEAD of nothing under the root answers 404
    When an http client sends a HEAD request for "/missing.txt"
    Then the http answer's status is 404
