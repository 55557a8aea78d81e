@ioas
Feature: IOMMU_IOAS_CHANGE_PROCESS moves the charge for pinned pages to the caller
  A process that takes over an iommufd (after a fork, in a live update) calls
  IOMMU_IOAS_CHANGE_PROCESS to be charged for the pages pinned by every mapping
  of every IOAS. Only mappings of files can move: user memory belongs to the
  address space that mapped it.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a length of 4 pages as $four
    And a memfd of $four bytes as $mfd

  @IOAS_CHANGE_PROCESS.RESERVED.NONZERO
  Scenario: A non-zero __reserved field is refused
    When I call IOMMU_IOAS_CHANGE_PROCESS with:
      | field      | value |
      | __reserved | 1     |
    Then it fails with EOPNOTSUPP

  @IOAS_CHANGE_PROCESS.FILE_ONLY
  Scenario: With no mapping, or only file mappings, the call succeeds
    When I call IOMMU_IOAS_CHANGE_PROCESS with no fields set
    Then it succeeds
    When I map $four bytes of the file $mfd from offset 0 at IOVA 0x10000 into $ioas
    Then it succeeds
    When I call IOMMU_IOAS_CHANGE_PROCESS with no fields set
    Then it succeeds

  @IOAS_CHANGE_PROCESS.NOT_FILE
  Scenario: A mapping of user memory in any IOAS makes the call fail
    Given an IOAS as $other
    And 0x1000 bytes of user memory as $buf
    When I map $four bytes of the file $mfd from offset 0 at IOVA 0x10000 into $ioas
    Then it succeeds
    Given 0x1000 bytes of $buf mapped at IOVA 0x10000 in $other
    When I call IOMMU_IOAS_CHANGE_PROCESS with no fields set
    Then it fails with EINVAL
    When I unmap 0x1000 bytes at IOVA 0x10000 from $other
    And I call IOMMU_IOAS_CHANGE_PROCESS with no fields set
    Then it succeeds

  @IOAS_CHANGE_PROCESS.MOVES_CHARGE
  Scenario Outline: A forked child takes the charge over (RLIMIT_MODE <mode>)
    Given a forked child runs the rest of the scenario
    And the process has no CAP_IPC_LOCK
    And another open iommufd as $fd
    When I call IOMMU_OPTION on $fd with:
      | field     | value                    |
      | option_id | IOMMU_OPTION_RLIMIT_MODE |
      | op        | IOMMU_OPTION_OP_SET      |
      | val64     | <mode>                   |
    Then it succeeds
    When I call IOMMU_IOAS_ALLOC on $fd with:
      | field | value |
      | flags | 0     |
    Then I remember out_ioas_id as $moved
    When I call IOMMU_TEST_CMD on $fd with:
      | field | value                     |
      | op    | IOMMU_TEST_OP_MOCK_DOMAIN |
      | id    | $moved                    |
    Then it succeeds
    When I call IOMMU_IOAS_MAP_FILE on $fd with:
      | field   | value                                                                              |
      | flags   | IOMMU_IOAS_MAP_FIXED_IOVA \| IOMMU_IOAS_MAP_READABLE \| IOMMU_IOAS_MAP_WRITEABLE |
      | ioas_id | $moved                                                                             |
      | fd      | $mfd                                                                               |
      | length  | $four                                                                              |
      | iova    | MOCK_APERTURE_START                                                                |
    Then it succeeds
    And VmPin of this process is 4 pages
    And VmLck of this process is <locked> pages
    When the process forks
    Then VmPin of the parent is 4 pages
    And VmPin of this process is 0 pages
    When I call IOMMU_IOAS_CHANGE_PROCESS on $fd with:
      | field      | value |
      | __reserved | 0     |
    Then it succeeds
    And VmPin of the parent is 0 pages
    And VmLck of the parent is 0 pages
    And VmPin of this process is 4 pages
    And VmLck of this process is <locked> pages
    When the child exits
    Then VmPin of this process is 0 pages

    Examples:
      | mode | locked |
      | 0    | 0      |
      | 1    | 4      |

  @IOAS_CHANGE_PROCESS.NOTHING_ON_FAILURE
  Scenario: When the child's call fails the charge stays with the parent
    Given a forked child runs the rest of the scenario
    And the process has no CAP_IPC_LOCK
    And a mock device attached to $ioas as $dev
    And a length of 1 page as $page
    And $page bytes of user memory as $buf
    When I map $four bytes of the file $mfd from offset 0 at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds
    Given $page bytes of $buf mapped at IOVA MOCK_APERTURE_START + $four in $ioas
    Then VmPin of this process is 5 pages
    When the process forks
    And I call IOMMU_IOAS_CHANGE_PROCESS with no fields set
    Then it fails with EINVAL
    And VmPin of the parent is 5 pages
    And VmPin of this process is 0 pages
    When the child exits
    Then VmPin of this process is 5 pages

  @IOAS_CHANGE_PROCESS.MOVES_CHARGE
  Scenario: Pages pinned with CAP_IPC_LOCK move their VmPin to the child too
    Given a forked child runs the rest of the scenario
    And a mock device attached to $ioas as $dev
    When I map $four bytes of the file $mfd from offset 0 at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds
    And VmPin of this process is 4 pages
    And VmLck of this process is 0 pages
    When the process forks
    And I call IOMMU_IOAS_CHANGE_PROCESS with no fields set
    Then it succeeds
    And VmPin of the parent is 0 pages
    And VmPin of this process is 4 pages
    When the child exits
    And I unmap $four bytes at IOVA MOCK_APERTURE_START from $ioas
    Then it succeeds
    And VmPin of this process is 0 pages
