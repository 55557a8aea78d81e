@pasid
Feature: PASIDs on PASID-compatible HWPTs
  A HWPT allocated with IOMMU_HWPT_ALLOC_PASID can be attached to any PASID of
  a PASID-capable device, as long as the device itself is attached to such a
  HWPT too. These scenarios allocate their HWPTs with IOMMU_HWPT_ALLOC.

  Background:
    Given the backend implements IOMMU_HWPT_ALLOC
    And an open iommufd
    And an IOAS as $ioas
    And a mock device with flags MOCK_FLAGS_DEVICE_PASID attached to $ioas as $dev

  @PASID.ATTACH.COMPAT_HWPT @PASID.DETACH.ANY
  Scenario: A PASID is attached to a PASID-compatible HWPT, which is busy until the PASID detaches
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $s2
    When I replace the page table of $dev with $s2
    Then it succeeds
    When I attach PASID 100 of $dev to $s2
    Then it succeeds
    And pasid_attach.pt_id is $s2
    And PASID 100 of $dev is attached to $s2
    And PASID 0 of $dev is attached to $s2
    And PASID 200 of $dev is attached to nothing
    When I replace the page table of $dev with $ioas
    Then it fails with EINVAL
    When I detach PASID 100 of $dev
    Then it succeeds
    And PASID 100 of $dev is attached to nothing
    When I replace the page table of $dev with $ioas
    Then it succeeds
    When I destroy $s2
    Then it succeeds

  @PASID.ATTACH.COMPAT_HWPT
  Scenario: A PASID keeps its HWPT busy while the device itself is elsewhere
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $s2
    When I replace the page table of $dev with $s2
    Then it succeeds
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $s2b
    When I attach PASID 100 of $dev to $s2b
    Then it succeeds
    When I destroy $s2b
    Then it fails with EBUSY
    When I detach PASID 100 of $dev
    Then it succeeds
    When I destroy $s2b
    Then it succeeds

  @PASID.ATTACH.RID_NOT_COMPAT
  Scenario: A device on a HWPT that is not PASID-compatible attaches no PASID
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $s2
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_NEST_PARENT |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $parent
    When I attach PASID 100 of $dev to $s2
    Then it fails with EINVAL
    When I replace the page table of $dev with $parent
    Then it succeeds
    When I attach PASID 100 of $dev to $s2
    Then it fails with EINVAL
    And PASID 100 of $dev is attached to nothing
    When I replace the page table of $dev with $s2
    Then it succeeds
    When I attach PASID 100 of $dev to $s2
    Then it succeeds
    # A PASID still attached at close would keep its device (the kernel WARNs): detach it.
    When I detach PASID 100 of $dev
    Then it succeeds

  @PASID.ATTACH.BLOCKS_RID
  Scenario: While a PASID is attached the device cannot move to a HWPT that is not PASID-compatible
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $s2
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_NEST_PARENT |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $parent
    When I replace the page table of $dev with $s2
    Then it succeeds
    When I attach PASID 100 of $dev to $s2
    Then it succeeds
    When I replace the page table of $dev with $parent
    Then it fails with EINVAL
    And PASID 0 of $dev is attached to $s2
    When I detach PASID 100 of $dev
    Then it succeeds
    When I replace the page table of $dev with $parent
    Then it succeeds
    And PASID 0 of $dev is attached to $parent

  @PASID.ATTACH.NOT_COMPAT
  Scenario: A PASID is not attached to a HWPT allocated without IOMMU_HWPT_ALLOC_PASID
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $s2
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_NEST_PARENT |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $parent
    When I replace the page table of $dev with $s2
    Then it succeeds
    When I attach PASID 100 of $dev to $parent
    Then it fails with EINVAL
    And PASID 100 of $dev is attached to nothing
    When I attach PASID 100 of $dev to $ioas
    Then it fails with EINVAL
    And PASID 100 of $dev is attached to nothing

  @PASID.ATTACH.NOT_CAPABLE
  Scenario: A device without PASID support attaches no PASID, even from a PASID-compatible HWPT
    Given a mock device attached to $ioas as $plain
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $s2
    When I replace the page table of $plain with $s2
    Then it succeeds
    When I attach PASID 100 of $plain to $s2
    Then it fails with EINVAL
    And PASID 100 of $plain is attached to nothing
    When I attach PASID 1 of $plain to $s2
    Then it fails with EINVAL

  @PASID.ATTACH.WIDTH
  Scenario: PASIDs go up to the device's PASID width
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $s2
    When I replace the page table of $dev with $s2
    Then it succeeds
    When I attach PASID 0x100000 of $dev to $s2
    Then it fails with EINVAL
    When I attach PASID 0xffffffff of $dev to $s2
    Then it fails with EINVAL
    When I attach PASID 0xfffff of $dev to $s2
    Then it succeeds
    And PASID 0xfffff of $dev is attached to $s2
    # A PASID still attached at close would keep its device (the kernel WARNs): detach it.
    When I detach PASID 0xfffff of $dev
    Then it succeeds

  @PASID.ATTACH.BUSY
  Scenario: An attached PASID is not attached again: a change is a replace
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $s2
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $s2b
    When I replace the page table of $dev with $s2
    Then it succeeds
    When I attach PASID 100 of $dev to $s2
    Then it succeeds
    When I attach PASID 100 of $dev to $s2
    Then it fails with EBUSY
    When I attach PASID 100 of $dev to $s2b
    Then it fails with EBUSY
    And PASID 100 of $dev is attached to $s2
    # A PASID still attached at close would keep its device (the kernel WARNs): detach it.
    When I detach PASID 100 of $dev
    Then it succeeds

  @PASID.REPLACE.HWPT
  Scenario: Replacing the HWPT of a PASID moves it and frees the old one
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $s2
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $s2b
    When I replace the page table of $dev with $s2
    Then it succeeds
    When I attach PASID 200 of $dev to $s2b
    Then it succeeds
    When I replace the page table of PASID 200 of $dev with $s2
    Then it succeeds
    And pasid_attach.pt_id is $s2
    And PASID 200 of $dev is attached to $s2
    When I destroy $s2b
    Then it succeeds
    When I replace the page table of PASID 200 of $dev with $s2
    Then it succeeds
    And PASID 200 of $dev is attached to $s2
    # A PASID still attached at close would keep its device (the kernel WARNs): detach it.
    When I detach PASID 200 of $dev
    Then it succeeds

  @PASID.REPLACE.IOAS
  Scenario: A PASID cannot be moved to an IOAS
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $s2
    When I replace the page table of $dev with $s2
    Then it succeeds
    When I attach PASID 200 of $dev to $s2
    Then it succeeds
    When I replace the page table of PASID 200 of $dev with $ioas
    Then it fails with EINVAL
    And PASID 200 of $dev is attached to $s2
    # A PASID still attached at close would keep its device (the kernel WARNs): detach it.
    When I detach PASID 200 of $dev
    Then it succeeds

  @PASID.REPLACE.FAILED_KEEPS
  Scenario: A replace the driver fails keeps the PASID on its HWPT
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $s2
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $s2b
    When I replace the page table of $dev with $s2
    Then it succeeds
    When I attach PASID IOMMU_TEST_PASID_RESERVED of $dev to $s2
    Then it succeeds
    When I replace the page table of PASID IOMMU_TEST_PASID_RESERVED of $dev with $s2b
    Then it fails with ENOMEM
    And PASID IOMMU_TEST_PASID_RESERVED of $dev is attached to $s2
    # The mock fails only every second attach: the next replace goes through.
    When I replace the page table of PASID IOMMU_TEST_PASID_RESERVED of $dev with $s2b
    Then it succeeds
    And PASID IOMMU_TEST_PASID_RESERVED of $dev is attached to $s2b
    When I detach PASID IOMMU_TEST_PASID_RESERVED of $dev
    Then it succeeds
    And PASID IOMMU_TEST_PASID_RESERVED of $dev is attached to nothing

  @PASID.ATTACH.COMPAT_HWPT @PASID.REPLACE.HWPT @DEVICE.ATTACH.HWPT
  Scenario: The device and its PASIDs attach to nested HWPTs over a nesting parent
    Given 4096 bytes of user memory as $data
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value                        |
      | flags  | IOMMU_HWPT_ALLOC_NEST_PARENT |
      | dev_id | $dev_idev                    |
      | pt_id  | $ioas                        |
    Then it succeeds
    And I remember out_hwpt_id as $parent
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value                    |
      | flags     | IOMMU_HWPT_ALLOC_PASID   |
      | dev_id    | $dev_idev                |
      | pt_id     | $parent                  |
      | data_type | IOMMU_HWPT_DATA_SELFTEST |
      | data_len  | 4                        |
      | data_uptr | $data                    |
    Then it succeeds
    And I remember out_hwpt_id as $nested
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value                    |
      | flags     | IOMMU_HWPT_ALLOC_PASID   |
      | dev_id    | $dev_idev                |
      | pt_id     | $parent                  |
      | data_type | IOMMU_HWPT_DATA_SELFTEST |
      | data_len  | 4                        |
      | data_uptr | $data                    |
    Then it succeeds
    And I remember out_hwpt_id as $nested2
    When I replace the page table of $dev with $nested
    Then it succeeds
    And mock_domain_replace.pt_id is $nested
    # The parent stays in its IOAS: the device still narrows it.
    And the IOVA ranges of $ioas are:
      | start               | last               |
      | MOCK_APERTURE_START | MOCK_APERTURE_LAST |
    When I attach PASID 100 of $dev to $nested
    Then it succeeds
    When I replace the page table of PASID 100 of $dev with $nested2
    Then it succeeds
    And PASID 100 of $dev is attached to $nested2
    When I destroy $parent
    Then it fails with EBUSY
    When I detach PASID 100 of $dev
    Then it succeeds
    When I replace the page table of $dev with $ioas
    Then it succeeds
    When I destroy $nested
    Then it succeeds
    When I destroy $nested2
    Then it succeeds
    When I destroy $parent
    Then it succeeds

  @PASID.REPLACE.HWPT @DEVICE.REPLACE.IOAS
  Scenario: The sequence of iommufd_fail_nth's device test: replace to another IOAS and to a HWPT, then a PASID attach, replace and detach
    Given 4096 bytes of user memory as $buf
    And 4096 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    And an IOAS as $ioas2
    And 4096 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas2
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value                  |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev              |
      | pt_id  | $ioas                  |
    Then it succeeds
    And I remember out_hwpt_id as $hwpt
    When I replace the page table of $dev with $ioas2
    Then it succeeds
    When I replace the page table of $dev with $hwpt
    Then it succeeds
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value                                                 |
      | flags  | IOMMU_HWPT_ALLOC_NEST_PARENT \| IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev                                             |
      | pt_id  | $ioas                                                 |
    Then it succeeds
    And I remember out_hwpt_id as $parent
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value                  |
      | flags  | IOMMU_HWPT_ALLOC_PASID |
      | dev_id | $dev_idev              |
      | pt_id  | $ioas                  |
    Then it succeeds
    And I remember out_hwpt_id as $test_hwpt
    When I attach PASID 200 of $dev to $parent
    Then it succeeds
    When I replace the page table of PASID 200 of $dev with $test_hwpt
    Then it succeeds
    When I detach PASID 200 of $dev
    Then it succeeds
    And PASID 200 of $dev is attached to nothing
