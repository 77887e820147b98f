Feature: cobra commands and programs
  Unknown commands, and `next` with no program stopped, get {"error"} and change
  nothing. One program at a time; after its end the next path starts the next one.
  Lines may be cut or merged in any way; errors on one connection touch nothing else.

  Background:
    Given a cobra control client C is attached
    And client F is connected

  @SRS-COBRA-019 @SRS-COBRA-010
  Scenario: unknown commands get an error and change nothing
    When client F loads the cobra program "count.py"
    And client C sends "step\n"
    Then the cobra control client receives an error reply
    When client C sends "NEXT\n"
    Then the cobra control client receives an error reply
    When client C sends "next now\n"
    Then the cobra control client receives an error reply
    When client C sends "\n"
    Then the cobra control client receives an error reply
    When the cobra control client steps the program to its end
    Then the cobra steps are those of an untouched run of "count.py"

  @SRS-COBRA-020
  Scenario: next with no program gets an error, and after the end too
    Then no cobra program runs
    When client F loads the cobra program "assign.py"
    And the cobra control client steps the program to its end
    Then no cobra program runs
    And the cobra steps are those of an untouched run of "assign.py"

  @SRS-COBRA-021 @SRS-COBRA-022
  Scenario: a path while a program runs is refused; after the end the next path starts
    When client F loads the cobra program "count.py"
    And the cobra control client steps the program 3 times
    And client G is connected
    And client G sends the cobra path "assign.py"
    Then client G receives a cobra error answer
    When client F sends the cobra path "hello.py"
    Then client F receives a cobra error answer
    When the cobra control client steps the program to its end
    Then the cobra steps are those of an untouched run of "count.py"
    When client G sends the cobra path "assign.py"
    Then client G receives a cobra ok answer for "assign.py"
    And the cobra control client receives the first status of the program

  @SRS-COBRA-022
  Scenario: after ERROR the next path starts the next program
    When client F loads the cobra program "killed.py"
    And the cobra control client steps the program to its end
    Then the cobra program ends with ERROR
    When client F sends the cobra path "assign.py"
    Then client F receives a cobra ok answer for "assign.py"
    And the cobra control client receives the first status of the program

  @SRS-COBRA-024
  Scenario: a path in 1-byte writes and commands in 1-byte writes are whole lines
    When client F sends the cobra path "count.py" in 1-byte writes
    Then client F receives a cobra ok answer for "count.py"
    And the cobra control client receives the first status of the program
    When client C sends "next\n" in 1-byte writes with 2 ms between them
    Then the cobra control client receives the replies "STANDBY"
    When client C sends "ne" in 2-byte writes with 0 ms between them
    And client C sends "xt\nne"
    And client C sends "xt\n"
    Then the cobra control client receives the replies "STANDBY,STANDBY"
    When the cobra control client steps the program to its end
    Then the cobra steps are those of an untouched run of "count.py"

  @SRS-COBRA-024 @SRS-COBRA-019
  Scenario: commands merged into one write are answered in order
    When client F loads the cobra program "count.py"
    And client C sends "next\nnext\nbogus\nnext\n"
    Then the cobra control client receives the replies "STANDBY,STANDBY,error,STANDBY"
    When the cobra control client steps the program to its end
    Then the cobra steps are those of an untouched run of "count.py"

  @SRS-COBRA-024
  Scenario: paths merged into one write get one answer each
    When client F sends "missing.py\nassign.py\n"
    Then client F receives a cobra error answer
    And client F receives a cobra ok answer for "assign.py"
    And the cobra control client receives the first status of the program

  @SRS-COBRA-025 @destructive
  Scenario: 8 MiB without a LF on each port, then the server still answers
    When client F loads the cobra program "count.py"
    And client G is connected
    And client G sends 8388608 bytes of "a" in 65536-byte writes
    And client G sends "\n"
    Then client G receives a cobra error answer
    When client C sends 8388608 bytes of "b" in 65536-byte writes
    And client C sends "\n"
    Then the cobra control client receives an error reply
    When the cobra control client steps the program to its end
    Then the cobra steps are those of an untouched run of "count.py"

  @SRS-COBRA-026 @destructive
  Scenario: junk and resets on other connections leave the program and the server alone
    When client F loads the cobra program "count.py"
    And the cobra control client steps the program 2 times
    And client G is connected
    And client G sends "\xff\xfe\x00junk\n"
    Then client G receives a cobra error answer
    When client H is connected
    And client H sends "assig" and resets its connection
    And client J is connected to the cobra control port
    And client J resets its connection
    And the cobra control client steps the program to its end
    Then the cobra steps are those of an untouched run of "count.py"
    When client K is connected
    And client K sends the cobra path "assign.py"
    Then client K receives a cobra ok answer for "assign.py"
    And the cobra control client receives the first status of the program
