@client-target
Feature: cobra clients load, step and close, and deliver every message exactly
  The suite plays a cobra server for a client under test (`conform --client`), one fresh
  client process per scenario, on two ports: the file port ({port}), where a path goes and
  its one-line answer comes back, and the control port ({port2}), where `next` and `close`
  go and statuses and program output come back, one JSON object per line. The client reports
  each message it delivers as its JSON, in the order it came.

  Background:
    Given the client under test is started

  @SRS-COBRA-100 @SRS-COBRA-101
  Scenario: a path goes out as one line on the file port; ok and the first status are delivered
    Then the suite receives nothing within 200 ms
    When the client is told to load "hello.py"
    Then the suite receives exactly "hello.py\n"
    When the suite answers '{"ok":true,"file":"/srv/cobra/hello.py"}\n'
    And the suite answers '{"state":"STANDBY","file":"/srv/cobra/hello.py","line":1,"offset":0,"opcode":151,"arg":0,"opname":"RESUME","argrepr":""}\n' on the control port
    Then the client reports receiving the message '{"ok":true,"file":"/srv/cobra/hello.py"}'
    And the client reports receiving the message '{"state":"STANDBY","file":"/srv/cobra/hello.py","line":1,"offset":0,"opcode":151,"arg":0,"opname":"RESUME","argrepr":""}'
    And the client reports the call done

  @SRS-COBRA-100
  Scenario: a path with spaces and non-ASCII goes out unchanged
    When the client is told to load "dir with space/caf\xc3\xa9 \xe2\x82\xac.py"
    Then the suite receives exactly "dir with space/caf\xc3\xa9 \xe2\x82\xac.py\n"
    When the suite answers '{"error":"no such file"}\n'
    Then the client reports receiving the message '{"error":"no such file"}'
    And the client reports the call done

  @SRS-COBRA-101
  Scenario: a refused path is delivered with its text, and no status is waited for
    When the client is told to load "../outside.py"
    Then the suite receives exactly "../outside.py\n"
    When the suite answers '{"error":"path outside the root: ../outside.py"}\n'
    Then the client reports receiving the message '{"error":"path outside the root: ../outside.py"}'
    And the client reports the call done

  @SRS-COBRA-100 @SRS-COBRA-102
  Scenario: next goes out as one line on the control port; the status after it is delivered
    Given the client has loaded a program, stopped before its first instruction
    When the client is told to step
    Then the suite receives exactly "next\n" on the control port
    When the suite answers '{"state":"STANDBY","file":"/srv/cobra/hello.py","line":1,"offset":2,"opcode":100,"arg":0,"opname":"LOAD_CONST","argrepr":"\'hello\'"}\n' on the control port
    Then the client reports receiving the message '{"state":"STANDBY","file":"/srv/cobra/hello.py","line":1,"offset":2,"opcode":100,"arg":0,"opname":"LOAD_CONST","argrepr":"\'hello\'"}'
    And the client reports the call done

  @SRS-COBRA-102
  Scenario: a status with null fields and an argrepr of quotes and non-ASCII is delivered as sent
    Given the client has loaded a program, stopped before its first instruction
    When the client is told to step
    Then the suite receives exactly "next\n" on the control port
    When the suite answers '{"state":"STANDBY","file":"/srv/cobra/hello.py","line":null,"offset":14,"opcode":2,"arg":null,"opname":"POP_TOP","argrepr":"\\u0022caf\\u00e9\\u0022 \'\\u20ac\'"}\n' on the control port
    Then the client reports receiving the message '{"state":"STANDBY","file":"/srv/cobra/hello.py","line":null,"offset":14,"opcode":2,"arg":null,"opname":"POP_TOP","argrepr":"\\u0022caf\\u00e9\\u0022 \'\\u20ac\'"}'
    And the client reports the call done

  @SRS-COBRA-102
  Scenario: an error reply to next is delivered with its text
    Given the client has loaded a program, stopped before its first instruction
    When the client is told to step
    Then the suite receives exactly "next\n" on the control port
    When the suite answers '{"error":"no program is stopped"}\n' on the control port
    Then the client reports receiving the message '{"error":"no program is stopped"}'
    And the client reports the call done

  @SRS-COBRA-103
  Scenario: output events are delivered in order, before their status, their texts unchanged
    Given the client has loaded a program, stopped before its first instruction
    When the client is told to step
    Then the suite receives exactly "next\n" on the control port
    When the suite answers '{"event":"output","stream":"stdout","text":"  hello, world \\n"}\n{"event":"output","stream":"stderr","text":"\\twarning:\\t\\r\\n"}\n{"event":"output","stream":"stdout","text":""}\n{"event":"output","stream":"stdout","text":"caf\\u00e9 \\u0000\\u001b[0m \\ud83d\\ude00"}\n{"state":"STANDBY","file":"/srv/cobra/hello.py","line":2,"offset":8,"opcode":1,"arg":null,"opname":"POP_TOP","argrepr":""}\n' on the control port
    Then the client reports receiving the message '{"event":"output","stream":"stdout","text":"  hello, world \\n"}'
    And the client reports receiving the message '{"event":"output","stream":"stderr","text":"\\twarning:\\t\\r\\n"}'
    And the client reports receiving the message '{"event":"output","stream":"stdout","text":""}'
    And the client reports receiving the message '{"event":"output","stream":"stdout","text":"caf\\u00e9 \\u0000\\u001b[0m \\ud83d\\ude00"}'
    And the client reports receiving the message '{"state":"STANDBY","file":"/srv/cobra/hello.py","line":2,"offset":8,"opcode":1,"arg":null,"opname":"POP_TOP","argrepr":""}'
    And the client reports the call done

  @SRS-COBRA-104
  Scenario Outline: an end status (<end>) ends the call, and the next load sends a new path
    Given the client has loaded a program, stopped before its first instruction
    When the client is told to step
    Then the suite receives exactly "next\n" on the control port
    When the suite answers '<status>\n' on the control port
    Then the client reports receiving the message '<status>'
    And the client reports the call done
    When the client is told to load "again.py"
    Then the suite receives the path "again.py\n" on the file port, on its connection or a new one
    When the suite answers '{"ok":true,"file":"/srv/cobra/again.py"}\n'
    And the suite answers '{"state":"STANDBY","file":"/srv/cobra/again.py","line":1,"offset":0,"opcode":151,"arg":0,"opname":"RESUME","argrepr":""}\n' on the control port
    Then the client reports receiving the message '{"ok":true,"file":"/srv/cobra/again.py"}'
    And the client reports receiving the message '{"state":"STANDBY","file":"/srv/cobra/again.py","line":1,"offset":0,"opcode":151,"arg":0,"opname":"RESUME","argrepr":""}'
    And the client reports the call done

    Examples:
      | end              | status                                                        |
      | finished, 0      | {"state":"FINISHED","exitCode":0}                             |
      | finished, not 0  | {"state":"FINISHED","exitCode":3}                             |
      | an error         | {"state":"ERROR","error":"the program was killed by signal 9"} |

  @SRS-COBRA-100
  Scenario: close goes out as one line on the control port, and the call ends as the server disconnects
    Given the client has loaded a program, stopped before its first instruction
    When the client is told to close
    Then the suite receives exactly "close\n" on the control port
    When the suite closes both connections
    Then the client reports the call done

  @SRS-COBRA-105
  Scenario: answers in 1-byte writes on both ports are delivered whole
    When the client is told to load "hello.py"
    Then the suite receives exactly "hello.py\n"
    When the suite answers '{"ok":true,"file":"/srv/cobra/h\\u00e9llo.py"}\n' in 1-byte writes with 1 ms between them
    And the suite answers '{"event":"output","stream":"stdout","text":"\xc3\xa9\xe2\x82\xac"}\n' on the control port in 1-byte writes with 1 ms between them
    And the suite answers '{"state":"STANDBY","file":"/srv/cobra/h\\u00e9llo.py","line":1,"offset":0,"opcode":151,"arg":0,"opname":"RESUME","argrepr":""}\n' on the control port in 16-byte writes with 1 ms between them
    Then the client reports receiving the message '{"ok":true,"file":"/srv/cobra/h\\u00e9llo.py"}'
    And the client reports receiving the message '{"event":"output","stream":"stdout","text":"\xc3\xa9\xe2\x82\xac"}'
    And the client reports receiving the message '{"state":"STANDBY","file":"/srv/cobra/h\\u00e9llo.py","line":1,"offset":0,"opcode":151,"arg":0,"opname":"RESUME","argrepr":""}'
    And the client reports the call done

  @SRS-COBRA-105
  Scenario: a code point split across writes, and a status merged with the start of the next line
    Given the client has loaded a program, stopped before its first instruction
    When the client is told to step
    Then the suite receives exactly "next\n" on the control port
    When the suite answers '{"event":"output","stream":"stdout","text":"caf\xc3' on the control port
    And the suite answers '\xa9"}\n{"state":"STANDBY","file":"/srv/cobra/hello.py","line":1,"offset":2,"opcode":1,"arg":null,"opname":"POP_TOP","argrepr":""}\n{"event":"out' on the control port
    Then the client reports receiving the message '{"event":"output","stream":"stdout","text":"caf\xc3\xa9"}'
    And the client reports receiving the message '{"state":"STANDBY","file":"/srv/cobra/hello.py","line":1,"offset":2,"opcode":1,"arg":null,"opname":"POP_TOP","argrepr":""}'
    And the client reports the call done
