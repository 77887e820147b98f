Feature: oneline reference application
  echo, multi, silent and nak, the application behind the predefined commands.

  Background:
    Given client A is connected

  @SRS-ONELINE-013
  Scenario Outline: echo answers "<text>"
    When client A sends "echo <text>\n"
    Then client A receives exactly "<text>\n"

    Examples:
      | text                |
      | hello               |
      | two  spaces         |
      | \xc3\xa9t\xc3\xa9 € |
      | ping                |

  @SRS-ONELINE-014
  Scenario Outline: multi <n> answers <n> numbered lines
    When client A sends "multi <n>\nping\n"
    Then client A receives "line 1" to "line <n>"
    And client A receives the line "pong"

    Examples:
      | n   |
      | 0   |
      | 1   |
      | 7   |
      | 100 |

  @SRS-ONELINE-014 @SRS-ONELINE-016
  Scenario: multi over 100 is not a multi
    When client A sends "multi 101\n"
    Then client A receives exactly "nak multi 101\n"

  @SRS-ONELINE-015
  Scenario: silent and the empty packet get no response
    When client A sends "silent\n\nping\n"
    Then client A receives exactly "pong\n"

  @SRS-ONELINE-016 @SRS-ONELINE-002
  Scenario Outline: "<packet>" is answered nak with the packet as received
    When client A sends "<packet>\n"
    Then client A receives exactly "nak <packet>\n"

    Examples:
      | packet  |
      | hello   |
      | ping\r  |
      | PING    |
      | echo    |
      | \tping  |
