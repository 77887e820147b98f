Feature: cobra stepping
  `next` executes exactly one instruction, then the server sends the new status. The
  instructions stepped are those of the program's own file; the standard library runs
  without stopping. The expected steps are the reference tracer's untouched run of the
  same program on the suite's machine (the target must run the same CPython version).

  Background:
    Given a cobra control client C is attached
    And client F is connected

  @SRS-COBRA-011 @SRS-COBRA-015 @SRS-COBRA-010
  Scenario: stepping a loop visits every instruction once, then FINISHED with exit code 0
    When client F loads the cobra program "count.py"
    And the cobra control client steps the program to its end
    Then the cobra steps are those of an untouched run of "count.py"
    And the cobra program ends with FINISHED and exit code 0

  @SRS-COBRA-012 @SRS-COBRA-011
  Scenario: functions, classes, comprehensions and generators of the file are stepped, json.dumps is not
    When client F loads the cobra program "shapes.py"
    And the cobra control client steps the program to its end
    Then the cobra steps are those of an untouched run of "shapes.py"
    And every cobra STANDBY has the opcode of its opname
    And the cobra output is that of a plain python3 run of "shapes.py"

  @SRS-COBRA-013
  Scenario: the program's stdout and stderr reach the control client as output events
    When client F loads the cobra program "hello.py"
    And the cobra control client steps the program to its end
    Then the cobra output is that of a plain python3 run of "hello.py"
    And the cobra program ends with FINISHED and exit code 0

  @SRS-COBRA-014
  Scenario: output arrives before the status that follows the call that wrote it
    When client F loads the cobra program "hello.py"
    And the cobra control client steps the program to its end
    Then each cobra output event arrives right after the status of the call that wrote it

  @SRS-COBRA-015
  Scenario: sys.exit(3) ends with FINISHED and exit code 3
    When client F loads the cobra program "exit3.py"
    And the cobra control client steps the program to its end
    Then the cobra program ends with FINISHED and exit code 3

  @SRS-COBRA-016
  Scenario: an uncaught exception ends the program with a non-zero FINISHED or ERROR
    When client F loads the cobra program "boom.py"
    And the cobra control client steps the program to its end
    Then the cobra program ends with FINISHED and a non-zero exit code, or with ERROR

  @SRS-COBRA-017
  Scenario: a program killed by a signal ends with ERROR
    When client F loads the cobra program "killed.py"
    And the cobra control client steps the program to its end
    Then the cobra program ends with ERROR

  @SRS-COBRA-023
  Scenario: the program's stdin is closed
    When client F loads the cobra program "stdin.py"
    And the cobra control client steps the program to its end
    Then the cobra output is that of a plain python3 run of "stdin.py"
    And the cobra program ends with FINISHED and exit code 0
