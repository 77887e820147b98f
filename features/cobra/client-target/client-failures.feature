@client-target
Feature: cobra clients facing a server that misbehaves
  A line the client cannot decode (not JSON, not UTF-8, not a cobra message, over its
  maximum) is a protocol error, never data; a server that closes, resets, stalls or never
  answers, on either port, ends the call with a reported error within the client's timeout.

  Background:
    Given the client under test is started

  @SRS-COBRA-106
  Scenario Outline: a control line that is <what> is a protocol error
    Given the client has loaded a program, stopped before its first instruction
    When the client is told to step
    Then the suite receives exactly "next\n" on the control port
    When the suite answers '<line>\n' on the control port
    Then the client reports a protocol error

    Examples:
      | what                             | line                                                         |
      | the seed's text, not JSON        | STANDBY 100 0                                                |
      | a truncated object               | {"state":"STANDBY","file":"/srv/cobra/hello.py"              |
      | not UTF-8                        | {"event":"output","stream":"stdout","text":"caf\xe9"}        |
      | a surrogate encoded in UTF-8     | {"event":"output","stream":"stdout","text":"\xed\xa0\x80"}   |
      | a JSON array                     | ["STANDBY",100,0]                                            |
      | a state cobra does not have      | {"state":"RUNNING"}                                          |
      | a STANDBY without its fields     | {"state":"STANDBY","file":"/srv/cobra/hello.py"}             |
      | output of a stream that is none  | {"event":"output","stream":"stdin","text":"x"}               |

  @SRS-COBRA-106
  Scenario Outline: a file port answer that is <what> is a protocol error
    When the client is told to load "hello.py"
    Then the suite receives exactly "hello.py\n"
    When the suite answers '<line>\n'
    Then the client reports a protocol error

    Examples:
      | what                | line                          |
      | not JSON            | OK /srv/cobra/hello.py        |
      | not an answer       | {"ok":"yes"}                  |
      | not UTF-8           | {"error":"\xff\xfe"}          |

  @SRS-COBRA-106
  Scenario: a bad line after good output is still a protocol error
    Given the client has loaded a program, stopped before its first instruction
    When the client is told to step
    Then the suite receives exactly "next\n" on the control port
    When the suite answers '{"event":"output","stream":"stdout","text":"before"}\n{"state":\n' on the control port
    Then the client may report receiving the message '{"event":"output","stream":"stdout","text":"before"}'
    And the client reports a protocol error

  @SRS-COBRA-107
  Scenario: a line one byte over the client's maximum is a protocol error
    Given the client has loaded a program, stopped before its first instruction
    When the client is told to step
    Then the suite receives exactly "next\n" on the control port
    When the suite answers an output event one byte over the client's maximum, then a status, on the control port
    Then the client reports a protocol error

  @SRS-COBRA-107
  Scenario: a line of exactly the client's maximum is delivered
    Given the client has loaded a program, stopped before its first instruction
    When the client is told to step
    Then the suite receives exactly "next\n" on the control port
    When the suite answers an output event of exactly the client's maximum, then a status, on the control port
    Then the client reports receiving the output event of exactly its maximum, then the status
    And the client reports the call done

  @SRS-COBRA-108
  Scenario Outline: a server that closes the file port <where> ends the call with a close
    When the client is told to load "hello.py"
    Then the suite receives exactly "hello.py\n"
    When the suite answers '<sent>' and closes the connection
    Then the client reports the connection closed

    Examples:
      | where                 | sent                         |
      | before answering      |                              |
      | inside its answer     | {"ok":true,"file":"/srv/co   |

  @SRS-COBRA-108
  Scenario Outline: a server that closes the control port <where> ends the call with a close
    Given the client has loaded a program, stopped before its first instruction
    When the client is told to step
    Then the suite receives exactly "next\n" on the control port
    When the suite answers '<sent>' on the control port and closes it
    Then the client may report receiving the message '{"event":"output","stream":"stdout","text":"hi"}'
    And the client reports the connection closed

    Examples:
      | where                         | sent                                                                  |
      | before answering              |                                                                       |
      | inside a status               | {"state":"STANDBY","file":"/srv/co                                     |
      | after output, before a status | {"event":"output","stream":"stdout","text":"hi"}\n                    |

  @SRS-COBRA-108
  Scenario: a server that resets the control port inside a status
    Given the client has loaded a program, stopped before its first instruction
    When the client is told to step
    Then the suite receives exactly "next\n" on the control port
    When the suite answers '{"state":"STANDBY","fi' on the control port and resets it
    Then the client reports the connection closed or an error

  @SRS-COBRA-109
  Scenario: a server that never answers a path
    When the client is told to load "hello.py"
    Then the suite receives exactly "hello.py\n"
    Then the client reports a timeout within its timeout

  @SRS-COBRA-109
  Scenario: a server that accepts a path and never sends the first status
    When the client is told to load "hello.py"
    Then the suite receives exactly "hello.py\n"
    When the suite answers '{"ok":true,"file":"/srv/cobra/hello.py"}\n'
    Then the client may report receiving the message '{"ok":true,"file":"/srv/cobra/hello.py"}'
    And the client reports a timeout within its timeout

  @SRS-COBRA-109
  Scenario Outline: a server that <how> after next
    Given the client has loaded a program, stopped before its first instruction
    When the client is told to step
    Then the suite receives exactly "next\n" on the control port
    When the suite answers '<sent>' on the control port
    Then the client may report receiving the message '{"event":"output","stream":"stdout","text":"hi"}'
    And the client reports a timeout within its timeout

    Examples:
      | how                          | sent                                                   |
      | never answers                |                                                        |
      | stalls inside a status       | {"state":"STANDBY","file":"/srv/co                      |
      | sends output, then stalls    | {"event":"output","stream":"stdout","text":"hi"}\n     |
