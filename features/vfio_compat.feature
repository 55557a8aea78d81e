@vfio
Feature: The VFIO type1 container ioctls on an iommufd
  An iommufd answers the ioctls of a VFIO container, so that a VFIO program
  can use it in place of /dev/vfio/vfio. They act on one IOAS, the
  compatibility IOAS, chosen with IOMMU_VFIO_IOAS.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And 0x4000 bytes of user memory as $buf

  @VFIO_IOAS.RESERVED.NONZERO
  Scenario: A non-zero __reserved field is refused
    When I call IOMMU_VFIO_IOAS with:
      | field      | value               |
      | ioas_id    | $ioas               |
      | op         | IOMMU_VFIO_IOAS_SET |
      | __reserved | 1                   |
    Then it fails with EOPNOTSUPP

  @VFIO_IOAS.OP.UNKNOWN
  Scenario Outline: op <op> is refused
    When I call IOMMU_VFIO_IOAS with:
      | field   | value |
      | ioas_id | $ioas |
      | op      | <op>  |
    Then it fails with EOPNOTSUPP

    Examples:
      | op     |
      | 3      |
      | 0xffff |

  @VFIO_IOAS.GET.NONE @VFIO_IOAS.SET.UNKNOWN
  Scenario: There is no compatibility IOAS until one is set, and only an IOAS can be set
    When I call IOMMU_VFIO_IOAS with:
      | field | value               |
      | op    | IOMMU_VFIO_IOAS_GET |
    Then it fails with ENODEV
    When I call IOMMU_VFIO_IOAS with:
      | field   | value               |
      | op      | IOMMU_VFIO_IOAS_SET |
      | ioas_id | $ioas + 1           |
    Then it fails with ENOENT

  @VFIO_IOAS.SET_GET @VFIO_IOAS.CLEAR
  Scenario: SET replaces the compatibility IOAS, GET reads it, CLEAR forgets it
    Given an IOAS as $other
    And $ioas is the VFIO compatibility IOAS
    And $other is the VFIO compatibility IOAS
    When I call IOMMU_VFIO_IOAS with:
      | field | value               |
      | op    | IOMMU_VFIO_IOAS_GET |
    Then it succeeds
    And ioas_id is $other
    When I call IOMMU_VFIO_IOAS with:
      | field | value                 |
      | op    | IOMMU_VFIO_IOAS_CLEAR |
    Then it succeeds
    When I call IOMMU_VFIO_IOAS with:
      | field | value               |
      | op    | IOMMU_VFIO_IOAS_GET |
    Then it fails with ENODEV
    When I destroy $other
    Then it succeeds

  @VFIO_IOAS.DESTROYED
  Scenario: Destroying the compatibility IOAS leaves none
    Given $ioas is the VFIO compatibility IOAS
    When I destroy $ioas
    Then it succeeds
    When I call IOMMU_VFIO_IOAS with:
      | field | value               |
      | op    | IOMMU_VFIO_IOAS_GET |
    Then it fails with ENODEV
    When I call VFIO_IOMMU_GET_INFO with a zeroed argument the size of vfio_iommu_type1_info
    Then it fails with ENODEV

  @VFIO.NO_IOAS
  Scenario: Without a compatibility IOAS the container ioctls fail with ENODEV
    When I call VFIO_SET_IOMMU with the integer argument VFIO_TYPE1v2_IOMMU
    Then it fails with ENODEV
    When I call VFIO_SET_IOMMU with the integer argument VFIO_TYPE1_IOMMU
    Then it fails with ENODEV
    When I call VFIO_CHECK_EXTENSION with the integer argument VFIO_DMA_CC_IOMMU
    Then it fails with ENODEV
    When I call VFIO_IOMMU_GET_INFO with a zeroed argument the size of vfio_iommu_type1_info
    Then it fails with ENODEV
    When I call VFIO_IOMMU_MAP_DMA with:
      | field | value                                           |
      | flags | VFIO_DMA_MAP_FLAG_READ \| VFIO_DMA_MAP_FLAG_WRITE |
      | vaddr | $buf                                            |
      | iova  | 0x10000                                         |
      | size  | 0x1000                                          |
    Then it fails with ENODEV
    When I call VFIO_IOMMU_UNMAP_DMA with:
      | field | value   |
      | iova  | 0x10000 |
      | size  | 0x1000  |
    Then it fails with ENODEV

  @VFIO.CHECK_EXTENSION.SUPPORTED @VFIO.CHECK_EXTENSION.UNSUPPORTED
  Scenario Outline: VFIO_CHECK_EXTENSION of <extension> returns <answer>
    When I call VFIO_CHECK_EXTENSION with the integer argument <extension>
    Then it returns <answer>

    Examples:
      | extension                           | answer |
      | VFIO_TYPE1_IOMMU                    | 1      |
      | VFIO_TYPE1v2_IOMMU                  | 1      |
      | VFIO_UNMAP_ALL                      | 1      |
      | VFIO_UPDATE_VADDR                   | 0      |
      | __VFIO_RESERVED_TYPE1_NESTING_IOMMU | 0      |
      | 2                                   | 0      |
      | 0xffffffff                          | 0      |

  @VFIO.CHECK_EXTENSION.DMA_CC
  Scenario: Cache coherency is reported when no page table lacks it
    Given $ioas is the VFIO compatibility IOAS
    When I call VFIO_CHECK_EXTENSION with the integer argument VFIO_DMA_CC_IOMMU
    Then it returns 1

  @VFIO.SET_IOMMU.TYPE
  Scenario Outline: VFIO_SET_IOMMU refuses the type <type>
    Given $ioas is the VFIO compatibility IOAS
    When I call VFIO_SET_IOMMU with the integer argument <type>
    Then it fails with EINVAL

    Examples:
      | type                                |
      | 0                                   |
      | 2                                   |
      | __VFIO_RESERVED_TYPE1_NESTING_IOMMU |

  @VFIO.SET_IOMMU.TYPE1
  Scenario Outline: <type> leaves HUGE_PAGES at <huge>
    Given $ioas is the VFIO compatibility IOAS
    When I call VFIO_SET_IOMMU with the integer argument <type>
    Then it returns 0
    When I call IOMMU_OPTION with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_GET     |
      | object_id | $ioas                   |
    Then val64 is <huge>

    Examples:
      | type               | huge |
      | VFIO_TYPE1_IOMMU   | 0    |
      | VFIO_TYPE1v2_IOMMU | 1    |

  @VFIO.GET_INFO.FLAGS @VFIO.GET_INFO.ARGSZ
  Scenario: Too small an argsz learns the size of the capability chain
    Given $ioas is the VFIO compatibility IOAS
    And the page size as $page_size
    When I call VFIO_IOMMU_GET_INFO with a zeroed argument the size of vfio_iommu_type1_info
    Then it succeeds
    And flags is VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS
    And iova_pgsizes is all ones from $page_size up
    And cap_offset is 0
    And argsz is the size of vfio_iommu_type1_info, vfio_iommu_type1_info_dma_avail rounded up to 8, vfio_iommu_type1_info_cap_iova_range and 1 vfio_iova_range

  @VFIO.GET_INFO.FLAGS
  Scenario: With a mock device of 2 KiB pages attached, the smallest page size reported is the CPU's
    Given a mock device attached to $ioas as $dev
    And $ioas is the VFIO compatibility IOAS
    And the page size as $page_size
    When I call VFIO_IOMMU_GET_INFO with a zeroed argument the size of vfio_iommu_type1_info
    Then it succeeds
    And the smallest page size in iova_pgsizes is $page_size

  @VFIO.GET_INFO.CAPS
  Scenario: With room for it, the capability chain follows the struct
    Given $ioas is the VFIO compatibility IOAS
    When I call VFIO_IOMMU_GET_INFO with a zeroed argument the size of vfio_iommu_type1_info
    And I call VFIO_IOMMU_GET_INFO with a zeroed argument of the argsz it returned
    Then it succeeds
    And argsz is the size of vfio_iommu_type1_info, vfio_iommu_type1_info_dma_avail rounded up to 8, vfio_iommu_type1_info_cap_iova_range and 1 vfio_iova_range
    And cap_offset is the size of vfio_iommu_type1_info
    And the capability chain from cap_offset is:
      | capability                           | field                | value                                |
      | vfio_iommu_type1_info_dma_avail      | header.id            | VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL      |
      | vfio_iommu_type1_info_dma_avail      | header.version       | 1                                    |
      | vfio_iommu_type1_info_dma_avail      | avail                | 0xffffffff                           |
      | vfio_iommu_type1_info_cap_iova_range | header.id            | VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE |
      | vfio_iommu_type1_info_cap_iova_range | header.version       | 1                                    |
      | vfio_iommu_type1_info_cap_iova_range | nr_iovas             | 1                                    |
      | vfio_iommu_type1_info_cap_iova_range | iova_ranges[0].start | 0                                    |
      | vfio_iommu_type1_info_cap_iova_range | iova_ranges[0].end   | 0xffffffffffffffff                   |

  @VFIO.GET_INFO.CAPS
  Scenario: The IOVA range capability lists every range of the IOAS
    Given $ioas is the VFIO compatibility IOAS
    And 0x1000 bytes at IOVA 0x1000 reserved in $ioas
    When I call VFIO_IOMMU_GET_INFO with a zeroed argument the size of vfio_iommu_type1_info
    Then argsz is the size of vfio_iommu_type1_info, vfio_iommu_type1_info_dma_avail rounded up to 8, vfio_iommu_type1_info_cap_iova_range and 2 vfio_iova_range
    When I call VFIO_IOMMU_GET_INFO with a zeroed argument of the argsz it returned
    Then it succeeds
    And the capability chain from cap_offset is:
      | capability                           | field                | value                                |
      | vfio_iommu_type1_info_dma_avail      | header.id            | VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL      |
      | vfio_iommu_type1_info_cap_iova_range | header.id            | VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE |
      | vfio_iommu_type1_info_cap_iova_range | nr_iovas             | 2                                    |
      | vfio_iommu_type1_info_cap_iova_range | iova_ranges[0].start | 0                                    |
      | vfio_iommu_type1_info_cap_iova_range | iova_ranges[0].end   | 0xfff                                |
      | vfio_iommu_type1_info_cap_iova_range | iova_ranges[1].start | 0x2000                               |
      | vfio_iommu_type1_info_cap_iova_range | iova_ranges[1].end   | 0xffffffffffffffff                   |

  @VFIO.MAP_DMA.FLAGS
  Scenario Outline: VFIO_IOMMU_MAP_DMA refuses flags <flags>
    Given $ioas is the VFIO compatibility IOAS
    When I call VFIO_IOMMU_MAP_DMA with:
      | field | value   |
      | flags | <flags> |
      | vaddr | $buf    |
      | iova  | 0x10000 |
      | size  | 0x1000  |
    Then it fails with EINVAL

    Examples:
      | flags                                            |
      | VFIO_DMA_MAP_FLAG_VADDR                          |
      | VFIO_DMA_MAP_FLAG_READ \| VFIO_DMA_MAP_FLAG_VADDR |
      | VFIO_DMA_MAP_FLAG_READ \| 0x80000000             |

  @VFIO.MAP_DMA.PROT
  Scenario: A DMA mapping with neither READ nor WRITE is accepted
    Given $ioas is the VFIO compatibility IOAS
    When I call VFIO_IOMMU_MAP_DMA with:
      | field | value   |
      | flags | 0       |
      | vaddr | $buf    |
      | iova  | 0x10000 |
      | size  | 0x1000  |
    Then it succeeds

  @VFIO.MAP_DMA.FIXED
  Scenario: A DMA mapping is a mapping of the compatibility IOAS at its iova
    Given $ioas is the VFIO compatibility IOAS
    When I call VFIO_IOMMU_MAP_DMA with:
      | field | value                                           |
      | flags | VFIO_DMA_MAP_FLAG_READ \| VFIO_DMA_MAP_FLAG_WRITE |
      | vaddr | $buf                                            |
      | iova  | 0x10000                                         |
      | size  | 0x2000                                          |
    Then it succeeds
    When I call VFIO_IOMMU_MAP_DMA with:
      | field | value                  |
      | flags | VFIO_DMA_MAP_FLAG_READ |
      | vaddr | $buf                   |
      | iova  | 0x11000                |
      | size  | 0x2000                 |
    Then it fails with EEXIST
    When I unmap 0x2000 bytes at IOVA 0x10000 from $ioas
    Then it succeeds
    And length is 0x2000

  @VFIO.UNMAP_DMA.FLAGS
  Scenario Outline: VFIO_IOMMU_UNMAP_DMA refuses flags <flags>
    Given $ioas is the VFIO compatibility IOAS
    When I call VFIO_IOMMU_UNMAP_DMA with:
      | field | value   |
      | flags | <flags> |
      | iova  | 0x10000 |
      | size  | 0x1000  |
    Then it fails with EINVAL

    Examples:
      | flags                                |
      | VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP |
      | VFIO_DMA_UNMAP_FLAG_VADDR            |
      | 0x80000000                           |

  @VFIO.UNMAP_DMA.SIZE
  Scenario: Unmapping writes back the bytes unmapped, and nothing to unmap is no error
    Given $ioas is the VFIO compatibility IOAS
    And 0x1000 bytes of $buf mapped at IOVA 0x10000 in $ioas
    And 0x2000 bytes of $buf mapped at IOVA 0x20000 in $ioas
    When I call VFIO_IOMMU_UNMAP_DMA with:
      | field | value   |
      | iova  | 0       |
      | size  | 0x30000 |
    Then it succeeds
    And size is 0x3000
    When I call VFIO_IOMMU_UNMAP_DMA with:
      | field | value   |
      | iova  | 0       |
      | size  | 0x30000 |
    Then it succeeds
    And size is 0

  @VFIO.UNMAP_DMA.ALL
  Scenario: VFIO_DMA_UNMAP_FLAG_ALL unmaps everything, and wants iova and size 0
    Given $ioas is the VFIO compatibility IOAS
    And 0x1000 bytes of $buf mapped at IOVA 0x10000 in $ioas
    And 0x2000 bytes of $buf mapped at IOVA 0x7000000 in $ioas
    When I call VFIO_IOMMU_UNMAP_DMA with:
      | field | value                   |
      | flags | VFIO_DMA_UNMAP_FLAG_ALL |
      | iova  | 0x10000                 |
      | size  | 0x1000                  |
    Then it fails with EINVAL
    When I call VFIO_IOMMU_UNMAP_DMA with:
      | field | value                   |
      | flags | VFIO_DMA_UNMAP_FLAG_ALL |
    Then it succeeds
    And size is 0x3000
    When I unmap 0xffffffffffffffff bytes at IOVA 0 from $ioas
    Then it succeeds
    And length is 0

  @VFIO.UNMAP_DMA.TYPE1_SPLIT
  Scenario Outline: With <type>, unmapping part of a mapping <outcome>
    Given $ioas is the VFIO compatibility IOAS
    When I call VFIO_SET_IOMMU with the integer argument <type>
    Then it returns 0
    When I call VFIO_IOMMU_MAP_DMA with:
      | field | value                                           |
      | flags | VFIO_DMA_MAP_FLAG_READ \| VFIO_DMA_MAP_FLAG_WRITE |
      | vaddr | $buf                                            |
      | iova  | 0x10000                                         |
      | size  | 0x4000                                          |
    Then it succeeds
    When I call VFIO_IOMMU_UNMAP_DMA with:
      | field | value   |
      | iova  | 0x11000 |
      | size  | 0x1000  |
    Then <outcome>

    Examples:
      | type               | outcome              |
      | VFIO_TYPE1_IOMMU   | size is 0x1000       |
      | VFIO_TYPE1v2_IOMMU | it fails with ENOENT |

  @VFIO.UNMAP_DMA.TYPE1_SPLIT
  Scenario: With VFIO_TYPE1_IOMMU the pieces left of a split mapping stay mapped
    Given $ioas is the VFIO compatibility IOAS
    When I call VFIO_SET_IOMMU with the integer argument VFIO_TYPE1_IOMMU
    And I call VFIO_IOMMU_MAP_DMA with:
      | field | value                  |
      | flags | VFIO_DMA_MAP_FLAG_READ |
      | vaddr | $buf                   |
      | iova  | 0x10000                |
      | size  | 0x4000                 |
    And I call VFIO_IOMMU_UNMAP_DMA with:
      | field | value   |
      | iova  | 0x11000 |
      | size  | 0x1000  |
    Then it succeeds
    When I unmap 0x1000 bytes at IOVA 0x10000 from $ioas
    Then it succeeds
    When I unmap 0x2000 bytes at IOVA 0x12000 from $ioas
    Then it succeeds
    And length is 0x2000
