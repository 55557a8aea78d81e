@legacy
Feature: The 2020 IOMMU UAPI invalidates the caches a guest names
  Before iommufd, a guest's vIOMMU passed its first-stage invalidations to the
  host through VFIO, which was to hand the caller's struct
  iommu_cache_invalidate_info to iommu_uapi_cache_invalidate() (Linux 5.10 to
  5.17). The generic IOMMU layer reads the mandatory part, checks argsz against
  it and against the information the granularity needs, reads no more than its
  own size, then checks version, cache types, granularity, flags and padding
  before the driver sees anything. The VFIO ioctls were never merged, so no
  released kernel let a process reach it: a real kernel reports these
  scenarios as not applicable.

  @LEGACY.ARGSZ.EXACT
  Scenario: An address-selective IOTLB invalidation of the kernel's own size is taken
    Given user memory holding an iommu_cache_invalidate_info as $info:
      | field                        | value                                 |
      | version                      | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache                        | IOMMU_CACHE_INV_TYPE_IOTLB            |
      | granularity                  | IOMMU_INV_GRANU_ADDR                  |
      | granu.addr_info.flags        | IOMMU_INV_ADDR_FLAGS_PASID            |
      | granu.addr_info.pasid        | 5                                     |
      | granu.addr_info.addr         | 0x100000                              |
      | granu.addr_info.granule_size | 4096                                  |
      | granu.addr_info.nb_granules  | 16                                    |
    When the IOMMU layer is asked to invalidate caches with $info
    Then it succeeds

  @LEGACY.ARGSZ.BELOW_MANDATORY
  Scenario Outline: argsz <argsz> leaves out part of the mandatory fields
    Given user memory holding an iommu_cache_invalidate_info as $info:
      | field       | value                                 |
      | argsz       | <argsz>                               |
      | version     | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache       | IOMMU_CACHE_INV_TYPE_IOTLB            |
      | granularity | IOMMU_INV_GRANU_DOMAIN                |
    When the IOMMU layer is asked to invalidate caches with $info
    Then it fails with EINVAL

    Examples:
      | argsz |
      | 0     |
      | 8     |
      | 15    |

  @LEGACY.ARGSZ.GRANU_INFO
  Scenario Outline: A <granularity> invalidation needs argsz to reach <needed>
    Given user memory holding an iommu_cache_invalidate_info as $short:
      | field       | value                                 |
      | argsz       | <short>                               |
      | version     | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache       | IOMMU_CACHE_INV_TYPE_IOTLB            |
      | granularity | <granularity>                         |
      | <field>     | <flag>                                |
    And user memory holding an iommu_cache_invalidate_info as $enough:
      | field       | value                                 |
      | argsz       | <needed>                              |
      | version     | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache       | IOMMU_CACHE_INV_TYPE_IOTLB            |
      | granularity | <granularity>                         |
      | <field>     | <flag>                                |
    When the IOMMU layer is asked to invalidate caches with $short
    Then it fails with EINVAL
    When the IOMMU layer is asked to invalidate caches with $enough
    Then it succeeds

    Examples:
      | granularity            | short | needed | field                  | flag                        |
      | IOMMU_INV_GRANU_DOMAIN | 15    | 16     | granu.pasid_info.flags | 0                           |
      | IOMMU_INV_GRANU_PASID  | 31    | 32     | granu.pasid_info.flags | IOMMU_INV_PASID_FLAGS_PASID |
      | IOMMU_INV_GRANU_ADDR   | 55    | 56     | granu.addr_info.flags  | IOMMU_INV_ADDR_FLAGS_PASID  |

  @LEGACY.ARGSZ.OLDER_USER
  Scenario: An older caller's shorter struct is read only as far as its argsz
    Given user memory holding the first 32 bytes of an iommu_cache_invalidate_info, then an unmapped page, as $info:
      | field                  | value                                 |
      | argsz                  | 32                                    |
      | version                | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache                  | IOMMU_CACHE_INV_TYPE_IOTLB            |
      | granularity            | IOMMU_INV_GRANU_PASID                 |
      | granu.pasid_info.flags | IOMMU_INV_PASID_FLAGS_PASID           |
      | granu.pasid_info.pasid | 5                                     |
    When the IOMMU layer is asked to invalidate caches with $info
    Then it succeeds

  @LEGACY.ARGSZ.NEWER_USER
  Scenario: A newer caller's longer struct is cut to the kernel's size, its tail never read
    Given user memory holding the first 56 bytes of an iommu_cache_invalidate_info, then an unmapped page, as $info:
      | field       | value                                 |
      | argsz       | 4096                                  |
      | version     | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache       | IOMMU_CACHE_INV_TYPE_IOTLB            |
      | granularity | IOMMU_INV_GRANU_DOMAIN                |
    When the IOMMU layer is asked to invalidate caches with $info
    Then it succeeds

  @LEGACY.ARGSZ.NEWER_USER
  Scenario: Non-zero bytes past the kernel's size are ignored, not refused
    Given user memory holding an iommu_cache_invalidate_info as $info:
      | field                 | value                                 |
      | argsz                 | 64                                    |
      | version               | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache                 | IOMMU_CACHE_INV_TYPE_IOTLB            |
      | granularity           | IOMMU_INV_GRANU_ADDR                  |
      | granu.addr_info.flags | IOMMU_INV_ADDR_FLAGS_LEAF             |
    When I fill 8 bytes at $info + 56 with 0xff
    And the IOMMU layer is asked to invalidate caches with $info
    Then it succeeds

  @LEGACY.ARGSZ.GARBAGE
  Scenario Outline: A size inside the range does not make garbage acceptable (<case>)
    Given user memory holding an iommu_cache_invalidate_info as $info:
      | field       | value                                 |
      | argsz       | <argsz>                               |
      | version     | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache       | <cache>                               |
      | granularity | <granularity>                         |
    When the IOMMU layer is asked to invalidate caches with $info
    Then it fails with EINVAL

    Examples:
      | case                                 | argsz | cache                      | granularity          |
      | too short for an address range       | 40    | IOMMU_CACHE_INV_TYPE_IOTLB | IOMMU_INV_GRANU_ADDR |
      | the right size, a garbage cache type | 56    | 0xff                       | IOMMU_INV_GRANU_ADDR |
      | the right size, a garbage granularity | 56   | IOMMU_CACHE_INV_TYPE_IOTLB | 0x7f                 |

  @LEGACY.ARGSZ.FAULT
  Scenario Outline: A struct that cannot be read as far as the kernel reads fails with EFAULT (<bytes> bytes mapped)
    Given user memory holding the first <bytes> bytes of an iommu_cache_invalidate_info, then an unmapped page, as $info:
      | field       | value                                 |
      | version     | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache       | IOMMU_CACHE_INV_TYPE_IOTLB            |
      | granularity | IOMMU_INV_GRANU_ADDR                  |
    When the IOMMU layer is asked to invalidate caches with $info
    Then it fails with EFAULT

    Examples:
      | bytes |
      | 8     |
      | 16    |
      | 55    |

  @LEGACY.VERSION.ONLY_1
  Scenario Outline: Version <version> is refused
    Given user memory holding an iommu_cache_invalidate_info as $info:
      | field       | value                      |
      | version     | <version>                  |
      | cache       | IOMMU_CACHE_INV_TYPE_IOTLB |
      | granularity | IOMMU_INV_GRANU_DOMAIN     |
    When the IOMMU layer is asked to invalidate caches with $info
    Then it fails with EINVAL

    Examples:
      | version    |
      | 0          |
      | 2          |
      | 0xffffffff |

  @LEGACY.PADDING.ZERO
  Scenario Outline: A non-zero padding byte at offset <offset> is refused
    Given user memory holding an iommu_cache_invalidate_info as $info:
      | field       | value                                 |
      | version     | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache       | IOMMU_CACHE_INV_TYPE_IOTLB            |
      | granularity | IOMMU_INV_GRANU_DOMAIN                |
    When I fill 1 bytes at $info + <offset> with 1
    And the IOMMU layer is asked to invalidate caches with $info
    Then it fails with EINVAL

    Examples:
      | offset |
      | 10     |
      | 15     |

  @LEGACY.CACHE.UNKNOWN_TYPE
  Scenario Outline: Cache bits <cache> name no cache type
    Given user memory holding an iommu_cache_invalidate_info as $info:
      | field       | value                                 |
      | version     | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache       | <cache>                               |
      | granularity | IOMMU_INV_GRANU_DOMAIN                |
    When the IOMMU layer is asked to invalidate caches with $info
    Then it fails with EINVAL

    Examples:
      | cache                           |
      | 0x8                             |
      | 0x80                            |
      | IOMMU_CACHE_INV_TYPE_IOTLB \| 0x8 |

  @LEGACY.CACHE.GRANU_RANGE
  Scenario Outline: Granularity <granularity> is none of the three
    Given user memory holding an iommu_cache_invalidate_info as $info:
      | field       | value                                 |
      | version     | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache       | IOMMU_CACHE_INV_TYPE_IOTLB            |
      | granularity | <granularity>                         |
    When the IOMMU layer is asked to invalidate caches with $info
    Then it fails with EINVAL

    Examples:
      | granularity        |
      | IOMMU_INV_GRANU_NR |
      | 0xff               |

  @LEGACY.CACHE.TABLE
  Scenario Outline: The table accepts <cache> at <granularity>
    Given user memory holding an iommu_cache_invalidate_info as $info:
      | field                  | value                                 |
      | version                | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache                  | <cache>                               |
      | granularity            | <granularity>                         |
      | granu.pasid_info.flags | <flags>                               |
    When the IOMMU layer is asked to invalidate caches with $info
    Then it succeeds

    Examples:
      | cache                                                       | granularity            | flags                       |
      | IOMMU_CACHE_INV_TYPE_IOTLB                                  | IOMMU_INV_GRANU_DOMAIN | 0                           |
      | IOMMU_CACHE_INV_TYPE_PASID                                  | IOMMU_INV_GRANU_DOMAIN | 0                           |
      | IOMMU_CACHE_INV_TYPE_IOTLB \| IOMMU_CACHE_INV_TYPE_PASID    | IOMMU_INV_GRANU_DOMAIN | 0                           |
      | IOMMU_CACHE_INV_TYPE_DEV_IOTLB                              | IOMMU_INV_GRANU_PASID  | IOMMU_INV_PASID_FLAGS_PASID |
      | IOMMU_CACHE_INV_TYPE_IOTLB                                  | IOMMU_INV_GRANU_PASID  | IOMMU_INV_PASID_FLAGS_PASID |
      | IOMMU_CACHE_INV_TYPE_PASID                                  | IOMMU_INV_GRANU_PASID  | IOMMU_INV_PASID_FLAGS_PASID |
      | IOMMU_CACHE_INV_TYPE_IOTLB \| IOMMU_CACHE_INV_TYPE_DEV_IOTLB \| IOMMU_CACHE_INV_TYPE_PASID | IOMMU_INV_GRANU_PASID | IOMMU_INV_PASID_FLAGS_ARCHID |
      | IOMMU_CACHE_INV_TYPE_DEV_IOTLB                              | IOMMU_INV_GRANU_ADDR   | 0                           |
      | IOMMU_CACHE_INV_TYPE_IOTLB                                  | IOMMU_INV_GRANU_ADDR   | 0                           |
      | IOMMU_CACHE_INV_TYPE_IOTLB \| IOMMU_CACHE_INV_TYPE_DEV_IOTLB | IOMMU_INV_GRANU_ADDR   | 0                           |

  @LEGACY.CACHE.TABLE
  Scenario Outline: The table's N/A cell refuses <cache> at <granularity>, also among other caches
    Given user memory holding an iommu_cache_invalidate_info as $info:
      | field       | value                                 |
      | version     | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache       | <cache>                               |
      | granularity | <granularity>                         |
    When the IOMMU layer is asked to invalidate caches with $info
    Then it fails with EINVAL

    Examples:
      | cache                                                        | granularity            |
      | IOMMU_CACHE_INV_TYPE_DEV_IOTLB                               | IOMMU_INV_GRANU_DOMAIN |
      | IOMMU_CACHE_INV_TYPE_IOTLB \| IOMMU_CACHE_INV_TYPE_DEV_IOTLB | IOMMU_INV_GRANU_DOMAIN |
      | IOMMU_CACHE_INV_TYPE_PASID                                   | IOMMU_INV_GRANU_ADDR   |
      | IOMMU_CACHE_INV_TYPE_IOTLB \| IOMMU_CACHE_INV_TYPE_PASID     | IOMMU_INV_GRANU_ADDR   |

  @LEGACY.CACHE.INFO_FLAGS
  Scenario Outline: <field> <flags> carries a flag its info does not have
    Given user memory holding an iommu_cache_invalidate_info as $info:
      | field       | value                                 |
      | version     | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache       | IOMMU_CACHE_INV_TYPE_IOTLB            |
      | granularity | <granularity>                         |
      | <field>     | <flags>                               |
    When the IOMMU layer is asked to invalidate caches with $info
    Then it fails with EINVAL

    Examples:
      | granularity           | field                  | flags                                                  |
      | IOMMU_INV_GRANU_PASID | granu.pasid_info.flags | IOMMU_INV_PASID_FLAGS_PASID \| 0x4                     |
      | IOMMU_INV_GRANU_PASID | granu.pasid_info.flags | 0x80000000                                             |
      | IOMMU_INV_GRANU_ADDR  | granu.addr_info.flags  | IOMMU_INV_ADDR_FLAGS_LEAF \| 0x8                       |

  @LEGACY.CACHE.INFO_FLAGS
  Scenario: An address range may carry all three of its flags
    Given user memory holding an iommu_cache_invalidate_info as $info:
      | field                 | value                                                                                |
      | version               | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1                                                |
      | cache                 | IOMMU_CACHE_INV_TYPE_IOTLB                                                           |
      | granularity           | IOMMU_INV_GRANU_ADDR                                                                 |
      | granu.addr_info.flags | IOMMU_INV_ADDR_FLAGS_PASID \| IOMMU_INV_ADDR_FLAGS_ARCHID \| IOMMU_INV_ADDR_FLAGS_LEAF |
    When the IOMMU layer is asked to invalidate caches with $info
    Then it succeeds

  @LEGACY.CACHE.DOMAIN_NO_ARGS
  Scenario: A domain-selective invalidation ignores whatever granu holds
    Given user memory holding an iommu_cache_invalidate_info as $info:
      | field                  | value                                 |
      | version                | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache                  | IOMMU_CACHE_INV_TYPE_IOTLB            |
      | granularity            | IOMMU_INV_GRANU_DOMAIN                |
      | granu.addr_info.flags  | 0xffffffff                            |
      | granu.addr_info.nb_granules | 0xffffffffffffffff               |
    When the IOMMU layer is asked to invalidate caches with $info
    Then it succeeds

  @LEGACY.CACHE.PASID_INFO_SELECTS
  Scenario: A PASID-selective invalidation that selects neither PASID nor ARCHID is accepted all the same
    Given user memory holding an iommu_cache_invalidate_info as $info:
      | field                  | value                                 |
      | version                | IOMMU_CACHE_INVALIDATE_INFO_VERSION_1 |
      | cache                  | IOMMU_CACHE_INV_TYPE_IOTLB            |
      | granularity            | IOMMU_INV_GRANU_PASID                 |
      | granu.pasid_info.flags | 0                                     |
    When the IOMMU layer is asked to invalidate caches with $info
    Then it succeeds
