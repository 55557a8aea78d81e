@hwpt
Feature: IOMMU_HWPT_ALLOC makes nested HWPTs over a nesting parent
  A nested HWPT is a user-managed stage-1 page table that the IOMMU walks
  through a kernel-managed nesting parent. It is allocated with the parent's
  id as pt_id and driver data describing the stage 1; the mock driver's data,
  struct iommu_hwpt_selftest, gives the initial value of its mock IOTLB.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And a paging HWPT for $dev_idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT as $parent
    And a paging HWPT for $dev_idev on $ioas with flags 0 as $plain
    And user memory holding an iommu_hwpt_selftest as $data:
      | field | value                    |
      | iotlb | IOMMU_TEST_IOTLB_DEFAULT |

  @HWPT_ALLOC.NESTED.CREATES @HWPT_ALLOC.OUT_ID
  Scenario: A nested HWPT starts with every IOTLB entry at the iotlb of its data
    When I allocate a nested HWPT for $dev_idev on $parent from 4 bytes of IOMMU_HWPT_DATA_SELFTEST at $data
    Then it succeeds
    And out_hwpt_id is $plain + 1
    And I remember out_hwpt_id as $nested
    And the IOTLB entries of $nested are IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT and IOMMU_TEST_IOTLB_DEFAULT

  @HWPT_ALLOC.NESTED.CREATES
  Scenario: Two nested HWPTs share one parent, each with its own IOTLB
    Given user memory holding an iommu_hwpt_selftest as $other_data:
      | field | value |
      | iotlb | 0x5a5 |
    And a nested HWPT for $dev_idev on $parent from 4 bytes of $data as $first
    And a nested HWPT for $dev_idev on $parent from 4 bytes of $other_data as $second
    Then $first and $second are different
    And the IOTLB entries of $first are IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT and IOMMU_TEST_IOTLB_DEFAULT
    And the IOTLB entries of $second are 0x5a5, 0x5a5, 0x5a5 and 0x5a5

  @HWPT_ALLOC.NESTED.PARENT_BUSY
  Scenario: The parent cannot be destroyed while a nested HWPT uses it
    Given a nested HWPT for $dev_idev on $parent from 4 bytes of $data as $first
    And a nested HWPT for $dev_idev on $parent from 4 bytes of $data as $second
    When I destroy $parent
    Then it fails with EBUSY
    When I destroy $first
    Then it succeeds
    When I destroy $parent
    Then it fails with EBUSY
    When I destroy $second
    Then it succeeds
    When I destroy $parent
    Then it succeeds
    When I destroy $plain
    Then it succeeds

  @HWPT_ALLOC.NESTED.PARENT_BUSY @HWPT_ALLOC.PAGING.CREATES
  Scenario: The IOAS stays busy while a nested HWPT holds its parent
    Given a nested HWPT for $dev_idev on $parent from 4 bytes of $data as $nested
    When I destroy $dev
    Then it succeeds
    When I destroy $plain
    Then it succeeds
    When I destroy $ioas
    Then it fails with EBUSY
    When I destroy $parent
    Then it fails with EBUSY
    When I destroy $nested
    Then it succeeds
    When I destroy $parent
    Then it succeeds
    When I destroy $ioas
    Then it succeeds

  @HWPT_ALLOC.DATA.NONE_WITH_LENGTH
  Scenario: Data with data_type IOMMU_HWPT_DATA_NONE is refused on a parent too
    When I allocate a nested HWPT for $dev_idev on $parent from 8 bytes of IOMMU_HWPT_DATA_NONE at $data
    Then it fails with EINVAL

  @HWPT_ALLOC.NESTED.NO_DATA
  Scenario: A nested HWPT without data is refused
    When I allocate a HWPT for $dev_idev on $parent with flags 0
    Then it fails with EOPNOTSUPP

  @HWPT_ALLOC.NESTED.DATA_TYPE
  Scenario Outline: A nested HWPT with data of another driver is refused: <type>
    When I allocate a nested HWPT for $dev_idev on $parent from 4 bytes of <type> at $data
    Then it fails with EOPNOTSUPP

    Examples:
      | type                         |
      | IOMMU_HWPT_DATA_SELFTEST + 1 |
      | IOMMU_HWPT_DATA_VTD_S1       |
      | IOMMU_HWPT_DATA_ARM_SMMUV3   |
      | IOMMU_HWPT_DATA_AMD_GUEST    |

  @HWPT_ALLOC.DATA.TOO_SHORT
  Scenario Outline: Data shorter than the first version of the struct is refused: <len> bytes
    When I allocate a nested HWPT for $dev_idev on $parent from <len> bytes of IOMMU_HWPT_DATA_SELFTEST at $data
    Then it fails with EINVAL

    Examples:
      | len |
      | 1   |
      | 3   |

  @HWPT_ALLOC.DATA.LONGER @linux
  Scenario Outline: Data longer than the driver's struct is refused even with a zero tail: <len> bytes
    When I allocate a nested HWPT for $dev_idev on $parent from <len> bytes of IOMMU_HWPT_DATA_SELFTEST at $data
    Then it fails with EINVAL

    Examples:
      | len  |
      | 9    |
      | 16   |
      | 4096 |

  @HWPT_ALLOC.DATA.UNREADABLE
  Scenario: Data at a NULL pointer cannot be read
    When I allocate a nested HWPT for $dev_idev on $parent from 4 bytes of IOMMU_HWPT_DATA_SELFTEST at 0
    Then it fails with EFAULT
    When I allocate a HWPT for $dev_idev on $ioas with flags 0
    Then it succeeds
    And out_hwpt_id is $plain + 1

  @HWPT_ALLOC.DATA.UNREADABLE
  Scenario: Data at an unmapped address cannot be read
    Given an unmapped user address as $gone
    When I allocate a nested HWPT for $dev_idev on $parent from 4 bytes of IOMMU_HWPT_DATA_SELFTEST at $gone
    Then it fails with EFAULT

  @HWPT_ALLOC.NESTED.FLAGS
  Scenario Outline: A nested HWPT refuses paging-only flags: <flags>
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value                    |
      | dev_id    | $dev_idev                    |
      | pt_id     | $parent                  |
      | flags     | <flags>                  |
      | data_type | IOMMU_HWPT_DATA_SELFTEST |
      | data_len  | 4                        |
      | data_uptr | $data                    |
    Then it fails with EOPNOTSUPP

    Examples:
      | flags                           |
      | IOMMU_HWPT_ALLOC_NEST_PARENT    |
      | IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
      | 0x80000000                      |

  @HWPT_ALLOC.NESTED.FLAGS
  Scenario: The flags are checked before the parent
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value                        |
      | dev_id    | $dev_idev                        |
      | pt_id     | $plain                       |
      | flags     | IOMMU_HWPT_ALLOC_NEST_PARENT |
      | data_type | IOMMU_HWPT_DATA_SELFTEST     |
      | data_len  | 4                            |
      | data_uptr | $data                        |
    Then it fails with EOPNOTSUPP

  @HWPT_ALLOC.NESTED.PARENT
  Scenario Outline: The parent must be a nesting parent: <what>
    When I allocate a nested HWPT for $dev_idev on <parent> from 4 bytes of IOMMU_HWPT_DATA_SELFTEST at $data
    Then it fails with EINVAL

    Examples:
      | what                                | parent    |
      | a paging HWPT without NEST_PARENT   | $plain    |
      | the device's automatic domain       | $dev_hwpt |

  @HWPT_ALLOC.NESTED.PARENT
  Scenario: The parent is checked before the data is read
    When I allocate a nested HWPT for $dev_idev on $plain from 4 bytes of IOMMU_HWPT_DATA_SELFTEST at 0
    Then it fails with EINVAL

  @HWPT_ALLOC.PT_ID.WRONG_KIND
  Scenario: A nested HWPT cannot sit on a nested HWPT
    Given a nested HWPT for $dev_idev on $parent from 4 bytes of $data as $nested
    When I allocate a nested HWPT for $dev_idev on $nested from 4 bytes of IOMMU_HWPT_DATA_SELFTEST at $data
    Then it fails with EINVAL

  @HWPT_ALLOC.FAULT_ID.UNKNOWN
  Scenario Outline: A nested HWPT with IOMMU_HWPT_FAULT_ID_VALID needs a fault queue: fault_id <id>
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value                     |
      | dev_id    | $dev_idev                     |
      | pt_id     | $parent                   |
      | flags     | IOMMU_HWPT_FAULT_ID_VALID |
      | data_type | IOMMU_HWPT_DATA_SELFTEST  |
      | data_len  | 4                         |
      | data_uptr | $data                     |
      | fault_id  | <id>                      |
    Then it fails with ENOENT
    When I destroy $parent
    Then it succeeds

    Examples:
      | id         |
      | 0xffffffff |
      | $parent    |

  @HWPT_ALLOC.DEV_ID.NOT_A_DEVICE
  Scenario Outline: A nested HWPT needs a device too: dev_id <id>
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value                    |
      | dev_id    | <id>                     |
      | pt_id     | $parent                  |
      | data_type | IOMMU_HWPT_DATA_SELFTEST |
      | data_len  | 4                        |
      | data_uptr | $data                    |
    Then it fails with ENOENT

    Examples:
      | id      |
      | 0       |
      | $parent |
