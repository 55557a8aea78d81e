@dirty
Feature: Marking IOPTEs dirty through the selftest (IOMMU_TEST_OP_DIRTY)
  The mock IOMMU has no device that writes, so the selftest marks its IOPTEs
  dirty on request: IOMMU_TEST_OP_DIRTY takes a range (iova, length) in units
  of page_size and a bitmap at uptr with one bit per unit, marks the IOPTE
  under every unit whose bit is set and says how many bits it found. It needs
  a mock HWPT whose tracking is on.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And huge pages are off in $ioas
    And a mock device attached to $ioas as $dev
    And 16384 bytes of user memory as $buf
    And 16384 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    And a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And 4096 bytes of user memory as $bits

  @DIRTY.TEST.ARGS
  Scenario Outline: The range and bitmap are checked before the HWPT: <what>
    When I call IOMMU_TEST_CMD with:
      | field           | value       |
      | op              | IOMMU_TEST_OP_DIRTY |
      | id              | 0           |
      | dirty.iova      | <iova>      |
      | dirty.length    | <length>    |
      | dirty.page_size | <page_size> |
      | dirty.uptr      | <uptr>      |
    Then it fails with EINVAL

    Examples:
      | what                      | iova                       | length | page_size | uptr  |
      | no page size              | MOCK_APERTURE_START        | 4096   | 0         | $bits |
      | no length                 | MOCK_APERTURE_START        | 0      | 2048      | $bits |
      | an iova off the page size | MOCK_APERTURE_START + 1024 | 4096   | 2048      | $bits |
      | a length off the page size | MOCK_APERTURE_START       | 3072   | 2048      | $bits |
      | no bitmap                 | MOCK_APERTURE_START        | 4096   | 2048      | 0     |

  @DIRTY.TEST.TOO_LONG
  Scenario: More than 16 Mi * 8 pages are refused before the HWPT is looked up
    When I call IOMMU_TEST_CMD with:
      | field           | value               |
      | op              | IOMMU_TEST_OP_DIRTY |
      | id              | 0                   |
      | dirty.iova      | 0                   |
      | dirty.length    | 0x8000001000        |
      | dirty.page_size | 4096                |
      | dirty.uptr      | $bits               |
    Then it fails with EOVERFLOW

  @DIRTY.TEST.TOO_LONG
  Scenario: Exactly 16 Mi * 8 pages pass the length check
    When I call IOMMU_TEST_CMD with:
      | field           | value               |
      | op              | IOMMU_TEST_OP_DIRTY |
      | id              | 0                   |
      | dirty.iova      | 0                   |
      | dirty.length    | 0x8000000000        |
      | dirty.page_size | 4096                |
      | dirty.uptr      | $bits               |
    Then it fails with ENOENT

  @DIRTY.TEST.ID
  Scenario Outline: id must name a mock paging HWPT: <what>
    When I call IOMMU_TEST_CMD with:
      | field           | value               |
      | op              | IOMMU_TEST_OP_DIRTY |
      | id              | <id>                |
      | dirty.iova      | MOCK_APERTURE_START |
      | dirty.length    | 4096                |
      | dirty.page_size | 2048                |
      | dirty.uptr      | $bits               |
    Then it fails with ENOENT

    Examples:
      | what         | id        |
      | no object    | 0         |
      | an IOAS      | $ioas     |
      | the device   | $dev_idev |

  @DIRTY.TEST.NOT_TRACKING
  Scenario: A HWPT whose tracking was never turned on is not marked
    When I mark the 2048-byte pages "0" of 16384 bytes at IOVA MOCK_APERTURE_START of $hwpt dirty
    Then it fails with EINVAL

  @DIRTY.TEST.NOT_TRACKING
  Scenario: A HWPT that cannot track is not marked
    When I mark the 2048-byte pages "0" of 16384 bytes at IOVA MOCK_APERTURE_START of $dev_hwpt dirty
    Then it fails with EINVAL

  @DIRTY.TEST.NOT_TRACKING
  Scenario: Turned off again, the HWPT is not marked
    Given dirty tracking is on for $hwpt
    When I turn dirty tracking off for $hwpt
    Then it succeeds
    When I mark the 2048-byte pages "0" of 16384 bytes at IOVA MOCK_APERTURE_START of $hwpt dirty
    Then it fails with EINVAL

  @DIRTY.TEST.EFAULT
  Scenario: An unreadable bitmap fails
    Given dirty tracking is on for $hwpt
    And an unmapped user address as $gone
    When I call IOMMU_TEST_CMD with:
      | field           | value               |
      | op              | IOMMU_TEST_OP_DIRTY |
      | id              | $hwpt               |
      | dirty.iova      | MOCK_APERTURE_START |
      | dirty.length    | 16384               |
      | dirty.page_size | 2048                |
      | dirty.uptr      | $gone               |
    Then it fails with EFAULT

  @DIRTY.TEST.MARK
  Scenario: Every set bit is counted, mapped or not, and marks the IOPTE under it
    Given dirty tracking is on for $hwpt
    When I mark the 2048-byte pages "1, 6, 9, 12" of 32768 bytes at IOVA MOCK_APERTURE_START of $hwpt dirty
    Then it succeeds
    And dirty.out_nr_dirty is 4
    When I read the dirty bits of 16384 bytes at IOVA MOCK_APERTURE_START of $hwpt in 2048-byte pages into $bits
    Then it succeeds
    And of the 8 bits at $bits exactly "0, 1, 6, 7" are set

  @DIRTY.TEST.MARK
  Scenario: Marking in 4096-byte units marks the same IOPTEs
    Given dirty tracking is on for $hwpt
    When I mark the 4096-byte pages "0, 3" of 16384 bytes at IOVA MOCK_APERTURE_START of $hwpt dirty
    Then it succeeds
    And dirty.out_nr_dirty is 2
    When I read the dirty bits of 16384 bytes at IOVA MOCK_APERTURE_START of $hwpt in 2048-byte pages into $bits
    Then it succeeds
    And of the 8 bits at $bits exactly "0, 1, 6, 7" are set
