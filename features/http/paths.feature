Feature: http paths that try to leave the root
  Nothing outside the root is ever served. Where the suite prepares the root it puts a
  canary file just outside it (../wireproof-canary.txt, random content): no answer may
  hold its bytes. The fuzzing properties try the same families in random spellings.

  @SRS-HTTP-006
  Scenario Outline: dot segments <path> are refused
    When an http client requests "<path>" on the wire
    Then the http answer refuses it, without bytes from outside the root

    Examples:
      | path                                       |
      | /../wireproof-canary.txt                   |
      | /%2e%2e/wireproof-canary.txt               |
      | /%2E%2E/wireproof-canary.txt               |
      | /.%2e/wireproof-canary.txt                 |
      | /%2e./wireproof-canary.txt                 |
      | /..%2fwireproof-canary.txt                 |
      | /%2e%2e%2Fwireproof-canary.txt             |
      | /..\\wireproof-canary.txt                  |
      | /..%5cwireproof-canary.txt                 |
      | /sub/../../wireproof-canary.txt            |
      | /sub/..%2f..%2fwireproof-canary.txt        |
      | /sub/deeper/../../../wireproof-canary.txt  |
      | /../../../../../../../../../../etc/passwd  |
      | /sub/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd |

  @SRS-HTTP-007
  Scenario Outline: the absolute target <target> is refused
    When an http client requests "<target>" on the wire
    Then the http answer refuses it, without bytes from outside the root

    Examples:
      | target                                          |
      | //etc/passwd                                    |
      | /%2fetc%2fpasswd                                |
      | http://{authority}/../wireproof-canary.txt      |
      | http://{authority}/../../../../../../etc/passwd |
      | file:///etc/passwd                              |

  @SRS-HTTP-007
  Scenario: the canary's own absolute path is refused
    When an http client requests the canary's absolute path on the wire
    Then the http answer refuses it, without bytes from outside the root

  @SRS-HTTP-008
  Scenario Outline: a NUL in <path> never serves the file before it
    When an http client requests "<path>" on the wire
    Then the http answer is not a success and does not hold the bytes of "hello.txt"

    Examples:
      | path                |
      | /hello.txt%00       |
      | /hello.txt%00.html  |

  @SRS-HTTP-009
  Scenario Outline: a NUL in <path> is answered 400, 403 or 404
    When an http client requests "<path>" on the wire
    Then the http answer's status is one of "400, 403, 404"

    Examples:
      | path                |
      | /hello.txt%00       |
      | /hello.txt%00.html  |

  @SRS-HTTP-013
  Scenario Outline: the broken escape in <path> never serves the file
    When an http client requests "<path>" on the wire
    Then the http answer is not a success and does not hold the bytes of "hello.txt"

    Examples:
      | path                |
      | /hello%zz.txt       |
      | /hello.txt%         |
      | /hello.txt%4        |
      | /%ffhello.txt       |
      | /hello%c3%28.txt    |
      | /%ed%a0%80hello.txt |

  @SRS-HTTP-032
  Scenario Outline: the broken escape in <path> is answered 400 or 404
    When an http client requests "<path>" on the wire
    Then the http answer's status is one of "400, 404"

    Examples:
      | path                |
      | /hello%zz.txt       |
      | /hello.txt%         |
      | /hello.txt%4        |
      | /%ffhello.txt       |
      | /hello%c3%28.txt    |
      | /%ed%a0%80hello.txt |

  @SRS-HTTP-018 @info
  Scenario: what the target does with /../hello.txt, a dot segment that clamps to a file inside the root
    When an http client requests "/../hello.txt" on the wire
    Then what the http target answered is recorded
