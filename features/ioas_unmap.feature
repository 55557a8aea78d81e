@ioas
Feature: IOMMU_IOAS_UNMAP removes whole mappings
  The range given must be a superset of the mappings it removes: a mapping is
  never split or truncated. The number of bytes unmapped is written back.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And 0x4000 bytes of user memory as $buf

  @IOAS_UNMAP.EXACT
  Scenario: Unmapping exactly a mapping removes it
    Given 0x2000 bytes of $buf mapped at IOVA 0x10000 in $ioas
    When I unmap 0x2000 bytes at IOVA 0x10000 from $ioas
    Then it succeeds
    And length is 0x2000
    When I unmap 0x2000 bytes at IOVA 0x10000 from $ioas
    Then it fails with ENOENT
    When I map 0x2000 bytes of $buf at IOVA 0x10000 into $ioas
    Then it succeeds

  @IOAS_UNMAP.SUPERSET
  Scenario: A range covering several mappings and the gaps between them removes them all
    Given 0x2000 bytes of $buf mapped at IOVA 0x10000 in $ioas
    And 0x1000 bytes of $buf mapped at IOVA 0x20000 in $ioas
    And 0x1000 bytes of $buf mapped at IOVA 0x200000 in $ioas
    When I unmap 0x100000 bytes at IOVA 0 from $ioas
    Then it succeeds
    And length is 0x3000
    When I unmap 0x1000 bytes at IOVA 0x200000 from $ioas
    Then it succeeds
    And length is 0x1000

  @IOAS_UNMAP.CUT
  Scenario Outline: A range that cuts a mapping is refused: <length> bytes at <iova>
    Given 0x2000 bytes of $buf mapped at IOVA 0x10000 in $ioas
    When I unmap <length> bytes at IOVA <iova> from $ioas
    Then it fails with ENOENT
    When I unmap 0x2000 bytes at IOVA 0x10000 from $ioas
    Then it succeeds
    And length is 0x2000

    Examples:
      | iova    | length |
      | 0x10000 | 0x1000 |
      | 0x11000 | 0x1000 |
      | 0xf000  | 0x2000 |
      | 0x11fff | 0x2    |
      | 0x10001 | 0x2000 |

  @IOAS_UNMAP.CUT.NOT_ATOMIC @linux
  Scenario: Whole mappings below the cut one are gone when the unmap fails
    Given 0x1000 bytes of $buf mapped at IOVA 0x10000 in $ioas
    And 0x2000 bytes of $buf mapped at IOVA 0x20000 in $ioas
    And 0x1000 bytes of $buf mapped at IOVA 0x30000 in $ioas
    When I unmap 0x11000 bytes at IOVA 0x10000 from $ioas
    Then it fails with ENOENT
    When I unmap 0x1000 bytes at IOVA 0x10000 from $ioas
    Then it fails with ENOENT
    When I unmap 0x2000 bytes at IOVA 0x20000 from $ioas
    Then it succeeds
    When I unmap 0x1000 bytes at IOVA 0x30000 from $ioas
    Then it succeeds

  @IOAS_UNMAP.NOTHING
  Scenario: A range with no mapping is refused
    When I unmap 0x1000 bytes at IOVA 0x10000 from $ioas
    Then it fails with ENOENT
    Given 0x1000 bytes of $buf mapped at IOVA 0x10000 in $ioas
    When I unmap 0x1000 bytes at IOVA 0x11000 from $ioas
    Then it fails with ENOENT

  @IOAS_UNMAP.ALL
  Scenario: 0 to U64_MAX unmaps everything
    Given 0x2000 bytes of $buf mapped at IOVA 0x10000 in $ioas
    And 0x1000 bytes of $buf mapped at IOVA 0xfffffffffffff000 in $ioas
    When I unmap 0xffffffffffffffff bytes at IOVA 0 from $ioas
    Then it succeeds
    And length is 0x3000
    When I unmap 0xffffffffffffffff bytes at IOVA 0 from $ioas
    Then it succeeds
    And length is 0

  @IOAS.ID.UNKNOWN
  Scenario: An unmap in an id that names no IOAS is refused
    When I call IOMMU_IOAS_UNMAP with:
      | field   | value              |
      | ioas_id | $ioas + 1          |
      | length  | 0xffffffffffffffff |
    Then it fails with ENOENT

  @IOAS_UNMAP.LENGTH.ZERO
  Scenario: An unmap of no bytes is refused
    Given 0x1000 bytes of $buf mapped at IOVA 0x10000 in $ioas
    When I unmap 0 bytes at IOVA 0x10000 from $ioas
    Then it fails with EINVAL

  @IOAS_UNMAP.OVERFLOW
  Scenario Outline: <what> is refused with EOVERFLOW
    When I unmap <length> bytes at IOVA <iova> from $ioas
    Then it fails with EOVERFLOW

    Examples:
      | what                          | iova               | length             |
      | an iova of all ones           | 0xffffffffffffffff | 0x1000             |
      | a length of all ones at 1     | 1                  | 0xffffffffffffffff |
      | a range that wraps            | 0xfffffffffffff000 | 0x2000             |
