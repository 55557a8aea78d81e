@accounting
Feature: Pinned pages are counted and held to the memlock limit
  Memory mapped into an IOAS is pinned when a device or an access needs it.
  The pinned pages show in VmPin of /proc/<pid>/status; IOMMU_OPTION_RLIMIT_MODE
  says whether they are also charged to the user or to the process (VmLck), and
  a process without CAP_IPC_LOCK may not pin more than RLIMIT_MEMLOCK.

  Background:
    Given an open iommufd
    And a length of 1 page as $page
    And a length of 4 pages as $four
    And a length of 8 pages as $eight

  @ACCOUNTING.PIN.WHEN_NEEDED
  Scenario: Pages are pinned when a device attaches and released when it goes
    Given an IOAS as $ioas
    And $four bytes of user memory as $buf
    And $four bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    Then VmPin of this process is 0 pages
    Given a mock device attached to $ioas as $dev
    Then VmPin of this process is 4 pages
    When I destroy $dev
    Then VmPin of this process is 0 pages

  @ACCOUNTING.PIN.WHEN_NEEDED
  Scenario: With a device attached, the map pins and the unmap releases
    Given an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And $four bytes of user memory as $buf
    And $four bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    Then VmPin of this process is 4 pages
    When I unmap $four bytes at IOVA MOCK_APERTURE_START from $ioas
    Then VmPin of this process is 0 pages

  @ACCOUNTING.USER_MODE
  Scenario: Per-user accounting counts VmPin but not VmLck
    Given a forked child runs the rest of the scenario
    And the process has no CAP_IPC_LOCK
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And $four bytes of user memory as $buf
    And $four bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    Then VmPin of this process is 4 pages
    And VmLck of this process is 0 pages

  @ACCOUNTING.MM_MODE
  Scenario: Per-process accounting counts VmPin and VmLck
    Given a forked child runs the rest of the scenario
    And the process has no CAP_IPC_LOCK
    When I call IOMMU_OPTION with:
      | field     | value                    |
      | option_id | IOMMU_OPTION_RLIMIT_MODE |
      | op        | IOMMU_OPTION_OP_SET      |
      | val64     | 1                        |
    Then it succeeds
    Given an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And $four bytes of user memory as $buf
    And $four bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    Then VmPin of this process is 4 pages
    And VmLck of this process is 4 pages
    When I unmap $four bytes at IOVA MOCK_APERTURE_START from $ioas
    Then VmPin of this process is 0 pages
    And VmLck of this process is 0 pages

  @ACCOUNTING.LIMIT
  Scenario Outline: Without CAP_IPC_LOCK the memlock limit holds in mode <mode>
    Given a forked child runs the rest of the scenario
    And the process has no CAP_IPC_LOCK
    And a memlock limit of $four bytes
    When I call IOMMU_OPTION with:
      | field     | value                    |
      | option_id | IOMMU_OPTION_RLIMIT_MODE |
      | op        | IOMMU_OPTION_OP_SET      |
      | val64     | <mode>                   |
    Then it succeeds
    Given an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And $eight bytes of user memory as $buf
    When I map $four bytes of $buf at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds
    When I map $page bytes of $buf + $four at IOVA MOCK_APERTURE_START + $four into $ioas
    Then it fails with ENOMEM
    And VmPin of this process is 4 pages

    Examples:
      | mode |
      | 0    |
      | 1    |

  @ACCOUNTING.LIMIT
  Scenario: Without CAP_IPC_LOCK a device cannot attach if it would pin past the limit
    Given a forked child runs the rest of the scenario
    And the process has no CAP_IPC_LOCK
    And a memlock limit of $four bytes
    And an IOAS as $ioas
    And $eight bytes of user memory as $buf
    And $eight bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    When I attach a mock device to $ioas
    Then it fails with ENOMEM
    And VmPin of this process is 0 pages

  @ACCOUNTING.CAP_IPC_LOCK
  Scenario: With CAP_IPC_LOCK the limit does not apply, and VmPin still counts
    Given a forked child runs the rest of the scenario
    And a memlock limit of $four bytes
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And $eight bytes of user memory as $buf
    When I map $eight bytes of $buf at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds
    And VmPin of this process is 8 pages

  @ACCOUNTING.COPY_PINS_ONCE
  Scenario: A copy into another IOAS with its own device pins nothing more
    Given an IOAS as $src
    And an IOAS as $dst
    And a mock device attached to $src as $dev
    And a mock device attached to $dst as $other_dev
    And $four bytes of user memory as $buf
    And $four bytes of $buf mapped at IOVA MOCK_APERTURE_START in $src
    Then VmPin of this process is 4 pages
    When I copy $four bytes at IOVA MOCK_APERTURE_START of $src to IOVA MOCK_APERTURE_START of $dst
    Then it succeeds
    And VmPin of this process is 4 pages
    When I unmap $four bytes at IOVA MOCK_APERTURE_START from $src
    Then VmPin of this process is 4 pages
    When I unmap $four bytes at IOVA MOCK_APERTURE_START from $dst
    Then VmPin of this process is 0 pages

  @ACCOUNTING.RELEASE_ON_CLOSE
  Scenario: Closing the iommufd with devices attached, mappings, a copy and an access releases every pin
    Given an IOAS as $src
    And an IOAS as $dst
    And a mock device attached to $src as $dev
    And a mock device attached to $dst as $other_dev
    And an access to $dst as $access
    And $four bytes of user memory as $buf
    And $four bytes of $buf mapped at IOVA MOCK_APERTURE_START in $src
    When I copy $four bytes at IOVA MOCK_APERTURE_START of $src to IOVA MOCK_APERTURE_START of $dst
    Then it succeeds
    And VmPin of this process is 4 pages
    When the process closes $access
    And the process closes $iommufd
    Then VmPin of this process is 0 pages
    And VmLck of this process is 0 pages

  @ACCOUNTING.RELEASE_ON_CLOSE
  Scenario: Closing an iommufd gives its charge back to the user: the memlock limit can be used again
    Given a forked child runs the rest of the scenario
    And the process has no CAP_IPC_LOCK
    And a memlock limit of $four bytes
    And $four bytes of user memory as $buf
    And another open iommufd as $fd
    When I call IOMMU_IOAS_ALLOC on $fd with:
      | field | value |
      | flags | 0     |
    Then I remember out_ioas_id as $ioas
    When I call IOMMU_TEST_CMD on $fd with:
      | field | value                     |
      | op    | IOMMU_TEST_OP_MOCK_DOMAIN |
      | id    | $ioas                     |
    Then it succeeds
    When I call IOMMU_IOAS_MAP on $fd with:
      | field   | value                                                                              |
      | flags   | IOMMU_IOAS_MAP_FIXED_IOVA \| IOMMU_IOAS_MAP_READABLE \| IOMMU_IOAS_MAP_WRITEABLE |
      | ioas_id | $ioas                                                                              |
      | user_va | $buf                                                                               |
      | length  | $four                                                                              |
      | iova    | MOCK_APERTURE_START                                                                |
    Then it succeeds
    And VmPin of this process is 4 pages
    When the process closes $fd
    Then VmPin of this process is 0 pages
    Given another open iommufd as $again
    When I call IOMMU_IOAS_ALLOC on $again with:
      | field | value |
      | flags | 0     |
    Then I remember out_ioas_id as $ioas2
    When I call IOMMU_TEST_CMD on $again with:
      | field | value                     |
      | op    | IOMMU_TEST_OP_MOCK_DOMAIN |
      | id    | $ioas2                    |
    Then it succeeds
    When I call IOMMU_IOAS_MAP on $again with:
      | field   | value                                                                              |
      | flags   | IOMMU_IOAS_MAP_FIXED_IOVA \| IOMMU_IOAS_MAP_READABLE \| IOMMU_IOAS_MAP_WRITEABLE |
      | ioas_id | $ioas2                                                                             |
      | user_va | $buf                                                                               |
      | length  | $four                                                                              |
      | iova    | MOCK_APERTURE_START                                                                |
    Then it succeeds
    And VmPin of this process is 4 pages
