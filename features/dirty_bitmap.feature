@dirty
Feature: Reading the dirty bitmap of a paging HWPT
  IOMMU_HWPT_GET_DIRTY_BITMAP walks the IOPTEs of an IOVA range of a HWPT with
  dirty tracking and sets, in a user bitmap, one bit per page_size unit that a
  dirty IOPTE covers: bit k (bit k % 64 of u64 word k / 64) stands for the
  bytes iova + k * page_size up to the next unit. The dirty state is cleared as
  it is read, unless IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR asks to only look.
  The bitmap may sit at any user address.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And huge pages are off in $ioas
    And a mock device attached to $ioas as $dev
    And 4096 bytes of user memory as $bits

  @DIRTY.GET.FLAGS_UNKNOWN
  Scenario Outline: A flag other than NO_CLEAR is refused before the HWPT is looked up: <flags>
    When I call IOMMU_HWPT_GET_DIRTY_BITMAP with:
      | field   | value   |
      | hwpt_id | 0       |
      | flags   | <flags> |
    Then it fails with EOPNOTSUPP

    Examples:
      | flags      |
      | 2          |
      | 3          |
      | 0x80000000 |

  @DIRTY.GET.RESERVED
  Scenario: A non-zero __reserved field is refused before the HWPT is looked up
    When I call IOMMU_HWPT_GET_DIRTY_BITMAP with:
      | field      | value |
      | hwpt_id    | 0     |
      | __reserved | 1     |
    Then it fails with EOPNOTSUPP

  @DIRTY.GET.HWPT_ID
  Scenario Outline: hwpt_id must name a paging HWPT: <what>
    When I call IOMMU_HWPT_GET_DIRTY_BITMAP with:
      | field     | value               |
      | hwpt_id   | <id>                |
      | iova      | MOCK_APERTURE_START |
      | length    | 4096                |
      | page_size | 4096                |
      | data      | $bits               |
    Then it fails with ENOENT

    Examples:
      | what                | id        |
      | no object           | 0         |
      | an unused id        | 1000      |
      | an IOAS             | $ioas     |
      | the selftest object | $dev      |
      | the device          | $dev_idev |

  @DIRTY.GET.NOT_SUPPORTED
  Scenario Outline: A HWPT without dirty tracking has no bitmap to read (<what>)
    Given a HWPT without dirty tracking for $dev on $ioas as $plain
    When I call IOMMU_HWPT_GET_DIRTY_BITMAP with:
      | field     | value               |
      | hwpt_id   | <hwpt>              |
      | iova      | MOCK_APERTURE_START |
      | length    | 4096                |
      | page_size | 4096                |
      | data      | $bits               |
    Then it fails with EOPNOTSUPP

    Examples:
      | what                       | hwpt      |
      | allocated without the flag | $plain    |
      | the device's automatic one | $dev_hwpt |

  @DIRTY.GET.NOT_SUPPORTED @DIRTY.GET.LENGTH_ZERO
  Scenario: The range is checked before the HWPT's support
    When I call IOMMU_HWPT_GET_DIRTY_BITMAP with:
      | field     | value               |
      | hwpt_id   | $dev_hwpt           |
      | iova      | MOCK_APERTURE_START |
      | length    | 0                   |
      | page_size | 4096                |
      | data      | $bits               |
    Then it fails with EINVAL

  @DIRTY.GET.LENGTH_ZERO @DIRTY.GET.OVERFLOW @DIRTY.GET.IOVA_ALIGNMENT @DIRTY.GET.PAGE_SIZE_ZERO @DIRTY.GET.PAGE_SIZE_ALIGNMENT
  Scenario Outline: The range and page size are checked: <what>
    Given a HWPT with dirty tracking for $dev on $ioas as $hwpt
    When I call IOMMU_HWPT_GET_DIRTY_BITMAP with:
      | field     | value       |
      | hwpt_id   | $hwpt       |
      | iova      | <iova>      |
      | length    | <length>    |
      | page_size | <page_size> |
      | data      | $bits       |
    Then it fails with <errno>

    Examples:
      | what                                        | iova                       | length     | page_size | errno     |
      | no length                                   | MOCK_APERTURE_START        | 0          | 4096      | EINVAL    |
      | the last byte past the end of the IOVA space | 0xfffffffffffff000         | 0x2000     | 4096      | EOVERFLOW |
      | a length that wraps with any iova           | 0x1000                     | 0xffffffffffffffff | 4096 | EOVERFLOW |
      | an iova off the IOAS alignment              | MOCK_APERTURE_START + 2048 | 4096       | 2048      | EINVAL    |
      | a length off the IOAS alignment             | MOCK_APERTURE_START        | 6144       | 2048      | EINVAL    |
      | no page size                                | MOCK_APERTURE_START        | 4096       | 0         | EINVAL    |
      | an iova off the page size                   | MOCK_APERTURE_START + 4096 | 8192       | 8192      | EINVAL    |
      | a length off the page size                  | MOCK_APERTURE_START        | 12288      | 8192      | EINVAL    |
      | an overflow before the alignment            | 0xfffffffffffff800         | 0x1000     | 4096      | EOVERFLOW |

  @DIRTY.GET.LAYOUT
  Scenario: Bit k stands for the k-th page from iova, not from IOVA 0
    Given 262144 bytes of user memory as $buf
    And 262144 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    And a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And dirty tracking is on for $hwpt
    And the 2048-byte pages "32, 100, 127" of 262144 bytes at IOVA MOCK_APERTURE_START of $hwpt are dirty
    When I read the dirty bits of 0x30000 bytes at IOVA MOCK_APERTURE_START + 0x10000 of $hwpt in 4096-byte pages into $bits
    Then it succeeds
    And of the 128 bits at $bits exactly "0, 34, 47" are set

  @DIRTY.GET.CLEARS
  Scenario: Reading clears what it reports
    Given 65536 bytes of user memory as $buf
    And 65536 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    And a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And dirty tracking is on for $hwpt
    And the 2048-byte pages "0, 5, 31" of 65536 bytes at IOVA MOCK_APERTURE_START of $hwpt are dirty
    When I read the dirty bits of 65536 bytes at IOVA MOCK_APERTURE_START of $hwpt in 4096-byte pages into $bits
    Then it succeeds
    And of the 64 bits at $bits exactly "0, 2, 15" are set
    When I clear the 8 bytes at $bits
    And I read the dirty bits of 65536 bytes at IOVA MOCK_APERTURE_START of $hwpt in 4096-byte pages into $bits
    Then it succeeds
    And of the 64 bits at $bits exactly "none" are set

  @DIRTY.GET.NO_CLEAR
  Scenario: NO_CLEAR reads without clearing
    Given 65536 bytes of user memory as $buf
    And 65536 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    And a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And dirty tracking is on for $hwpt
    And the 2048-byte pages "3, 20" of 65536 bytes at IOVA MOCK_APERTURE_START of $hwpt are dirty
    When I read the dirty bits of 65536 bytes at IOVA MOCK_APERTURE_START of $hwpt in 4096-byte pages into $bits without clearing them
    Then it succeeds
    And of the 64 bits at $bits exactly "1, 10" are set
    When I clear the 8 bytes at $bits
    And I read the dirty bits of 65536 bytes at IOVA MOCK_APERTURE_START of $hwpt in 4096-byte pages into $bits without clearing them
    Then it succeeds
    And of the 64 bits at $bits exactly "1, 10" are set
    When I clear the 8 bytes at $bits
    And I read the dirty bits of 65536 bytes at IOVA MOCK_APERTURE_START of $hwpt in 4096-byte pages into $bits
    Then it succeeds
    And of the 64 bits at $bits exactly "1, 10" are set
    When I clear the 8 bytes at $bits
    And I read the dirty bits of 65536 bytes at IOVA MOCK_APERTURE_START of $hwpt in 4096-byte pages into $bits
    Then it succeeds
    And of the 64 bits at $bits exactly "none" are set

  @DIRTY.GET.SETS_ONLY @linux
  Scenario: Bits already set in the user bitmap stay set
    Given 16384 bytes of user memory as $buf
    And 16384 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    And a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And dirty tracking is on for $hwpt
    And the 2048-byte pages "6" of 16384 bytes at IOVA MOCK_APERTURE_START of $hwpt are dirty
    When I fill 1 bytes at $bits with 0x03
    And I read the dirty bits of 16384 bytes at IOVA MOCK_APERTURE_START of $hwpt in 4096-byte pages into $bits
    Then it succeeds
    And of the 8 bits at $bits exactly "0, 1, 3" are set

  @DIRTY.GET.PAGE_SIZE_NOT_POW2
  Scenario: A page size that is no power of two counts in units of its lowest set bit
    Given 65536 bytes of user memory as $buf
    And 65536 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    And a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And dirty tracking is on for $hwpt
    And the 2048-byte pages "4" of 65536 bytes at IOVA MOCK_APERTURE_START of $hwpt are dirty
    When I read the dirty bits of 0x4000 bytes at IOVA MOCK_APERTURE_START of $hwpt in 0x3000-byte pages into $bits
    Then it succeeds
    And of the 8 bits at $bits exactly "2" are set

  @DIRTY.GET.CONTIGUOUS_ONLY @linux
  Scenario: The walk stops at the first IOVA no area maps, without an error
    Given 16384 bytes of user memory as $a
    And 16384 bytes of user memory as $b
    And 16384 bytes of $a mapped at IOVA MOCK_APERTURE_START in $ioas
    And 16384 bytes of $b mapped at IOVA MOCK_APERTURE_START + 0x8000 in $ioas
    And a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And dirty tracking is on for $hwpt
    And the 2048-byte pages "2, 17" of 49152 bytes at IOVA MOCK_APERTURE_START of $hwpt are dirty
    When I read the dirty bits of 49152 bytes at IOVA MOCK_APERTURE_START of $hwpt in 4096-byte pages into $bits
    Then it succeeds
    And of the 16 bits at $bits exactly "1" are set
    When I clear the 8 bytes at $bits
    And I read the dirty bits of 16384 bytes at IOVA MOCK_APERTURE_START + 0x8000 of $hwpt in 4096-byte pages into $bits
    Then it succeeds
    And of the 8 bits at $bits exactly "0" are set

  @DIRTY.GET.CONTIGUOUS_ONLY @linux
  Scenario: A range no area maps reads as clean
    Given a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And dirty tracking is on for $hwpt
    When I read the dirty bits of 65536 bytes at IOVA MOCK_APERTURE_START of $hwpt in 4096-byte pages into $bits
    Then it succeeds
    And of the 64 bits at $bits exactly "none" are set

  @DIRTY.GET.CONTIGUOUS_ONLY @linux
  Scenario: Adjacent areas are walked as one range
    Given 16384 bytes of user memory as $a
    And 16384 bytes of user memory as $b
    And 16384 bytes of $a mapped at IOVA MOCK_APERTURE_START in $ioas
    And 16384 bytes of $b mapped at IOVA MOCK_APERTURE_START + 0x4000 in $ioas
    And a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And dirty tracking is on for $hwpt
    And the 2048-byte pages "0, 15" of 32768 bytes at IOVA MOCK_APERTURE_START of $hwpt are dirty
    When I read the dirty bits of 32768 bytes at IOVA MOCK_APERTURE_START of $hwpt in 4096-byte pages into $bits
    Then it succeeds
    And of the 8 bits at $bits exactly "0, 7" are set

  @DIRTY.GET.UNWRITABLE_BITMAP @linux
  Scenario Outline: A bitmap the kernel cannot write to: <what>
    Given 16384 bytes of user memory as $buf
    And 16384 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    And a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And dirty tracking is on for $hwpt
    And 4096 bytes of read-only user memory as $ro
    And an unmapped user address as $gone
    And the 2048-byte pages "2" of 16384 bytes at IOVA MOCK_APERTURE_START of $hwpt are dirty
    When I read the dirty bits of 16384 bytes at IOVA MOCK_APERTURE_START of $hwpt in 4096-byte pages into <data>
    Then it succeeds
    When I read the dirty bits of 16384 bytes at IOVA MOCK_APERTURE_START of $hwpt in 4096-byte pages into $bits
    Then it succeeds
    And of the 8 bits at $bits exactly "none" are set

    Examples:
      | what             | data  |
      | read-only memory | $ro   |
      | no memory        | $gone |

  @DIRTY.GET.IOPTE_BEFORE_RANGE @DIRTY.GET.IOPTE_PAST_END @linux
  Scenario: A dirty IOPTE the range covers only in part
    # Huge pages on: the IOAS is aligned to the mock's 2 KiB, and a one-page area is one PAGE_SIZE IOPTE.
    Given an IOAS as $wide
    And a mock device attached to $wide as $dev2
    And 4096 bytes of user memory as $page
    And 4096 bytes of $page mapped at IOVA MOCK_APERTURE_START in $wide
    And a HWPT with dirty tracking for $dev2 on $wide as $hwpt
    And dirty tracking is on for $hwpt
    And the 2048-byte pages "1" of 4096 bytes at IOVA MOCK_APERTURE_START of $hwpt are dirty
    When I read the dirty bits of 2048 bytes at IOVA MOCK_APERTURE_START of $hwpt in 2048-byte pages into $bits without clearing them
    Then it succeeds
    And of the 8 bits at $bits exactly "0, 1" are set
    When I clear the 1 bytes at $bits
    And I read the dirty bits of 2048 bytes at IOVA MOCK_APERTURE_START + 2048 of $hwpt in 2048-byte pages into $bits
    Then it succeeds
    And of the 8 bits at $bits exactly "none" are set
    When I read the dirty bits of 4096 bytes at IOVA MOCK_APERTURE_START of $hwpt in 2048-byte pages into $bits
    Then it succeeds
    And of the 8 bits at $bits exactly "none" are set

  @GENERIC.SIZE.ZERO_TAIL @GENERIC.SIZE.NONZERO_TAIL @GENERIC.SIZE.BELOW_MIN
  Scenario Outline: The size rules with a real read: <what>
    Given 16384 bytes of user memory as $buf
    And 16384 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    And a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And dirty tracking is on for $hwpt
    And the 2048-byte pages "4" of 16384 bytes at IOVA MOCK_APERTURE_START of $hwpt are dirty
    When I call IOMMU_HWPT_GET_DIRTY_BITMAP <shape> with:
      | field     | value               |
      | hwpt_id   | $hwpt               |
      | iova      | MOCK_APERTURE_START |
      | length    | 16384               |
      | page_size | 4096                |
      | data      | $bits               |
    Then it <outcome>
    And of the 8 bits at $bits exactly "<bits>" are set

    Examples:
      | what                          | shape                                  | outcome           | bits |
      | 16 zero bytes past the struct | extended by 16 zero bytes              | succeeds          | 2    |
      | a non-zero byte past it       | extended by 8 bytes, the last one non-zero, | fails with E2BIG | none |
      | one byte short of data        | cut to 47 bytes                        | fails with EINVAL | none |

  @GENERIC.SIZE.ZERO_TAIL @GENERIC.SIZE.NONZERO_TAIL @GENERIC.SIZE.BELOW_MIN
  Scenario Outline: The size rules with a real switch of tracking: <what>
    Given a HWPT with dirty tracking for $dev on $ioas as $hwpt
    When I call IOMMU_HWPT_SET_DIRTY_TRACKING <shape> with:
      | field   | value                            |
      | flags   | IOMMU_HWPT_DIRTY_TRACKING_ENABLE |
      | hwpt_id | $hwpt                            |
    Then it <outcome>

    Examples:
      | what                          | shape                                      | outcome           |
      | 16 zero bytes past the struct | extended by 16 zero bytes                  | succeeds          |
      | a non-zero byte past it       | extended by 8 bytes, the last one non-zero, | fails with E2BIG  |
      | one byte short of __reserved  | cut to 15 bytes                            | fails with EINVAL |
