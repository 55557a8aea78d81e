@ioas
Feature: IOMMU_IOAS_MAP_FILE maps a range of a memfd
  The mapping is described by a file and an offset in it rather than by a user
  address; placement, alignment and pinning follow IOMMU_IOAS_MAP.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a memfd of 0x4000 bytes as $mfd

  @IOAS_MAP_FILE.FLAGS.UNKNOWN
  Scenario: An unknown flag is refused
    When I call IOMMU_IOAS_MAP_FILE with:
      | field   | value                        |
      | flags   | IOMMU_IOAS_MAP_READABLE \| 8 |
      | ioas_id | $ioas                        |
      | fd      | $mfd                         |
      | length  | 0x1000                       |
    Then it fails with EOPNOTSUPP

  @IOAS_MAP_FILE.PROT.NONE
  Scenario: A file mapping neither readable nor writeable is refused
    When I call IOMMU_IOAS_MAP_FILE with:
      | field   | value                     |
      | flags   | IOMMU_IOAS_MAP_FIXED_IOVA |
      | ioas_id | $ioas                     |
      | fd      | $mfd                      |
      | length  | 0x1000                    |
      | iova    | 0x1000                    |
    Then it fails with EINVAL

  @IOAS.ID.UNKNOWN
  Scenario: A file mapping into an id that names no IOAS is refused
    When I call IOMMU_IOAS_MAP_FILE with:
      | field   | value                   |
      | flags   | IOMMU_IOAS_MAP_READABLE |
      | ioas_id | $ioas + 1               |
      | fd      | $mfd                    |
      | length  | 0x1000                  |
    Then it fails with ENOENT

  @IOAS_MAP_FILE.LENGTH.ZERO
  Scenario: A file mapping of no bytes is refused
    When I map 0 bytes of the file $mfd from offset 0 into $ioas
    Then it fails with EINVAL

  @IOAS_MAP_FILE.OVERFLOW
  Scenario Outline: <what> is refused with EOVERFLOW
    When I map <length> bytes of the file $mfd from offset <start> at IOVA <iova> into $ioas
    Then it fails with EOVERFLOW

    Examples:
      | what                      | length             | start              | iova               |
      | an iova of all ones       | 0x1000             | 0                  | 0xffffffffffffffff |
      | a length of all ones      | 0xffffffffffffffff | 0                  | 0x1000             |
      | a file range that wraps   | 0x2000             | 0xfffffffffffff000 | 0x1000             |

  @IOAS_MAP_FILE.FD.BAD
  Scenario Outline: fd <fd> is refused
    When I map 0x1000 bytes of the file <fd> from offset 0 into $ioas
    Then it fails with EBADF

    Examples:
      | fd   |
      | -1   |
      | 1000 |

  @IOAS_MAP_FILE.NOT_MEMFD
  Scenario: A file that is no memfd is refused once a device needs its pages
    Given the descriptor number of $iommufd as $not_memfd
    When I map 0x1000 bytes of the file $not_memfd from offset 0 at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds
    When I attach a mock device to $ioas
    Then it fails with EINVAL
    Given an IOAS as $other
    And a mock device attached to $other as $dev
    When I map 0x1000 bytes of the file $not_memfd from offset 0 at IOVA MOCK_APERTURE_START into $other
    Then it fails with EINVAL

  @IOAS_MAP_FILE.BEYOND_EOF @linux
  Scenario: A range past the end of the memfd is refused once a device needs its pages
    When I map 0x2000 bytes of the file $mfd from offset 0x3000 at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds
    When I attach a mock device to $ioas
    Then it fails with EINVAL
    Given an IOAS as $other
    And a mock device attached to $other as $dev
    When I map 0x2000 bytes of the file $mfd from offset 0x3000 at IOVA MOCK_APERTURE_START into $other
    Then it fails with EINVAL
    When I map 0x1000 bytes of the file $mfd from offset 0x3000 at IOVA MOCK_APERTURE_START into $other
    Then it succeeds

  @IOAS_MAP_FILE.AS_MAP
  Scenario: Fixed and automatic placement as for IOMMU_IOAS_MAP
    When I map 0x2000 bytes of the file $mfd from offset 0 at IOVA 0x10000 into $ioas
    Then it succeeds
    And iova is 0x10000
    When I map 0x1000 bytes of the file $mfd from offset 0 at IOVA 0x11000 into $ioas
    Then it fails with EEXIST
    When I map 0x4000 bytes of the file $mfd from offset 0 into $ioas
    Then it succeeds
    And iova is 0x4000
    When I map 0x1000 bytes of the file $mfd from offset 0x1000 into $ioas
    Then it succeeds
    And iova is 0x1000

  @IOAS_MAP_FILE.AS_MAP
  Scenario: With a mock device the offset in the page must keep its alignment
    Given a mock device attached to $ioas as $dev
    When I map 0x800 bytes of the file $mfd from offset 0x100 at IOVA MOCK_APERTURE_START into $ioas
    Then it fails with EINVAL
    When I map 0x800 bytes of the file $mfd from offset 0x800 at IOVA MOCK_APERTURE_START + 0x800 into $ioas
    Then it succeeds

  @IOAS_MAP_FILE.DATA
  Scenario: DMA at the IOVA reaches the memfd's pages from the offset
    Given the memfd $mfd mapped as $view
    And a mock device attached to $ioas as $dev
    And an access to $ioas as $access
    And 0x2000 bytes of user memory as $out
    When I fill 0x2000 bytes at $view with 0x11
    And I fill 0x2000 bytes at $view + 0x2000 with 0x22
    And I map 0x2000 bytes of the file $mfd from offset 0x2000 at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds
    When I read 0x2000 bytes at IOVA MOCK_APERTURE_START through $access into $out
    Then it succeeds
    And the 0x2000 bytes at $out are all 0x22
    When I fill 0x1000 bytes at $out with 0x33
    And I write 0x1000 bytes of $out at IOVA MOCK_APERTURE_START through $access
    Then it succeeds
    And the 0x1000 bytes at $view + 0x2000 are all 0x33
    And the 0x2000 bytes at $view are all 0x11
