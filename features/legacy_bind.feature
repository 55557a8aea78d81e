@legacy
Feature: The 2020 IOMMU UAPI binds a guest's page table to a host PASID
  For guest SVA, VFIO was to hand a struct iommu_gpasid_bind_data to
  iommu_uapi_sva_bind_gpasid() and iommu_uapi_sva_unbind_gpasid() (Linux 5.10
  to 5.17). The generic layer checks argsz against the mandatory part, the
  version, that the format is in range, the flags and the padding; the driver
  then checks what is its own: its format, that argsz covers its vendor data,
  its vendor flags, the PASIDs and the guest table. The mock driver here does
  what the VT-d driver of that time did, with every capability but five-level
  paging. No released kernel let a process reach these calls.

  Background:
    Given user memory holding an iommu_gpasid_bind_data as $bind:
      | field            | value                        |
      | version          | IOMMU_GPASID_BIND_VERSION_1  |
      | format           | IOMMU_PASID_FORMAT_INTEL_VTD |
      | addr_width       | ADDR_WIDTH_4LEVEL            |
      | flags            | IOMMU_SVA_GPASID_VAL         |
      | gpgd             | 0x12345000                   |
      | hpasid           | 100                          |
      | gpasid           | 7                            |
      | vendor.vtd.flags | IOMMU_SVA_VTD_GPASID_SRE     |

  @LEGACY.ARGSZ.EXACT @LEGACY.UNBIND.BOUND
  Scenario: A bound PASID can be unbound, and then bound again
    When the IOMMU layer is asked to bind a guest PASID with $bind
    Then it succeeds
    When the IOMMU layer is asked to unbind a guest PASID with $bind
    Then it succeeds
    When the IOMMU layer is asked to bind a guest PASID with $bind
    Then it succeeds

  @LEGACY.BIND.TWICE
  Scenario: A device PASID is bound once
    Given the guest PASID of $bind is bound
    When the IOMMU layer is asked to bind a guest PASID with $bind
    Then it fails with EBUSY

  @LEGACY.ARGSZ.BELOW_MANDATORY
  Scenario Outline: argsz <argsz> leaves out part of the mandatory fields
    Given user memory holding an iommu_gpasid_bind_data as $short:
      | field   | value                        |
      | argsz   | <argsz>                      |
      | version | IOMMU_GPASID_BIND_VERSION_1  |
      | format  | IOMMU_PASID_FORMAT_INTEL_VTD |
      | hpasid  | 100                          |
    When the IOMMU layer is asked to bind a guest PASID with $short
    Then it fails with EINVAL

    Examples:
      | argsz |
      | 0     |
      | 32    |
      | 55    |

  @LEGACY.VENDOR.ARGSZ
  Scenario Outline: argsz <argsz> passes the generic layer, but the driver needs its whole vendor data
    Given user memory holding an iommu_gpasid_bind_data as $short:
      | field      | value                        |
      | argsz      | <argsz>                      |
      | version    | IOMMU_GPASID_BIND_VERSION_1  |
      | format     | IOMMU_PASID_FORMAT_INTEL_VTD |
      | addr_width | ADDR_WIDTH_4LEVEL            |
      | hpasid     | 100                          |
    When the IOMMU layer is asked to bind a guest PASID with $short
    Then it fails with EINVAL
    Given the guest PASID of $bind is bound
    When the IOMMU layer is asked to unbind a guest PASID with $short
    Then it succeeds

    Examples:
      | argsz |
      | 56    |
      | 71    |

  @LEGACY.ARGSZ.NEWER_USER
  Scenario: A newer caller's longer struct binds with its extra bytes unread
    Given user memory holding an iommu_gpasid_bind_data as $long:
      | field      | value                        |
      | argsz      | 80                           |
      | version    | IOMMU_GPASID_BIND_VERSION_1  |
      | format     | IOMMU_PASID_FORMAT_INTEL_VTD |
      | addr_width | ADDR_WIDTH_4LEVEL            |
      | hpasid     | 100                          |
    When I fill 8 bytes at $long + 72 with 0xff
    And the IOMMU layer is asked to bind a guest PASID with $long
    Then it succeeds

  @LEGACY.ARGSZ.FAULT
  Scenario: A bind struct that ends before its argsz, against an unmapped page, fails with EFAULT
    Given user memory holding the first 64 bytes of an iommu_gpasid_bind_data, then an unmapped page, as $cut:
      | field      | value                        |
      | version    | IOMMU_GPASID_BIND_VERSION_1  |
      | format     | IOMMU_PASID_FORMAT_INTEL_VTD |
      | addr_width | ADDR_WIDTH_4LEVEL            |
      | hpasid     | 100                          |
    When the IOMMU layer is asked to bind a guest PASID with $cut
    Then it fails with EFAULT

  @LEGACY.VERSION.ONLY_1
  Scenario Outline: A bind of version <version> is refused
    Given user memory holding an iommu_gpasid_bind_data as $other:
      | field      | value                        |
      | version    | <version>                    |
      | format     | IOMMU_PASID_FORMAT_INTEL_VTD |
      | addr_width | ADDR_WIDTH_4LEVEL            |
      | hpasid     | 100                          |
    When the IOMMU layer is asked to bind a guest PASID with $other
    Then it fails with EINVAL

    Examples:
      | version |
      | 0       |
      | 2       |

  @LEGACY.BIND.FORMAT_RANGE
  Scenario Outline: Format <format> is out of the generic range
    Given the guest PASID of $bind is bound
    And user memory holding an iommu_gpasid_bind_data as $other:
      | field   | value                       |
      | version | IOMMU_GPASID_BIND_VERSION_1 |
      | format  | <format>                    |
      | hpasid  | 100                         |
    When the IOMMU layer is asked to unbind a guest PASID with $other
    Then it fails with EINVAL

    Examples:
      | format                   |
      | IOMMU_PASID_FORMAT_LAST  |
      | 0xffffffff               |

  @LEGACY.VENDOR.FORMAT
  Scenario: Format 0 passes the generic check, which is all an unbind asks, but the driver binds only its own
    Given user memory holding an iommu_gpasid_bind_data as $other:
      | field      | value                       |
      | version    | IOMMU_GPASID_BIND_VERSION_1 |
      | format     | 0                           |
      | addr_width | ADDR_WIDTH_4LEVEL           |
      | hpasid     | 100                         |
    When the IOMMU layer is asked to bind a guest PASID with $other
    Then it fails with EINVAL
    Given the guest PASID of $bind is bound
    When the IOMMU layer is asked to unbind a guest PASID with $other
    Then it succeeds

  @LEGACY.BIND.FLAGS
  Scenario Outline: Bind flags <flags> hold more than IOMMU_SVA_GPASID_VAL
    Given user memory holding an iommu_gpasid_bind_data as $other:
      | field      | value                        |
      | version    | IOMMU_GPASID_BIND_VERSION_1  |
      | format     | IOMMU_PASID_FORMAT_INTEL_VTD |
      | addr_width | ADDR_WIDTH_4LEVEL            |
      | flags      | <flags>                      |
      | hpasid     | 100                          |
    When the IOMMU layer is asked to bind a guest PASID with $other
    Then it fails with EINVAL

    Examples:
      | flags                        |
      | 0x2                          |
      | IOMMU_SVA_GPASID_VAL \| 0x80 |
      | 0x8000000000000000           |

  @LEGACY.PADDING.ZERO
  Scenario Outline: A non-zero padding byte at offset <offset> of the bind data is refused
    When I fill 1 bytes at $bind + <offset> with 0x80
    And the IOMMU layer is asked to bind a guest PASID with $bind
    Then it fails with EINVAL

    Examples:
      | offset |
      | 48     |
      | 55     |

  @LEGACY.VENDOR.FLAGS
  Scenario Outline: VT-d flags <flags>
    Given user memory holding an iommu_gpasid_bind_data as $other:
      | field            | value                        |
      | version          | IOMMU_GPASID_BIND_VERSION_1  |
      | format           | IOMMU_PASID_FORMAT_INTEL_VTD |
      | addr_width       | ADDR_WIDTH_4LEVEL            |
      | hpasid           | 100                          |
      | vendor.vtd.flags | <flags>                      |
    When the IOMMU layer is asked to bind a guest PASID with $other
    Then it fails with EINVAL

    Examples:
      | flags                                                  |
      | IOMMU_SVA_VTD_GPASID_LAST                              |
      | IOMMU_SVA_VTD_GPASID_CD \| IOMMU_SVA_VTD_GPASID_LAST    |
      | 0x8000000000000000                                     |

  @LEGACY.VENDOR.FLAGS
  Scenario: Every VT-d flag the driver defines is taken
    Given user memory holding an iommu_gpasid_bind_data as $other:
      | field            | value                                                                                                                                           |
      | version          | IOMMU_GPASID_BIND_VERSION_1                                                                                                                     |
      | format           | IOMMU_PASID_FORMAT_INTEL_VTD                                                                                                                    |
      | addr_width       | ADDR_WIDTH_4LEVEL                                                                                                                               |
      | hpasid           | 100                                                                                                                                             |
      | vendor.vtd.flags | IOMMU_SVA_VTD_GPASID_SRE \| IOMMU_SVA_VTD_GPASID_EAFE \| IOMMU_SVA_VTD_GPASID_PCD \| IOMMU_SVA_VTD_GPASID_PWT \| IOMMU_SVA_VTD_GPASID_EMTE \| IOMMU_SVA_VTD_GPASID_CD |
    When the IOMMU layer is asked to bind a guest PASID with $other
    Then it succeeds

  @LEGACY.BIND.HPASID_RANGE
  Scenario Outline: Host PASID <hpasid>
    Given user memory holding an iommu_gpasid_bind_data as $other:
      | field      | value                        |
      | version    | IOMMU_GPASID_BIND_VERSION_1  |
      | format     | IOMMU_PASID_FORMAT_INTEL_VTD |
      | addr_width | ADDR_WIDTH_4LEVEL            |
      | hpasid     | <hpasid>                     |
    When the IOMMU layer is asked to bind a guest PASID with $other
    Then it fails with EINVAL

    Examples:
      | hpasid             |
      | 0                  |
      | PASID_MAX          |
      | 0x100000005        |

  @LEGACY.BIND.HPASID_RANGE
  Scenario: The highest host PASID binds, and the guest PASID is taken as given
    Given user memory holding an iommu_gpasid_bind_data as $other:
      | field      | value                        |
      | version    | IOMMU_GPASID_BIND_VERSION_1  |
      | format     | IOMMU_PASID_FORMAT_INTEL_VTD |
      | addr_width | ADDR_WIDTH_4LEVEL            |
      | flags      | IOMMU_SVA_GPASID_VAL         |
      | hpasid     | 0xfffff                      |
      | gpasid     | 0xffffffffffffffff           |
    When the IOMMU layer is asked to bind a guest PASID with $other
    Then it succeeds

  @LEGACY.BIND.ADDR_WIDTH
  Scenario Outline: A guest table <addr_width> bits wide is refused
    Given user memory holding an iommu_gpasid_bind_data as $other:
      | field      | value                        |
      | version    | IOMMU_GPASID_BIND_VERSION_1  |
      | format     | IOMMU_PASID_FORMAT_INTEL_VTD |
      | addr_width | <addr_width>                 |
      | hpasid     | 100                          |
    When the IOMMU layer is asked to bind a guest PASID with $other
    Then it fails with EINVAL
    When the IOMMU layer is asked to bind a guest PASID with $bind
    Then it succeeds

    Examples:
      | addr_width        |
      | ADDR_WIDTH_5LEVEL |
      | 39                |
      | 0                 |

  @LEGACY.UNBIND.CHECKS
  Scenario Outline: An unbind whose struct fails a generic check (<case>) leaves the PASID bound
    Given the guest PASID of $bind is bound
    And user memory holding an iommu_gpasid_bind_data as $other:
      | field   | value                        |
      | argsz   | <argsz>                      |
      | version | <version>                    |
      | format  | IOMMU_PASID_FORMAT_INTEL_VTD |
      | flags   | <flags>                      |
      | hpasid  | 100                          |
    When the IOMMU layer is asked to unbind a guest PASID with $other
    Then it fails with EINVAL
    When the IOMMU layer is asked to bind a guest PASID with $bind
    Then it fails with EBUSY

    Examples:
      | case             | argsz | version                     | flags |
      | argsz too small  | 55    | IOMMU_GPASID_BIND_VERSION_1 | 0     |
      | version 2        | 72    | 2                           | 0     |
      | an unknown flag  | 72    | IOMMU_GPASID_BIND_VERSION_1 | 0x4   |

  @LEGACY.UNBIND.CHECKS @LEGACY.PADDING.ZERO
  Scenario: An unbind with non-zero padding is refused
    Given the guest PASID of $bind is bound
    When I fill 1 bytes at $bind + 50 with 1
    And the IOMMU layer is asked to unbind a guest PASID with $bind
    Then it fails with EINVAL

  @LEGACY.UNBIND.BOUND
  Scenario Outline: Unbinding host PASID <hpasid>, which is not bound
    Given the guest PASID of $bind is bound
    And user memory holding an iommu_gpasid_bind_data as $other:
      | field   | value                        |
      | version | IOMMU_GPASID_BIND_VERSION_1  |
      | format  | IOMMU_PASID_FORMAT_INTEL_VTD |
      | hpasid  | <hpasid>                     |
    When the IOMMU layer is asked to unbind a guest PASID with $other
    Then it fails with <errno>

    Examples:
      | hpasid    | errno  |
      | 101       | ENOENT |
      | 0         | ENOENT |
      | PASID_MAX | EINVAL |

  @LEGACY.UNBIND.IOASID_WIDTH @linux
  Scenario: Only the low 32 bits of an unbind's hpasid count
    Given user memory holding an iommu_gpasid_bind_data as $five:
      | field      | value                        |
      | version    | IOMMU_GPASID_BIND_VERSION_1  |
      | format     | IOMMU_PASID_FORMAT_INTEL_VTD |
      | addr_width | ADDR_WIDTH_4LEVEL            |
      | hpasid     | 5                            |
    And user memory holding an iommu_gpasid_bind_data as $wide:
      | field   | value                        |
      | version | IOMMU_GPASID_BIND_VERSION_1  |
      | format  | IOMMU_PASID_FORMAT_INTEL_VTD |
      | hpasid  | 0x100000005                  |
    And the guest PASID of $five is bound
    When the IOMMU layer is asked to unbind a guest PASID with $wide
    Then it succeeds
    When the IOMMU layer is asked to unbind a guest PASID with $five
    Then it fails with ENOENT
