Feature: cobra reference server options
  Binding, ports, root and control clients of the reference server (not asked of other servers).

  @SRS-COBRA-029
  Scenario: the reference cobra server binds 127.0.0.1 by default
    Given a reference cobra server on ephemeral ports
    Then the reference cobra server is bound to "127.0.0.1" on both ports

  @SRS-COBRA-029
  Scenario: the reference cobra server binds the address it is given
    Given a reference cobra server on "::1" and ephemeral ports
    Then the reference cobra server is bound to "::1" on both ports

  @SRS-COBRA-030
  Scenario: port 0 gives two ephemeral ports, reported by the API
    Given a reference cobra server on ephemeral ports
    Then the reference cobra server is bound to "127.0.0.1" on both ports

  @SRS-COBRA-030
  Scenario: `wireproof serve cobra` defaults to ports 6061 and 6060
    Then `wireproof serve cobra` without ports would listen on file port 6061 and control port 6060

  @SRS-COBRA-030 @SRS-COBRA-031
  Scenario: `wireproof serve cobra` prints both ports and serves its --root
    Given `wireproof serve cobra --file-port 0 --control-port 0 --root features/cobra/programs` is running
    When client F connects to the port it printed
    And client C connects to the cobra control port it printed
    And client C sends "hello\n"
    Then client C receives a cobra JSON line
    When client F sends "assign.py\n"
    Then client F receives a cobra JSON line

  @SRS-COBRA-031
  Scenario: the reference cobra server's root defaults to the working directory
    Then the reference cobra server's root is its working directory by default

  @SRS-COBRA-032
  Scenario: a second control client gets an error and is closed
    Given a cobra control client C is attached
    And client D is connected to the cobra control port
    Then client D receives a cobra JSON line
    And client D is closed by the target

  @SRS-COBRA-032
  Scenario: a control client that leaves takes its program with it
    Given a cobra control client C is attached
    And client F is connected
    When client F loads the cobra program "pid.py"
    And client C closes its connection
    And a cobra control client D is attached
    And client F sends the cobra path "assign.py"
    Then client F receives a cobra ok answer for "assign.py"
    And the cobra control client receives the first status of the program
