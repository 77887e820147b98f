Feature: cobra root jail
  A path that does not lead to a .py file under the root, after resolving ".." and
  symlinks, gets one {"error"} line and no program starts: the control client receives
  no status, and its `next` is answered {"error"}. A path is raw bytes: nothing decodes
  %2e%2e or backslashes, so those name files that do not exist. {outside} is the
  directory beside the root (features/cobra/outside, or the suite's copy of it), {root}
  the root, {stdlib} os.py of python3.

  Background:
    Given a cobra control client C is attached
    And client F is connected

  Scenario Outline: the path <what> is refused and nothing runs
    When client F sends the cobra path "<path>"
    Then client F receives a cobra error answer
    And no cobra program runs

    @SRS-COBRA-004
    Examples: outside the root
      | what                                  | path                                             |
      | ../outside/escape.py                  | ../outside/escape.py                             |
      | ./../outside/escape.py                | ./../outside/escape.py                           |
      | folder.py/../../outside/escape.py     | folder.py/../../outside/escape.py                |
      | assign.py/../../outside/escape.py     | assign.py/../../outside/escape.py                |
      | .. alone                              | ..                                               |
      | ../..                                 | ../..                                            |
      | ../../etc/passwd                      | ../../etc/passwd                                 |
      | sixteen ../ to /etc/passwd            | ../../../../../../../../../../../../../../../../etc/passwd |
      | an absolute path to outside/escape.py | {outside}/escape.py                              |
      | an absolute path to the stdlib's os.py | {stdlib}                                        |
      | /etc/passwd                           | /etc/passwd                                      |
      | / alone                               | /                                                |
      | {root}/../outside/escape.py           | {root}/../outside/escape.py                      |

    @SRS-COBRA-006
    Examples: not a .py file under the root
      | what                                  | path                                             |
      | missing.py                            | missing.py                                       |
      | a directory named folder.py           | folder.py                                        |
      | the root itself as .                  | .                                                |
      | the root itself as an absolute path   | {root}                                           |
      | notes.txt                             | notes.txt                                        |
      | assign.py/ with a trailing slash      | assign.py/                                       |
      | assign.py/. naming a directory        | assign.py/.                                      |
      | assign.py/../count.py through a file  | assign.py/../count.py                            |

    @SRS-COBRA-007
    Examples: raw bytes nothing decodes
      | what                                  | path                                             |
      | %2e%2e/outside/escape.py              | %2e%2e/outside/escape.py                         |
      | ..%2foutside%2fescape.py              | ..%2foutside%2fescape.py                         |
      | %2e%2e%2foutside%2fescape.py          | %2e%2e%2foutside%2fescape.py                     |
      | ....//outside/escape.py               | ....//outside/escape.py                          |
      | backslashes ..\outside\escape.py      | ..\x5coutside\x5cescape.py                       |
      | ~/escape.py                           | ~/escape.py                                      |
      | a file: URL                           | file://{outside}/escape.py                       |
      | a NUL after assign.py                 | assign.py\x00                                    |
      | a NUL inside assign.py                | assign\x00.py                                    |
      | a NUL then ../outside/escape.py       | assign.py\x00../outside/escape.py                |
      | invalid UTF-8                         | \xff\xfe.py                                      |
      | the empty line                        |                                                  |

  # @no-faults: through the fault profile's slicer (about 2 KB/s) a 5,000-byte path outlasts the case's time limit.
  @SRS-COBRA-007 @SRS-COBRA-025 @no-faults
  Scenario: a path longer than the server's maximum is refused and the server carries on
    When client F sends "" and 5000 bytes of "a" and ".py\n"
    Then client F receives a cobra error answer
    And no cobra program runs
    When client F sends the cobra path "assign.py"
    Then client F receives a cobra ok answer for "assign.py"
    And the cobra control client receives the first status of the program

  @SRS-COBRA-005
  Scenario Outline: the symlink <path> leads outside the root: refused, nothing runs
    Given the cobra server's root holds the symlinks of the suite
    When client F sends the cobra path "<path>"
    Then client F receives a cobra error answer
    And no cobra program runs

    Examples:
      | path                |
      | link_out.py         |
      | abs_link.py         |
      | link_dir/escape.py  |
      | chain.py            |
      | {root}/link_out.py  |

  @SRS-COBRA-005
  Scenario: a symlink that stays inside the root is followed
    Given the cobra server's root holds the symlinks of the suite
    When client F sends the cobra path "alias.py"
    Then client F receives a cobra ok answer for "alias.py|assign.py"
    And the cobra control client receives the first status of the program
