Feature: lenmsg remotes: hello, connect-back and echo
  A remote announces its own server in hello; the central connects back to that address
  and echoes each data message there. Any number of remotes at once, each its own echoes.

  @SRS-LENMSG-011
  Scenario: hello makes the central connect back to the announced address
    Given lenmsg remote A has said hello
    Then the lenmsg target connects back to remote A

  @SRS-LENMSG-017 @SRS-LENMSG-012
  Scenario: the central answers through its own client, never on the remote's connection
    Given lenmsg remote A has said hello
    When client A sends the lenmsg data '"one way"'
    Then lenmsg remote A receives the data '"one way"'
    And the lenmsg target has written nothing on client A

  @SRS-LENMSG-010 @SRS-LENMSG-013
  Scenario: three remotes writing in turn each get their own echoes, in order
    Given lenmsg remote A has said hello
    And lenmsg remote B has said hello
    And lenmsg remote C has said hello
    When client A sends the lenmsg data '"A1"'
    And client B sends the lenmsg data '"B1"'
    And client C sends the lenmsg data '"C1"'
    And client B sends the lenmsg data '"B2"'
    And client A sends the lenmsg data '"A2"'
    Then lenmsg remote C receives the data messages '["C1"]'
    And lenmsg remote B receives the data messages '["B1","B2"]'
    And lenmsg remote A receives the data messages '["A1","A2"]'

  @SRS-LENMSG-018 @SRS-LENMSG-012 @destructive
  Scenario Outline: a body holding <what> is echoed as data and changes nothing
    Given lenmsg remote A has said hello
    And lenmsg remote B has said hello
    When client A sends the lenmsg data '<body>'
    Then lenmsg remote A receives the data '<body>'
    When client B sends the lenmsg data '"B after"'
    Then lenmsg remote B receives the data '"B after"'

    Examples:
      | what               | body                                                                   |
      | a __proto__ key    | {"__proto__":{"polluted":true,"type":"shutdown"},"kept":1}             |
      | a constructor key  | {"constructor":{"prototype":{"polluted":true}}}                        |
      | code as text       | {"js":"process.exit(1)","py":"__import__(\u0027os\u0027)._exit(1)"}    |
      | an error body      | {"error":{"name":"Error","message":"boom","stack":"Error: boom at f"}} |
