Feature: IOMMU_GET_HW_INFO reports what the IOMMU behind a bound device can do
  A caller names a bound device and passes a buffer for the driver's
  information block. The kernel copies at most data_len bytes of its block,
  zeroes the rest of a longer buffer, writes back its own length and the
  block's type, and reports generic capabilities and the device's PASID
  width. The devices here are the selftest's mock devices: their driver's
  block is a struct iommu_test_hw_info.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And 4096 bytes of user memory as $buf
    And I fill 32 bytes at $buf with 0xa5

  @HW_INFO.DATA_LEN.ZERO @HW_INFO.DATA_LEN.OUT
  Scenario: A zero data_len reports the type and the kernel's length without touching the buffer
    When I call IOMMU_GET_HW_INFO with:
      | dev_id    | $dev_idev |
      | data_len  | 0     |
      | data_uptr | $buf  |
    Then it succeeds
    And data_len is 8
    And out_data_type is IOMMU_HW_INFO_TYPE_SELFTEST
    And the 32 bytes at $buf are all 0xa5

  @HW_INFO.DATA_LEN.ZERO
  Scenario: With a zero data_len the data pointer is not used
    Given an unmapped user address as $gone
    When I call IOMMU_GET_HW_INFO with:
      | dev_id    | $dev_idev |
      | data_len  | 0     |
      | data_uptr | $gone |
    Then it succeeds
    And data_len is 8
    When I call IOMMU_GET_HW_INFO with:
      | dev_id    | $dev_idev |
      | data_len  | 0     |
      | data_uptr | 0     |
    Then it succeeds

  @HW_INFO.DATA_TYPE.SELFTEST @HW_INFO.DATA_LEN.OUT
  Scenario: A buffer of the block's exact size receives the mock driver's block
    When I call IOMMU_GET_HW_INFO with:
      | dev_id    | $dev_idev |
      | data_len  | 8     |
      | data_uptr | $buf  |
    Then it succeeds
    And data_len is 8
    And out_data_type is IOMMU_HW_INFO_TYPE_SELFTEST
    And the memory at $buf, read as iommu_test_hw_info, has:
      | flags    | 0                             |
      | test_reg | IOMMU_HW_INFO_SELFTEST_REGVAL |
    And the 24 bytes at $buf + 8 are all 0xa5

  @HW_INFO.DATA_LEN.LONG @HW_INFO.DATA_LEN.OUT
  Scenario: A longer buffer is zeroed past the block
    When I call IOMMU_GET_HW_INFO with:
      | dev_id    | $dev_idev |
      | data_len  | 16    |
      | data_uptr | $buf  |
    Then it succeeds
    And data_len is 8
    And the memory at $buf, read as iommu_test_hw_info, has:
      | flags    | 0                             |
      | test_reg | IOMMU_HW_INFO_SELFTEST_REGVAL |
    And the 8 bytes at $buf + 8 are all 0
    And the 16 bytes at $buf + 16 are all 0xa5

  @HW_INFO.DATA_LEN.SHORT @HW_INFO.DATA_LEN.OUT
  Scenario: A shorter buffer gets the first data_len bytes of the block and nothing more
    When I call IOMMU_GET_HW_INFO with:
      | dev_id    | $dev_idev |
      | data_len  | 4     |
      | data_uptr | $buf  |
    Then it succeeds
    And data_len is 8
    And the 4 bytes at $buf are all 0
    And the 28 bytes at $buf + 4 are all 0xa5

  @HW_INFO.DATA_LEN.SHORT
  Scenario: A buffer ending inside test_reg gets the part of it that fits
    When I call IOMMU_GET_HW_INFO with:
      | dev_id    | $dev_idev |
      | data_len  | 5     |
      | data_uptr | $buf  |
    Then it succeeds
    And the 1 bytes at $buf + 4 are all 0xef
    And the 27 bytes at $buf + 5 are all 0xa5

  @HW_INFO.DATA_UPTR.FAULT
  Scenario Outline: A buffer the kernel cannot write fails the call (<what>)
    Given <memory> as $bad
    When I call IOMMU_GET_HW_INFO with:
      | dev_id    | $dev_idev      |
      | data_len  | <data_len> |
      | data_uptr | $bad       |
    Then it fails with EFAULT

    Examples:
      | what                        | memory                                  | data_len |
      | unmapped                    | an unmapped user address                | 8        |
      | read-only                   | 4096 bytes of read-only user memory     | 8        |
      | read-only, only the zeroing | 4096 bytes of read-only user memory     | 1        |
      | unmapped, longer buffer     | an unmapped user address                | 64       |

  @HW_INFO.INPUT_TYPE.IGNORED
  Scenario: Without the input-type flag, in_data_type is not looked at
    When I call IOMMU_GET_HW_INFO with:
      | dev_id       | $dev_idev                           |
      | data_len     | 8                               |
      | data_uptr    | $buf                            |
      | in_data_type | IOMMU_HW_INFO_TYPE_SELFTEST + 1 |
    Then it succeeds
    And out_data_type is IOMMU_HW_INFO_TYPE_SELFTEST

  @HW_INFO.INPUT_TYPE.KNOWN @HW_INFO.FLAGS.UNKNOWN
  Scenario Outline: With the input-type flag, <type> is answered with the mock's block
    When I call IOMMU_GET_HW_INFO with:
      | flags        | IOMMU_HW_INFO_FLAG_INPUT_TYPE |
      | dev_id       | $dev_idev                         |
      | data_len     | 8                             |
      | data_uptr    | $buf                          |
      | in_data_type | <type>                        |
    Then it succeeds
    And out_data_type is IOMMU_HW_INFO_TYPE_SELFTEST
    And data_len is 8
    And the memory at $buf, read as iommu_test_hw_info, has:
      | test_reg | IOMMU_HW_INFO_SELFTEST_REGVAL |

    Examples:
      | type                        |
      | IOMMU_HW_INFO_TYPE_DEFAULT  |
      | IOMMU_HW_INFO_TYPE_SELFTEST |

  @HW_INFO.INPUT_TYPE.UNKNOWN
  Scenario Outline: With the input-type flag, a type the mock does not provide is refused (<type>)
    When I call IOMMU_GET_HW_INFO with:
      | flags        | IOMMU_HW_INFO_FLAG_INPUT_TYPE |
      | dev_id       | $dev_idev                         |
      | data_len     | 8                             |
      | data_uptr    | $buf                          |
      | in_data_type | <type>                        |
    Then it fails with EOPNOTSUPP
    And the 32 bytes at $buf are all 0xa5

    Examples:
      | type                            |
      | IOMMU_HW_INFO_TYPE_SELFTEST + 1 |
      | IOMMU_HW_INFO_TYPE_INTEL_VTD    |
      | IOMMU_HW_INFO_TYPE_ARM_SMMUV3   |

  @HW_INFO.FLAGS.UNKNOWN
  Scenario Outline: An unknown flag is refused (<flags>)
    When I call IOMMU_GET_HW_INFO with:
      | flags     | <flags> |
      | dev_id    | $dev_idev   |
      | data_len  | 8       |
      | data_uptr | $buf    |
    Then it fails with EOPNOTSUPP
    And the 32 bytes at $buf are all 0xa5

    Examples:
      | flags      |
      | 2          |
      | 0x80000000 |

  @HW_INFO.RESERVED
  Scenario Outline: A non-zero __reserved byte is refused (byte <byte>)
    When I call IOMMU_GET_HW_INFO with:
      | dev_id    | $dev_idev |
      | data_len  | 8     |
      | data_uptr | $buf  |
    Then it succeeds
    When I repeat the last call with byte <byte> set to 1
    Then it fails with EOPNOTSUPP

    Examples:
      | byte |
      | 29   |
      | 30   |
      | 31   |

  @HW_INFO.DEV_ID.UNKNOWN
  Scenario Outline: A dev_id that names no bound device is refused (<what>)
    When I call IOMMU_GET_HW_INFO with:
      | dev_id    | <id> |
      | data_len  | 16   |
      | data_uptr | $buf |
    Then it fails with ENOENT
    And the 32 bytes at $buf are all 0xa5

    Examples:
      | what                        | id           |
      | no id                       | 0            |
      | an id nothing has           | $dev_idev + 100  |
      | the IOAS                    | $ioas        |
      | the device's page table     | $dev_hwpt   |
      | the selftest's device owner | $dev  |

  @HW_INFO.DEV_ID.UNKNOWN
  Scenario: A device destroyed with its selftest owner is no longer known
    When I destroy $dev
    Then it succeeds
    When I call IOMMU_GET_HW_INFO with:
      | dev_id    | $dev_idev |
      | data_len  | 8     |
      | data_uptr | $buf  |
    Then it fails with ENOENT

  @HW_INFO.CAPS.DIRTY_TRACKING @HW_INFO.CAPS.ATS_NOT_SUPPORTED
  Scenario: A mock device can track dirty pages and cannot use ATS
    When I call IOMMU_GET_HW_INFO with:
      | dev_id | $dev_idev |
    Then it succeeds
    And out_capabilities is IOMMU_HW_CAP_DIRTY_TRACKING | IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED

  @HW_INFO.CAPS.DIRTY_TRACKING @HW_INFO.CAPS.ATS_NOT_SUPPORTED
  Scenario: A mock device created without dirty tracking does not report it
    Given a mock device with flags MOCK_FLAGS_DEVICE_NO_DIRTY attached to $ioas as $nodirty
    When I call IOMMU_GET_HW_INFO with:
      | dev_id | $nodirty_idev |
    Then it succeeds
    And out_capabilities is IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED

  @HW_INFO.CAPS.DIRTY_TRACKING
  Scenario: Only the dirty tracking bit tells the two mock devices apart
    Given a mock device with flags MOCK_FLAGS_DEVICE_NO_DIRTY attached to $ioas as $nodirty
    When I call IOMMU_GET_HW_INFO with:
      | dev_id | $nodirty_idev |
    Then it succeeds
    And I remember out_capabilities as $caps
    When I call IOMMU_GET_HW_INFO with:
      | dev_id | $dev_idev |
    Then it succeeds
    And out_capabilities is $caps | IOMMU_HW_CAP_DIRTY_TRACKING
    And out_capabilities is not $caps

  @HW_INFO.PASID.NONE
  Scenario: A device without PASID support reports no PASID width
    When I call IOMMU_GET_HW_INFO with:
      | dev_id | $dev_idev |
    Then it succeeds
    And out_max_pasid_log2 is 0

  @HW_INFO.PASID.WIDTH
  Scenario: A PASID-capable mock device reports its PASID width
    Given a mock device with flags MOCK_FLAGS_DEVICE_PASID attached to $ioas as $pasid
    When I call IOMMU_GET_HW_INFO with:
      | dev_id | $pasid_idev |
    Then it succeeds
    And out_max_pasid_log2 is MOCK_PASID_WIDTH

  @HW_INFO.SIZE.MINIMUM
  Scenario: A struct ending at __reserved is accepted and out_capabilities is not written back
    When I call IOMMU_GET_HW_INFO with:
      | size             | 32    |
      | dev_id           | $dev_idev |
      | data_len         | 8     |
      | data_uptr        | $buf  |
      | out_capabilities | 0x77  |
    Then it succeeds
    And data_len is 8
    And out_data_type is IOMMU_HW_INFO_TYPE_SELFTEST
    And out_capabilities is 0x77

  @HW_INFO.SIZE.MINIMUM
  Scenario: A struct one byte short of __reserved's end is refused
    When I call IOMMU_GET_HW_INFO with:
      | dev_id    | $dev_idev |
      | data_len  | 8     |
      | data_uptr | $buf  |
    Then it succeeds
    When I repeat the last call with size 31
    Then it fails with EINVAL

  @HW_INFO.SIZE.LONGER
  Scenario: A struct one zero byte longer is answered as the kernel's own size
    When I call IOMMU_GET_HW_INFO with:
      | dev_id    | $dev_idev |
      | data_len  | 8     |
      | data_uptr | $buf  |
    Then it succeeds
    When I repeat the last call extended by 1 zero bytes
    Then the last two calls have the same outcome

  @HW_INFO.SIZE.LONGER
  Scenario: A struct one byte longer with a non-zero extra byte is refused
    When I call IOMMU_GET_HW_INFO with:
      | dev_id    | $dev_idev |
      | data_len  | 8     |
      | data_uptr | $buf  |
    Then it succeeds
    When I repeat the last call extended by 1 zero bytes
    And I repeat the last call with byte 40 set to 0xff
    Then it fails with E2BIG
