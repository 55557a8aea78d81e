@hwpt
Feature: IOMMU_HWPT_ALLOC makes hardware page tables for a device
  A hardware page table (HWPT) is the iommufd object behind an IOMMU domain.
  IOMMU_HWPT_ALLOC makes one for a bound device: a kernel-managed paging HWPT
  that mirrors an IOAS, or a user-managed nested HWPT over a nesting parent,
  described by driver data. The scenarios use the selftest's mock driver,
  whose driver data is struct iommu_hwpt_selftest (IOMMU_HWPT_DATA_SELFTEST).

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev with device id $idev
    And user memory holding an iommu_hwpt_selftest as $data:
      | field | value                    |
      | iotlb | IOMMU_TEST_IOTLB_DEFAULT |

  @HWPT_ALLOC.PAGING.CREATES @HWPT_ALLOC.OUT_ID
  Scenario: A paging HWPT over an IOAS maps its areas and keeps the IOAS alive
    Given 4096 bytes of user memory as $buf
    And 4096 bytes of $buf mapped at IOVA 0x1000000 in $ioas
    When I call IOMMU_HWPT_ALLOC with:
      | field       | value      |
      | dev_id      | $idev      |
      | pt_id       | $ioas      |
      | out_hwpt_id | 0xffffffff |
    Then it succeeds
    And out_hwpt_id is not 0
    And out_hwpt_id is not 0xffffffff
    And out_hwpt_id is not $dev_hwpt
    And I remember out_hwpt_id as $hwpt
    When I call IOMMU_TEST_CMD with:
      | field            | value                      |
      | op               | IOMMU_TEST_OP_MD_CHECK_MAP |
      | id               | $hwpt                      |
      | check_map.iova   | 0x1000000                  |
      | check_map.length | 4096                       |
      | check_map.uptr   | $buf                       |
    Then it succeeds
    When I destroy $dev
    Then it succeeds
    When I destroy $ioas
    Then it fails with EBUSY
    When I destroy $hwpt
    Then it succeeds
    When I destroy $ioas
    Then it succeeds

  @HWPT_ALLOC.OUT_ID
  Scenario: A failed allocation leaves out_hwpt_id as the caller wrote it
    When I call IOMMU_HWPT_ALLOC with:
      | field       | value      |
      | dev_id      | $idev      |
      | pt_id       | $ioas      |
      | flags       | 0x80000000 |
      | out_hwpt_id | 0x1234     |
    Then it fails with EOPNOTSUPP
    And out_hwpt_id is 0x1234

  @HWPT_ALLOC.PAGING.ATTACHABLE
  Scenario: Devices attach to an allocated paging HWPT by its id, which is busy meanwhile
    Given a paging HWPT for $idev on $ioas with flags 0 as $hwpt
    And a mock device attached to $hwpt as $dev2 with device id $idev2
    Then $dev2_hwpt equals $hwpt
    When I destroy $hwpt
    Then it fails with EBUSY
    When I destroy $dev2
    Then it succeeds
    When I destroy $hwpt
    Then it succeeds

  @HWPT_ALLOC.RESERVED
  Scenario: A non-zero __reserved is refused
    When I call IOMMU_HWPT_ALLOC with:
      | field      | value |
      | dev_id     | $idev |
      | pt_id      | $ioas |
      | __reserved | 1     |
    Then it fails with EOPNOTSUPP

  @HWPT_ALLOC.RESERVED
  Scenario: __reserved is checked before the ids
    When I call IOMMU_HWPT_ALLOC with:
      | field      | value      |
      | dev_id     | 0xffffffff |
      | pt_id      | 0xffffffff |
      | __reserved | 0x80000000 |
    Then it fails with EOPNOTSUPP

  @HWPT_ALLOC.RESERVED2
  Scenario: A non-zero __reserved2 is not looked at
    When I call IOMMU_HWPT_ALLOC with:
      | field       | value      |
      | dev_id      | $idev      |
      | pt_id       | $ioas      |
      | __reserved2 | 0xffffffff |
    Then it succeeds

  @HWPT_ALLOC.DATA.NONE_WITH_LENGTH
  Scenario: data_len without a data_type is refused
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value                |
      | dev_id    | $idev                |
      | pt_id     | $ioas                |
      | data_type | IOMMU_HWPT_DATA_NONE |
      | data_len  | 4                    |
      | data_uptr | $data                |
    Then it fails with EINVAL

  @HWPT_ALLOC.DATA.TYPE_WITHOUT_LENGTH
  Scenario Outline: A data_type without data_len is refused: <type>
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value  |
      | dev_id    | $idev  |
      | pt_id     | <pt>   |
      | data_type | <type> |
      | data_len  | 0      |
      | data_uptr | $data  |
    Then it fails with EINVAL

    Examples:
      | type                     | pt    |
      | IOMMU_HWPT_DATA_SELFTEST | $ioas |
      | IOMMU_HWPT_DATA_VTD_S1   | $ioas |
      | IOMMU_HWPT_DATA_SELFTEST | 0     |

  @HWPT_ALLOC.DEV_ID.NOT_A_DEVICE
  Scenario Outline: dev_id must name a device: <what>
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value  |
      | dev_id | <id>   |
      | pt_id  | $ioas  |
    Then it fails with ENOENT

    Examples:
      | what                    | id         |
      | no object               | 0          |
      | an unused id            | 0xffffffff |
      | the IOAS                | $ioas      |
      | the selftest object     | $dev       |
      | the device's page table | $dev_hwpt  |

  @HWPT_ALLOC.DEV_ID.NOT_A_DEVICE
  Scenario: dev_id is looked up before pt_id
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value      |
      | dev_id | $ioas      |
      | pt_id  | $idev      |
    Then it fails with ENOENT

  @HWPT_ALLOC.PT_ID.UNKNOWN
  Scenario Outline: A pt_id that names nothing is EINVAL, not ENOENT: <id>
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | dev_id | $idev |
      | pt_id  | <id>  |
    Then it fails with EINVAL

    Examples:
      | id         |
      | 0          |
      | 0x7fffffff |

  @HWPT_ALLOC.PT_ID.WRONG_KIND
  Scenario Outline: A pt_id of a kind that cannot carry a HWPT is refused: <what>
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | dev_id | $idev |
      | pt_id  | <id>  |
    Then it fails with EINVAL

    Examples:
      | what                | id    |
      | the device          | $idev |
      | the selftest object | $dev  |

  @HWPT_ALLOC.FLAGS.UNKNOWN
  Scenario Outline: Unknown flags are refused: <flags>
    When I allocate a HWPT for $idev on $ioas with flags <flags>
    Then it fails with EOPNOTSUPP

    Examples:
      | flags      |
      | 0x10       |
      | 0x80000000 |
      | 0xfffffffe |

  @HWPT_ALLOC.FLAGS.NEST_PARENT
  Scenario: A nesting parent is a paging HWPT that maps the IOAS
    Given 4096 bytes of user memory as $buf
    And 4096 bytes of $buf mapped at IOVA 0x1000000 in $ioas
    And a paging HWPT for $idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT as $parent
    When I call IOMMU_TEST_CMD with:
      | field            | value                      |
      | op               | IOMMU_TEST_OP_MD_CHECK_MAP |
      | id               | $parent                    |
      | check_map.iova   | 0x1000000                  |
      | check_map.length | 4096                       |
      | check_map.uptr   | $buf                       |
    Then it succeeds

  @HWPT_ALLOC.FLAGS.NEST_PARENT @HWPT_ALLOC.PAGING.ATTACHABLE
  Scenario: A device rotates between two allocated HWPTs and back to its IOAS
    Given a paging HWPT for $idev on $ioas with flags 0 as $first
    And a paging HWPT for $idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT as $second
    And a mock device attached to $first as $dev2 with device id $idev2
    When I destroy $first
    Then it fails with EBUSY
    When I destroy $dev2
    Then it succeeds
    Given a mock device attached to $second as $dev3 with device id $idev3
    When I destroy $second
    Then it fails with EBUSY
    When I destroy $dev3
    Then it succeeds
    When I destroy $second
    Then it succeeds
    When I destroy $first
    Then it succeeds

  @HWPT_ALLOC.FLAGS.DIRTY_TRACKING
  Scenario: Dirty tracking for a device that can track dirty pages
    When I allocate a HWPT for $idev on $ioas with flags IOMMU_HWPT_ALLOC_DIRTY_TRACKING
    Then it succeeds
    When I allocate a HWPT for $idev on $ioas with flags IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_ALLOC_NEST_PARENT
    Then it succeeds

  @HWPT_ALLOC.FLAGS.DIRTY_UNSUPPORTED
  Scenario: Dirty tracking for a device that cannot track dirty pages is refused
    Given an IOAS as $other
    And a mock device with flags MOCK_FLAGS_DEVICE_NO_DIRTY attached to $other as $nodirty with device id $nodirty_idev
    When I allocate a HWPT for $nodirty_idev on $other with flags IOMMU_HWPT_ALLOC_DIRTY_TRACKING
    Then it fails with EOPNOTSUPP
    When I allocate a HWPT for $nodirty_idev on $other with flags 0
    Then it succeeds

  @HWPT_ALLOC.FLAGS.FAULT_WITH_NEST_PARENT
  Scenario: A nesting parent cannot take faults
    When I allocate a HWPT for $idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_FAULT_ID_VALID
    Then it fails with EOPNOTSUPP

  @HWPT_ALLOC.FLAGS.FAULT_WITH_NEST_PARENT
  Scenario: The flag combination is refused before fault_id is looked at
    When I call IOMMU_HWPT_ALLOC with:
      | field    | value                                                    |
      | dev_id   | $idev                                                    |
      | pt_id    | $ioas                                                    |
      | flags    | IOMMU_HWPT_ALLOC_NEST_PARENT \| IOMMU_HWPT_FAULT_ID_VALID |
      | fault_id | 0xffffffff                                               |
    Then it fails with EOPNOTSUPP

  @HWPT_ALLOC.FLAGS.PASID
  Scenario: PASID-capable paging and nested HWPTs
    When I allocate a HWPT for $idev on $ioas with flags IOMMU_HWPT_ALLOC_PASID
    Then it succeeds
    When I allocate a HWPT for $idev on $ioas with flags IOMMU_HWPT_ALLOC_PASID | IOMMU_HWPT_ALLOC_DIRTY_TRACKING
    Then it succeeds
    Given a paging HWPT for $idev on $ioas with flags IOMMU_HWPT_ALLOC_PASID | IOMMU_HWPT_ALLOC_NEST_PARENT as $parent
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value                    |
      | dev_id    | $idev                    |
      | pt_id     | $parent                  |
      | flags     | IOMMU_HWPT_ALLOC_PASID   |
      | data_type | IOMMU_HWPT_DATA_SELFTEST |
      | data_len  | 4                        |
      | data_uptr | $data                    |
    Then it succeeds

  @HWPT_ALLOC.FAULT_ID.PAGING @HWPT_ALLOC.FAULT_ID.UNKNOWN
  Scenario Outline: A paging HWPT looks fault_id up: <what> names no fault queue
    When I call IOMMU_HWPT_ALLOC with:
      | field    | value                     |
      | dev_id   | $idev                     |
      | pt_id    | $ioas                     |
      | flags    | IOMMU_HWPT_FAULT_ID_VALID |
      | fault_id | <id>                      |
    Then it fails with ENOENT
    When I allocate a HWPT for $idev on $ioas with flags 0
    Then it succeeds
    And out_hwpt_id is $dev_hwpt + 1

    Examples:
      | what         | id         |
      | 0            | 0          |
      | UINT32_MAX   | 0xffffffff |
      | the IOAS     | $ioas      |

  @HWPT_ALLOC.FAULT_ID.IGNORED
  Scenario: Without IOMMU_HWPT_FAULT_ID_VALID fault_id is ignored
    When I call IOMMU_HWPT_ALLOC with:
      | field    | value      |
      | dev_id   | $idev      |
      | pt_id    | $ioas      |
      | fault_id | 0xffffffff |
    Then it succeeds

  @HWPT_ALLOC.PAGING.DATA_TYPE
  Scenario Outline: A paging HWPT refuses driver data of a type its driver does not know: <type>
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value  |
      | dev_id    | $idev  |
      | pt_id     | $ioas  |
      | data_type | <type> |
      | data_len  | 4      |
      | data_uptr | $data  |
    Then it fails with EOPNOTSUPP

    Examples:
      | type                         |
      | IOMMU_HWPT_DATA_VTD_S1       |
      | IOMMU_HWPT_DATA_ARM_SMMUV3   |
      | IOMMU_HWPT_DATA_SELFTEST + 1 |

  @HWPT_ALLOC.SIZE.MINIMUM
  Scenario: A caller that stops at __reserved gets a paging HWPT
    When I call IOMMU_HWPT_ALLOC cut to 24 bytes with:
      | field     | value                    |
      | dev_id    | $idev                    |
      | pt_id     | $ioas                    |
      | data_type | IOMMU_HWPT_DATA_SELFTEST |
      | data_len  | 4                        |
      | data_uptr | $data                    |
    Then it succeeds
    And out_hwpt_id is $dev_hwpt + 1

  @HWPT_ALLOC.SIZE.LONGER
  Scenario: A longer struct is taken with a zero tail and refused with a non-zero one
    When I call IOMMU_HWPT_ALLOC extended by 8 bytes, the last one non-zero, with:
      | field  | value |
      | dev_id | $idev |
      | pt_id  | $ioas |
    Then it fails with E2BIG
    When I call IOMMU_HWPT_ALLOC extended by 8 zero bytes with:
      | field  | value |
      | dev_id | $idev |
      | pt_id  | $ioas |
    Then it succeeds
    And out_hwpt_id is $dev_hwpt + 1

  @HWPT_ALLOC.PAGING.DRIVER_DATA
  Scenario: Driver data picks the mock page table format of a paging HWPT
    Given an IOAS as $huge_ioas
    And an IOAS as $default_ioas
    And user memory holding an iommu_hwpt_selftest as $huge:
      | field          | value             |
      | pagetable_type | MOCK_IOMMUPT_HUGE |
    And user memory holding an iommu_hwpt_selftest as $default:
      | field          | value                |
      | iotlb          | 0xffffffff           |
      | pagetable_type | MOCK_IOMMUPT_DEFAULT |
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value                    |
      | dev_id    | $idev                    |
      | pt_id     | $huge_ioas               |
      | data_type | IOMMU_HWPT_DATA_SELFTEST |
      | data_len  | 8                        |
      | data_uptr | $huge                    |
    Then it succeeds
    And the IOVA ranges of $huge_ioas are:
      | start | last         |
      | 0     | 0x3fffffffff |
    And out_iova_alignment is 4096
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value                    |
      | dev_id    | $idev                    |
      | pt_id     | $default_ioas            |
      | data_type | IOMMU_HWPT_DATA_SELFTEST |
      | data_len  | 8                        |
      | data_uptr | $default                 |
    Then it succeeds
    And the IOVA ranges of $default_ioas are:
      | start               | last               |
      | MOCK_APERTURE_START | MOCK_APERTURE_LAST |
    And out_iova_alignment is MOCK_PAGE_SIZE

  @HWPT_ALLOC.PAGING.DRIVER_DATA
  Scenario Outline: An unknown mock page table format is refused: <type>
    Given user memory holding an iommu_hwpt_selftest as $bad:
      | field          | value  |
      | pagetable_type | <type> |
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value                    |
      | dev_id    | $idev                    |
      | pt_id     | $ioas                    |
      | data_type | IOMMU_HWPT_DATA_SELFTEST |
      | data_len  | 8                        |
      | data_uptr | $bad                     |
    Then it fails with EOPNOTSUPP
    When I allocate a HWPT for $idev on $ioas with flags 0
    Then it succeeds
    And out_hwpt_id is $dev_hwpt + 1

    Examples:
      | type       |
      | 2          |
      | 0xffffffff |

  @HWPT_ALLOC.DATA.SHORTER @HWPT_ALLOC.PAGING.DRIVER_DATA
  Scenario: Driver data shorter than the struct reads its missing fields as zero
    Given an IOAS as $other
    And user memory holding an iommu_hwpt_selftest as $huge:
      | field          | value             |
      | pagetable_type | MOCK_IOMMUPT_HUGE |
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value                    |
      | dev_id    | $idev                    |
      | pt_id     | $other                   |
      | data_type | IOMMU_HWPT_DATA_SELFTEST |
      | data_len  | 4                        |
      | data_uptr | $huge                    |
    Then it succeeds
    And the IOVA ranges of $other are:
      | start               | last               |
      | MOCK_APERTURE_START | MOCK_APERTURE_LAST |
    And out_iova_alignment is MOCK_PAGE_SIZE

  @HWPT_ALLOC.PAGING.APERTURE
  Scenario: A paging HWPT cannot be made over an IOAS with an area outside its aperture
    Given an IOAS as $other
    And 4096 bytes of user memory as $buf
    And 4096 bytes of $buf mapped at IOVA 0x1000 in $other
    When I allocate a HWPT for $idev on $other with flags 0
    Then it fails with EADDRINUSE
    When I destroy $other
    Then it succeeds

  @HWPT_ALLOC.RESPOND_FAULT
  Scenario: A reply that cannot be written back undoes the allocation
    Given user memory holding an iommu_hwpt_alloc as $cmd:
      | field  | value |
      | size   | 48    |
      | dev_id | $idev |
      | pt_id  | $ioas |
    And the user memory at $cmd is made read-only
    When I call IOMMU_HWPT_ALLOC with the argument pointer $cmd
    Then it fails with EFAULT
    When I allocate a HWPT for $idev on $ioas with flags 0
    Then it succeeds
    And out_hwpt_id is $dev_hwpt + 1
