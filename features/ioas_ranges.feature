@ioas
Feature: The IOVA ranges of an IO address space
  IOMMU_IOAS_IOVA_RANGES tells where mappings may be placed: the gaps between
  reserved IOVA, which the attached devices narrow, and the alignment every
  mapping must keep. IOMMU_IOAS_ALLOW_IOVAS asks that some ranges stay usable
  whatever is attached later, and confines automatic placement to them.

  Background:
    Given an open iommufd
    And an IOAS as $ioas

  @IOAS_IOVA_RANGES.NEW_IOAS
  Scenario: A new IOAS offers the whole IOVA space with no alignment
    Then the IOVA ranges of $ioas are:
      | start | last               |
      | 0     | 0xffffffffffffffff |
    And out_iova_alignment is 1

  @IOAS_IOVA_RANGES.RESERVED.NONZERO
  Scenario: A non-zero __reserved field is refused
    When I call IOMMU_IOAS_IOVA_RANGES with:
      | field      | value |
      | ioas_id    | $ioas |
      | __reserved | 1     |
    Then it fails with EOPNOTSUPP

  @IOAS.ID.UNKNOWN
  Scenario Outline: <ioctl> refuses an id that names no IOAS: <id>
    When I call <ioctl> with:
      | field   | value |
      | ioas_id | <id>  |
    Then it fails with ENOENT

    Examples:
      | ioctl                  | id         |
      | IOMMU_IOAS_IOVA_RANGES | 0          |
      | IOMMU_IOAS_IOVA_RANGES | $ioas + 1  |
      | IOMMU_IOAS_ALLOW_IOVAS | 0          |
      | IOMMU_IOAS_ALLOW_IOVAS | 0xffffffff |

  @IOAS_IOVA_RANGES.RESERVED_HOLES
  Scenario: Reserved IOVA splits the ranges into the gaps around it
    Given 0x1000 bytes at IOVA 0x1000 reserved in $ioas
    And 0x10000 bytes at IOVA 0x100000 reserved in $ioas
    Then the IOVA ranges of $ioas are:
      | start    | last               |
      | 0        | 0xfff              |
      | 0x2000   | 0xfffff            |
      | 0x110000 | 0xffffffffffffffff |

  @IOAS_IOVA_RANGES.EMSGSIZE
  Scenario: Too small an array: EMSGSIZE, the count needed, and the array filled as far as it goes
    Given 0x1000 bytes at IOVA 0x1000 reserved in $ioas
    And 0x1000 bytes at IOVA 0x10000 reserved in $ioas
    When I ask for the IOVA ranges of $ioas with room for 2 ranges
    Then it fails with EMSGSIZE
    And num_iovas is 3
    And the ranges written are:
      | start  | last   |
      | 0      | 0xfff  |
      | 0x2000 | 0xffff |
    And nothing is written past the first 2 ranges

  @IOAS_IOVA_RANGES.EMSGSIZE
  Scenario: An empty array only learns the count
    When I ask for the IOVA ranges of $ioas with room for 0 ranges
    Then it fails with EMSGSIZE
    And num_iovas is 1
    And out_iova_alignment is 1
    And nothing is written past the first 0 ranges

  @IOAS_IOVA_RANGES.EMSGSIZE
  Scenario: An array of exactly the right size succeeds
    When I ask for the IOVA ranges of $ioas with room for 1 range
    Then it succeeds
    And num_iovas is 1
    And nothing is written past the first 1 range

  @IOAS_IOVA_RANGES.EFAULT
  Scenario: An array the kernel cannot write fails with EFAULT
    Given an unmapped user address as $nowhere
    When I call IOMMU_IOAS_IOVA_RANGES with:
      | field         | value    |
      | ioas_id       | $ioas    |
      | num_iovas     | 1        |
      | allowed_iovas | $nowhere |
    Then it fails with EFAULT

  @IOAS_IOVA_RANGES.EFAULT @IOAS_IOVA_RANGES.EMSGSIZE
  Scenario: With no room, the array pointer is never used
    When I call IOMMU_IOAS_IOVA_RANGES with:
      | field         | value |
      | ioas_id       | $ioas |
      | num_iovas     | 0     |
      | allowed_iovas | 0     |
    Then it fails with EMSGSIZE
    And num_iovas is 1

  @IOAS_IOVA_RANGES.DEVICE_NARROWS
  Scenario: A device narrows the ranges to its aperture and its page size, and widening follows its detach
    Given a mock device attached to $ioas as $dev
    Then the IOVA ranges of $ioas are:
      | start               | last               |
      | MOCK_APERTURE_START | MOCK_APERTURE_LAST |
    And out_iova_alignment is MOCK_PAGE_SIZE
    When I destroy $dev
    Then it succeeds
    And the IOVA ranges of $ioas are:
      | start | last               |
      | 0     | 0xffffffffffffffff |
    And out_iova_alignment is 1

  @IOAS_IOVA_RANGES.DEVICE_OUTSIDE_MAPPING
  Scenario: A device cannot be attached while a mapping lies outside its aperture
    Given 4096 bytes of user memory as $buf
    And 4096 bytes of $buf mapped at IOVA 0x1000 in $ioas
    When I attach a mock device to $ioas
    Then it fails with EADDRINUSE
    And the IOVA ranges of $ioas are:
      | start | last               |
      | 0     | 0xffffffffffffffff |

  @IOAS_ALLOW_IOVAS.RESERVED.NONZERO
  Scenario: A non-zero __reserved field is refused
    When I call IOMMU_IOAS_ALLOW_IOVAS with:
      | field      | value |
      | ioas_id    | $ioas |
      | __reserved | 1     |
    Then it fails with EOPNOTSUPP

  @IOAS_ALLOW_IOVAS.RANGE.EMPTY
  Scenario Outline: A range from <start> to <last> is refused
    When I allow these IOVA ranges in $ioas:
      | start   | last   |
      | <start> | <last> |
    Then it fails with EINVAL

    Examples:
      | start  | last   |
      | 0x2000 | 0x1fff |
      | 0x2000 | 0x2000 |

  @IOAS_ALLOW_IOVAS.RANGE.OVERLAP
  Scenario: Ranges of one list that overlap are refused
    When I allow these IOVA ranges in $ioas:
      | start   | last     |
      | 0x10000 | 0x1ffff  |
      | 0x18000 | 0x2ffff  |
    Then it fails with EINVAL

  @IOAS_ALLOW_IOVAS.EFAULT
  Scenario: An array the kernel cannot read fails with EFAULT
    Given an unmapped user address as $nowhere
    When I call IOMMU_IOAS_ALLOW_IOVAS with:
      | field         | value    |
      | ioas_id       | $ioas    |
      | num_iovas     | 1        |
      | allowed_iovas | $nowhere |
    Then it fails with EFAULT

  @IOAS_ALLOW_IOVAS.CONFLICT
  Scenario: An allowed range that meets reserved IOVA is refused, and the previous list stays
    Given 4096 bytes of user memory as $buf
    And 0x1000 bytes at IOVA 0x100000 reserved in $ioas
    When I allow these IOVA ranges in $ioas:
      | start    | last     |
      | 0x200000 | 0x2fffff |
    Then it succeeds
    When I allow these IOVA ranges in $ioas:
      | start    | last     |
      | 0x200000 | 0x2fffff |
      | 0x80000  | 0x100fff |
    Then it fails with EADDRINUSE
    When I map 4096 bytes of $buf into $ioas
    Then it succeeds
    And iova is 0x200000

  @IOAS_ALLOW_IOVAS.NO_NARROWING
  Scenario: Reserving IOVA inside an allowed range is refused
    When I allow these IOVA ranges in $ioas:
      | start    | last     |
      | 0x200000 | 0x2fffff |
    Then it succeeds
    When I reserve 0x1000 bytes at IOVA 0x280000 in $ioas
    Then it fails with EADDRINUSE
    When I reserve 0x1000 bytes at IOVA 0x300000 in $ioas
    Then it succeeds

  @IOAS_ALLOW_IOVAS.NO_NARROWING
  Scenario: A device that cannot translate an allowed range cannot be attached
    When I allow these IOVA ranges in $ioas:
      | start   | last    |
      | 0x10000 | 0x1ffff |
    Then it succeeds
    When I attach a mock device to $ioas
    Then it fails with EADDRINUSE
    When I allow no IOVA ranges in $ioas
    Then it succeeds
    When I attach a mock device to $ioas
    Then it succeeds

  @IOAS_ALLOW_IOVAS.REPLACES @IOAS_ALLOW_IOVAS.AUTOMATIC_ONLY
  Scenario: Each list replaces the last one, and an empty list lifts the restriction
    Given 4096 bytes of user memory as $buf
    When I allow these IOVA ranges in $ioas:
      | start    | last     |
      | 0x200000 | 0x2fffff |
    And I map 4096 bytes of $buf into $ioas
    Then it succeeds
    And iova is 0x200000
    When I allow these IOVA ranges in $ioas:
      | start    | last     |
      | 0x400000 | 0x4fffff |
    And I map 4096 bytes of $buf into $ioas
    Then it succeeds
    And iova is 0x400000
    When I allow no IOVA ranges in $ioas
    And I map 4096 bytes of $buf into $ioas
    Then it succeeds
    And iova is 0x1000

  @IOAS_ALLOW_IOVAS.AUTOMATIC_ONLY
  Scenario: A fixed mapping outside the allowed ranges is not refused
    Given 4096 bytes of user memory as $buf
    When I allow these IOVA ranges in $ioas:
      | start    | last     |
      | 0x200000 | 0x2fffff |
    And I map 4096 bytes of $buf at IOVA 0x10000 into $ioas
    Then it succeeds
    And iova is 0x10000

  @IOAS_IOVA_RANGES.ALLOWED
  Scenario: Allowed ranges confine automatic placement, not the ranges IOVA_RANGES reports
    Given 4096 bytes of user memory as $buf
    When I allow these IOVA ranges in $ioas:
      | start                          | last                           |
      | MOCK_APERTURE_START + 0x100000 | MOCK_APERTURE_START + 0x1fffff |
    Then it succeeds
    And the IOVA ranges of $ioas are:
      | start | last               |
      | 0     | 0xffffffffffffffff |
    Given a mock device attached to $ioas as $dev
    Then the IOVA ranges of $ioas are:
      | start               | last               |
      | MOCK_APERTURE_START | MOCK_APERTURE_LAST |
    When I map 4096 bytes of $buf into $ioas
    Then it succeeds
    And iova is MOCK_APERTURE_START + 0x100000
