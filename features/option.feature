@option
Feature: IOMMU_OPTION sets and reads options of the iommufd and of an IOAS
  IOMMU_OPTION_RLIMIT_MODE is global (object_id 0): it says whether pinned
  pages are charged to the user or to the process. IOMMU_OPTION_HUGE_PAGES
  belongs to one IOAS: it says whether large IO page table entries may be used.

  Background:
    Given an open iommufd

  @OPTION.RESERVED.NONZERO
  Scenario: A non-zero __reserved field is refused
    When I call IOMMU_OPTION with:
      | field      | value                    |
      | option_id  | IOMMU_OPTION_RLIMIT_MODE |
      | op         | IOMMU_OPTION_OP_GET      |
      | __reserved | 1                        |
    Then it fails with EOPNOTSUPP

  @OPTION.ID.UNKNOWN
  Scenario Outline: An unknown option_id <option_id> is refused
    When I call IOMMU_OPTION with:
      | field     | value               |
      | option_id | <option_id>         |
      | op        | IOMMU_OPTION_OP_GET |
    Then it fails with EOPNOTSUPP

    Examples:
      | option_id  |
      | 2          |
      | 0xffffffff |

  @OPTION.OP.UNKNOWN
  Scenario Outline: An unknown op <op> is refused for option <option>
    Given I call IOMMU_IOAS_ALLOC with no fields set
    And I remember out_ioas_id as $ioas
    When I call IOMMU_OPTION with:
      | field     | value       |
      | option_id | <option>    |
      | op        | <op>        |
      | object_id | <object_id> |
    Then it fails with EOPNOTSUPP

    Examples:
      | option                   | object_id | op     |
      | IOMMU_OPTION_RLIMIT_MODE | 0         | 2      |
      | IOMMU_OPTION_RLIMIT_MODE | 0         | 0xffff |
      | IOMMU_OPTION_HUGE_PAGES  | $ioas     | 2      |

  @OPTION.RLIMIT_MODE.DEFAULT @OPTION.GET.WRITES_VAL64
  Scenario: /dev/iommu charges the user and /dev/vfio/vfio the process by default
    Given an iommufd opened from "/dev/vfio/vfio" as $vfio
    When I call IOMMU_OPTION with:
      | field     | value                    |
      | option_id | IOMMU_OPTION_RLIMIT_MODE |
      | op        | IOMMU_OPTION_OP_GET      |
      | val64     | 0xff                     |
    Then it succeeds
    And val64 is 0
    When I call IOMMU_OPTION on $vfio with:
      | field     | value                    |
      | option_id | IOMMU_OPTION_RLIMIT_MODE |
      | op        | IOMMU_OPTION_OP_GET      |
    Then it succeeds
    And val64 is 1

  @OPTION.RLIMIT_MODE.PRIVILEGE
  Scenario: Without CAP_SYS_RESOURCE RLIMIT_MODE cannot be set, even where EBUSY would apply
    Given a forked child runs the rest of the scenario
    And the process has no CAP_SYS_RESOURCE
    When I call IOMMU_OPTION with:
      | field     | value                    |
      | option_id | IOMMU_OPTION_RLIMIT_MODE |
      | op        | IOMMU_OPTION_OP_SET      |
      | val64     | 1                        |
    Then it fails with EPERM
    When I call IOMMU_OPTION with:
      | field     | value                    |
      | option_id | IOMMU_OPTION_RLIMIT_MODE |
      | op        | IOMMU_OPTION_OP_GET      |
    Then it succeeds
    And val64 is 0
    Given I call IOMMU_IOAS_ALLOC with no fields set
    When I call IOMMU_OPTION with:
      | field     | value                    |
      | option_id | IOMMU_OPTION_RLIMIT_MODE |
      | op        | IOMMU_OPTION_OP_SET      |
      | val64     | 0                        |
    Then it fails with EPERM

  @OPTION.RLIMIT_MODE.GLOBAL
  Scenario: RLIMIT_MODE refuses an object id
    When I call IOMMU_OPTION with:
      | field     | value                    |
      | option_id | IOMMU_OPTION_RLIMIT_MODE |
      | op        | IOMMU_OPTION_OP_GET      |
      | object_id | 1                        |
    Then it fails with EOPNOTSUPP

  @OPTION.RLIMIT_MODE.SET @OPTION.GET.WRITES_VAL64
  Scenario: RLIMIT_MODE set on an empty iommufd reads back
    When I call IOMMU_OPTION with:
      | field     | value                    |
      | option_id | IOMMU_OPTION_RLIMIT_MODE |
      | op        | IOMMU_OPTION_OP_SET      |
      | val64     | 1                        |
    Then it succeeds
    When I call IOMMU_OPTION with:
      | field     | value                    |
      | option_id | IOMMU_OPTION_RLIMIT_MODE |
      | op        | IOMMU_OPTION_OP_GET      |
    Then it succeeds
    And val64 is 1
    When I call IOMMU_OPTION with:
      | field     | value                    |
      | option_id | IOMMU_OPTION_RLIMIT_MODE |
      | op        | IOMMU_OPTION_OP_SET      |
      | val64     | 0                        |
    Then it succeeds
    When I call IOMMU_OPTION with:
      | field     | value                    |
      | option_id | IOMMU_OPTION_RLIMIT_MODE |
      | op        | IOMMU_OPTION_OP_GET      |
    Then it succeeds
    And val64 is 0

  @OPTION.RLIMIT_MODE.VALUE
  Scenario Outline: RLIMIT_MODE refuses the value <val64>
    When I call IOMMU_OPTION with:
      | field     | value                    |
      | option_id | IOMMU_OPTION_RLIMIT_MODE |
      | op        | IOMMU_OPTION_OP_SET      |
      | val64     | <val64>                  |
    Then it fails with EINVAL

    Examples:
      | val64              |
      | 2                  |
      | 0xffffffffffffffff |

  @OPTION.RLIMIT_MODE.BUSY
  Scenario: RLIMIT_MODE cannot change once an object exists, and can again once it is gone
    Given I call IOMMU_IOAS_ALLOC with no fields set
    And I remember out_ioas_id as $ioas
    When I call IOMMU_OPTION with:
      | field     | value                    |
      | option_id | IOMMU_OPTION_RLIMIT_MODE |
      | op        | IOMMU_OPTION_OP_SET      |
      | val64     | 1                        |
    Then it fails with EBUSY
    When I call IOMMU_DESTROY with:
      | field | value |
      | id    | $ioas |
    And I call IOMMU_OPTION with:
      | field     | value                    |
      | option_id | IOMMU_OPTION_RLIMIT_MODE |
      | op        | IOMMU_OPTION_OP_SET      |
      | val64     | 1                        |
    Then it succeeds

  @OPTION.HUGE_PAGES.OBJECT
  Scenario Outline: HUGE_PAGES needs the id of an IOAS: <object_id>
    When I call IOMMU_OPTION with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_GET     |
      | object_id | <object_id>             |
    Then it fails with ENOENT

    Examples:
      | object_id |
      | 0         |
      | 1         |

  @OPTION.HUGE_PAGES.DEFAULT @OPTION.HUGE_PAGES.SET @OPTION.GET.WRITES_VAL64
  Scenario: HUGE_PAGES is 1 on a new IOAS and reads back what was set
    Given I call IOMMU_IOAS_ALLOC with no fields set
    And I remember out_ioas_id as $ioas
    When I call IOMMU_OPTION with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_GET     |
      | object_id | $ioas                   |
    Then it succeeds
    And val64 is 1
    When I call IOMMU_OPTION with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_SET     |
      | object_id | $ioas                   |
      | val64     | 0                       |
    Then it succeeds
    When I call IOMMU_OPTION with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_GET     |
      | object_id | $ioas                   |
    Then it succeeds
    And val64 is 0
    When I call IOMMU_OPTION with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_SET     |
      | object_id | $ioas                   |
      | val64     | 1                       |
    Then it succeeds

  @OPTION.HUGE_PAGES.VALUE
  Scenario: HUGE_PAGES refuses values other than 0 and 1
    Given I call IOMMU_IOAS_ALLOC with no fields set
    And I remember out_ioas_id as $ioas
    When I call IOMMU_OPTION with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_SET     |
      | object_id | $ioas                   |
      | val64     | 2                       |
    Then it fails with EINVAL

  @OPTION.HUGE_PAGES.ALIGNMENT
  Scenario: Without huge pages the IOAS needs PAGE_SIZE alignment
    Given an IOAS as $ioas
    And 0x2000 bytes of user memory as $buf
    When I call IOMMU_OPTION with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_SET     |
      | object_id | $ioas                   |
      | val64     | 0                       |
    Then it succeeds
    And the IOVA alignment of $ioas is 4096
    When I map 0x1000 bytes of $buf at IOVA 0x10800 into $ioas
    Then it fails with EINVAL
    When I map 0x800 bytes of $buf at IOVA 0x10000 into $ioas
    Then it fails with EINVAL
    When I call IOMMU_OPTION with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_SET     |
      | object_id | $ioas                   |
      | val64     | 1                       |
    Then it succeeds
    And the IOVA alignment of $ioas is 1

  @OPTION.HUGE_PAGES.MISALIGNED
  Scenario: Huge pages cannot be turned off while a mapping is off PAGE_SIZE
    Given an IOAS as $ioas
    And 0x2000 bytes of user memory as $buf
    And 0x1000 bytes of $buf mapped at IOVA 0x10800 in $ioas
    When I call IOMMU_OPTION with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_SET     |
      | object_id | $ioas                   |
      | val64     | 0                       |
    Then it fails with EADDRINUSE
    When I call IOMMU_OPTION with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_GET     |
      | object_id | $ioas                   |
    Then val64 is 1

  @OPTION.HUGE_PAGES.DOMAIN_MAPPED
  Scenario: Huge pages cannot be turned off once a device holds mappings
    Given an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And 0x1000 bytes of user memory as $buf
    And 0x1000 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    When I call IOMMU_OPTION with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_SET     |
      | object_id | $ioas                   |
      | val64     | 0                       |
    Then it fails with EINVAL
    When I unmap 0x1000 bytes at IOVA MOCK_APERTURE_START from $ioas
    And I call IOMMU_OPTION with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_SET     |
      | object_id | $ioas                   |
      | val64     | 0                       |
    Then it succeeds
