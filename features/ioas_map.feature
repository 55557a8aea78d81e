@ioas
Feature: IOMMU_IOAS_MAP maps the caller's memory into an IO address space
  A mapping goes at the IOVA the caller fixes, or at one the kernel chooses
  within the IOVA ranges. The memory is pinned only when something needs the
  pages: a device attached to the IOAS, or an in-kernel access.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And 0x10000 bytes of user memory as $buf

  @IOAS_MAP.FLAGS.UNKNOWN
  Scenario Outline: flags <flags> are refused
    When I call IOMMU_IOAS_MAP with:
      | field   | value   |
      | flags   | <flags> |
      | ioas_id | $ioas   |
      | user_va | $buf    |
      | length  | 4096    |
    Then it fails with EOPNOTSUPP

    Examples:
      | flags                               |
      | IOMMU_IOAS_MAP_READABLE \| 8        |
      | IOMMU_IOAS_MAP_READABLE \| 0x80000000 |

  @IOAS_MAP.RESERVED.NONZERO
  Scenario: A non-zero __reserved field is refused
    When I call IOMMU_IOAS_MAP with:
      | field      | value                   |
      | flags      | IOMMU_IOAS_MAP_READABLE |
      | ioas_id    | $ioas                   |
      | __reserved | 1                       |
      | user_va    | $buf                    |
      | length     | 4096                    |
    Then it fails with EOPNOTSUPP

  @IOAS_MAP.PROT.NONE
  Scenario Outline: A mapping neither readable nor writeable is refused: flags <flags>
    When I call IOMMU_IOAS_MAP with:
      | field   | value   |
      | flags   | <flags> |
      | ioas_id | $ioas   |
      | user_va | $buf    |
      | length  | 4096    |
      | iova    | 0x1000  |
    Then it fails with EINVAL

    Examples:
      | flags                     |
      | 0                         |
      | IOMMU_IOAS_MAP_FIXED_IOVA |

  @IOAS.ID.UNKNOWN
  Scenario: A map into an id that names no IOAS is refused
    When I call IOMMU_IOAS_MAP with:
      | field   | value                   |
      | flags   | IOMMU_IOAS_MAP_READABLE |
      | ioas_id | $ioas + 1               |
      | user_va | $buf                    |
      | length  | 4096                    |
    Then it fails with ENOENT

  @IOAS_MAP.LENGTH.ZERO
  Scenario: A mapping of no bytes is refused
    When I map 0 bytes of $buf at IOVA 0x1000 into $ioas
    Then it fails with EINVAL
    When I map 0 bytes of $buf into $ioas
    Then it fails with EINVAL

  @IOAS_MAP.OVERFLOW
  Scenario Outline: <what> is refused with EOVERFLOW
    When I map <length> bytes of $buf at IOVA <iova> into $ioas
    Then it fails with EOVERFLOW

    Examples:
      | what                            | length             | iova               |
      | an iova of all ones             | 4096               | 0xffffffffffffffff |
      | a length of all ones            | 0xffffffffffffffff | 0x1000             |
      | a user range that wraps         | 0xffffffffffffe000 | 0x1000             |
      | an IOVA range that wraps        | 0x2000             | 0xfffffffffffff000 |

  @IOAS_MAP.FIXED.PLACED @IOAS_MAP.FIXED.EEXIST
  Scenario: A fixed mapping cannot overlap another, even by a page, but may touch it
    When I map 0x2000 bytes of $buf at IOVA 0x10000 into $ioas
    Then it succeeds
    And iova is 0x10000
    When I map 0x1000 bytes of $buf at IOVA 0x11000 into $ioas
    Then it fails with EEXIST
    When I map 0x2000 bytes of $buf at IOVA 0xf000 into $ioas
    Then it fails with EEXIST
    When I map 0x4000 bytes of $buf at IOVA 0xf000 into $ioas
    Then it fails with EEXIST
    When I map 0x1000 bytes of $buf at IOVA 0x12000 into $ioas
    Then it succeeds
    When I map 0x1000 bytes of $buf at IOVA 0xf000 into $ioas
    Then it succeeds

  @IOAS_MAP.FIXED.RESERVED
  Scenario: A fixed mapping that meets reserved IOVA is refused
    Given 0x1000 bytes at IOVA 0x20000 reserved in $ioas
    When I map 0x2000 bytes of $buf at IOVA 0x1f000 into $ioas
    Then it fails with EINVAL
    When I map 0x1000 bytes of $buf at IOVA 0x1f000 into $ioas
    Then it succeeds

  @IOAS_MAP.ALIGNMENT.NONE
  Scenario: Without a device any IOVA, length and offset are accepted
    When I map 100 bytes of $buf + 3 at IOVA 0x1001 into $ioas
    Then it succeeds
    And iova is 0x1001
    And the IOVA alignment of $ioas is 1

  @IOAS_MAP.ALIGNMENT
  Scenario Outline: With a mock device, <what> is refused
    Given a mock device attached to $ioas as $dev
    When I map <length> bytes of <va> at IOVA <iova> into $ioas
    Then it fails with EINVAL

    Examples:
      | what                          | length | va           | iova                        |
      | an iova off the page size     | 0x1000 | $buf         | MOCK_APERTURE_START + 0x400 |
      | a length off the page size    | 0x400  | $buf         | MOCK_APERTURE_START         |
      | a user offset off the page size | 0x800 | $buf + 0x400 | MOCK_APERTURE_START         |

  @IOAS_MAP.ALIGNMENT
  Scenario: With a mock device, an automatic IOVA for a length below its page size is refused
    Given a mock device attached to $ioas as $dev
    When I map 0x400 bytes of $buf into $ioas
    Then it fails with EINVAL
    When I map 0x800 bytes of $buf into $ioas
    Then it succeeds
    And iova is a multiple of MOCK_PAGE_SIZE

  @IOAS_MAP.ALIGNMENT
  Scenario: With a mock device, multiples of its page size are accepted
    Given a mock device attached to $ioas as $dev
    When I map 0x800 bytes of $buf + 0x800 at IOVA MOCK_APERTURE_START + 0x800 into $ioas
    Then it succeeds

  @IOAS_MAP.AUTO.PLACED @linux
  Scenario: Automatic placement takes the lowest free place above 0
    When I map 4096 bytes of $buf into $ioas
    Then it succeeds
    And iova is 0x1000
    When I map 4096 bytes of $buf into $ioas
    Then it succeeds
    And iova is 0x2000

  @IOAS_MAP.AUTO.PLACED @linux
  Scenario: Automatic placement keeps clear of reserved IOVA and of mappings
    Given 0x1ff000 bytes at IOVA 0x1000 reserved in $ioas
    And 0x1000 bytes of $buf mapped at IOVA 0x200000 in $ioas
    When I map 0x1000 bytes of $buf into $ioas
    Then it succeeds
    And iova is 0x201000

  @IOAS_MAP.AUTO.ALIGNED
  Scenario Outline: <length> bytes at <va> are placed at <iova>
    Given 0x20000 bytes of user memory aligned to 0x10000 as $aligned
    When I map <length> bytes of <va> into $ioas
    Then it succeeds
    And iova is <iova>
    And iova is a multiple of <multiple>

    Examples: the length rounded up to a power of two, capped by the alignment of the user address, the page offset kept
      | length | va                | iova   | multiple |
      | 0x4000 | $aligned          | 0x4000 | 0x4000   |
      | 0x3000 | $aligned          | 0x4000 | 0x4000   |
      | 0x8000 | $aligned + 0x1000 | 0x1000 | 0x1000   |
      | 100    | $aligned + 0x10   | 0x1010 | 0x10     |

  @IOAS_MAP.AUTO.APERTURE @linux
  Scenario: With a mock device, automatic IOVAs lie in its aperture, the page offset kept at its alignment
    Given a mock device attached to $ioas as $dev
    When I map 4096 bytes of $buf into $ioas
    Then it succeeds
    And iova is MOCK_APERTURE_START
    When I map 0x800 bytes of $buf + 0x800 into $ioas
    Then it succeeds
    And iova is MOCK_APERTURE_START + 0x1800
    When I map 0x800 bytes of $buf into $ioas
    Then it succeeds
    And iova is MOCK_APERTURE_START + 0x1000

  @IOAS_MAP.AUTO.APERTURE @linux
  Scenario: With a mock device, a mapping larger than its aperture finds no place
    Given a mock device attached to $ioas as $dev
    When I map 0x80000000 bytes of $buf into $ioas
    Then it fails with ENOSPC

  @IOAS_MAP.AUTO.APERTURE @linux
  Scenario: With a mock device, automatic placement fills the aperture's gaps from the bottom
    Given a mock device attached to $ioas as $dev
    And 0x1000 bytes of $buf mapped at IOVA MOCK_APERTURE_START + 0x1000 in $ioas
    When I map 0x2000 bytes of $buf into $ioas
    Then it succeeds
    And iova is MOCK_APERTURE_START + 0x2000
    When I map 0x1000 bytes of $buf into $ioas
    Then it succeeds
    And iova is MOCK_APERTURE_START

  @IOAS_MAP.AUTO.ENOSPC
  Scenario: No gap of the ranges can hold the mapping
    Given 0xffffffffffffe000 bytes at IOVA 0x1000 reserved in $ioas
    When I map 4096 bytes of $buf into $ioas
    Then it fails with ENOSPC

  @IOAS_MAP.AUTO.ENOSPC
  Scenario: No gap inside the allowed ranges can hold the mapping
    Given 0x200000 bytes of user memory as $big
    When I allow these IOVA ranges in $ioas:
      | start    | last     |
      | 0x200000 | 0x2fffff |
    And I map 0x200000 bytes of $big into $ioas
    Then it fails with ENOSPC
    When I map 0x100000 bytes of $big into $ioas
    Then it succeeds
    And iova is 0x200000

  @IOAS_MAP.AUTO.LENGTH
  Scenario: Automatic placement refuses half the address space
    When I map 0x8000000000000000 bytes of $buf into $ioas
    Then it fails with EOVERFLOW

  @IOAS_MAP.PIN.WITH_DOMAIN
  Scenario: With a device attached, unmapped user memory fails the map
    Given a mock device attached to $ioas as $dev
    And an unmapped user address as $nowhere
    When I map 4096 bytes of $nowhere at IOVA MOCK_APERTURE_START into $ioas
    Then it fails with EFAULT
    When I map 4096 bytes of $buf at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds

  @IOAS_MAP.PIN.WITH_DOMAIN @IOAS_MAP.PIN.READONLY
  Scenario: With a device attached, read-only memory maps readable but not writeable
    Given a mock device attached to $ioas as $dev
    And 4096 bytes of read-only user memory as $ro
    When I map 4096 bytes of $ro at IOVA MOCK_APERTURE_START into $ioas
    Then it fails with EFAULT
    When I map 4096 bytes of $ro read-only at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds

  @IOAS_MAP.PIN.UNSHARE
  Scenario: A read-only map of a private file mapping pins the process's own copy, which later writes reach
    Given a mock device attached to $ioas as $dev
    And a memfd of 4096 bytes as $mfd
    And the memfd $mfd mapped as $shared
    When I fill 4096 bytes at $shared with 0x11
    And the memfd $mfd mapped privately as $priv
    And I map 4096 bytes of $priv read-only at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds
    And the mock domain $dev_hwpt maps 4096 bytes at IOVA MOCK_APERTURE_START to $priv
    When I fill 4096 bytes at $priv with 0x01
    Then the mock domain $dev_hwpt maps 4096 bytes at IOVA MOCK_APERTURE_START to $priv
    And the 4096 bytes at $priv are all 0x01
    And the 4096 bytes at $shared are all 0x11

  @IOAS_MAP.PIN.LAZY @linux
  Scenario: Without a device, unmapped memory is accepted and the attach reports it
    Given an unmapped user address as $nowhere
    When I map 4096 bytes of $nowhere at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds
    When I attach a mock device to $ioas
    Then it fails with EFAULT
    When I unmap 4096 bytes at IOVA MOCK_APERTURE_START from $ioas
    Then it succeeds
    When I attach a mock device to $ioas
    Then it succeeds

  @IOAS_MAP.PIN.LAZY @linux
  Scenario: Without a device, read-only memory mapped writeable is accepted and the attach reports it
    Given 4096 bytes of read-only user memory as $ro
    When I map 4096 bytes of $ro at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds
    When I attach a mock device to $ioas
    Then it fails with EFAULT

  @IOAS_MAP.DATA
  Scenario: DMA at the IOVA reads and writes the user memory
    Given a mock device attached to $ioas as $dev
    And an access to $ioas as $access
    And 0x2000 bytes of user memory as $out
    When I fill 0x2000 bytes at $buf with 0x5a
    And I map 0x2000 bytes of $buf at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds
    When I read 0x2000 bytes at IOVA MOCK_APERTURE_START through $access into $out
    Then it succeeds
    And the 0x2000 bytes at $out are all 0x5a
    When I fill 0x1000 bytes at $out with 0xc3
    And I write 0x1000 bytes of $out at IOVA MOCK_APERTURE_START + 0x1000 through $access
    Then it succeeds
    And the 0x1000 bytes at $buf + 0x1000 are all 0xc3
    And the 0x1000 bytes at $buf are all 0x5a
