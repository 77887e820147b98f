Feature: cobra file port
  A client sends the path of a program on the file port and gets one JSON line: {"ok"}
  with the program's absolute path, or {"error"}. The program then starts, stopped
  before its first instruction, and the control client receives its STANDBY status.
  The programs are those of features/cobra/programs: the target serves that directory
  (or the copy of it the suite makes and owns).

  Background:
    Given a cobra control client C is attached
    And client F is connected

  @SRS-COBRA-001 @SRS-COBRA-002 @SRS-COBRA-003 @SRS-COBRA-008 @SRS-COBRA-010
  Scenario: a relative path starts the program, stopped before its first instruction
    When client F sends the cobra path "assign.py"
    Then client F receives a cobra ok answer for "assign.py"
    And the cobra control client receives the first status of the program

  @SRS-COBRA-003 @SRS-COBRA-008
  Scenario: an absolute path inside the root is accepted
    When client F sends the cobra path "{root}/count.py"
    Then client F receives a cobra ok answer for "count.py"
    And the cobra control client receives the first status of the program

  @SRS-COBRA-009
  Scenario: the first status of `x = 1` is LOAD_CONST 0 (1) at line 1, as in the seed
    When client F loads the cobra program "assign.py"
    Then the first cobra status is LOAD_CONST with arg 0 and argrepr "1" at line 1
    And every cobra STANDBY has the opcode of its opname

  @SRS-COBRA-002
  Scenario: each path gets exactly one answer line
    When client F sends the cobra path "missing.py"
    And client F sends the cobra path "notes.txt"
    Then client F receives a cobra error answer
    And client F receives a cobra error answer
    And no cobra program runs
    When client F sends the cobra path "assign.py"
    Then client F receives a cobra ok answer for "assign.py"
    And the cobra control client receives the first status of the program
