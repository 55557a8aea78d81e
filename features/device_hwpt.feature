@device
Feature: Devices on manually allocated HWPTs
  A HWPT made with IOMMU_HWPT_ALLOC is a page table of its IOAS that devices
  attach to by its id. It is never chosen as an automatic domain, stays until
  destroyed, and is busy while a device uses it.

  Background:
    Given the backend implements IOMMU_HWPT_ALLOC
    And an open iommufd
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev

  @DEVICE.REPLACE.HWPT @DEVICE.DESTROY.HWPT_BUSY
  Scenario: A device rotates through manual HWPTs and back to its IOAS
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | 0 |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $h0
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_NEST_PARENT |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $h1
    When I replace the page table of $dev with $h0
    Then it succeeds
    And mock_domain_replace.pt_id is $h0
    When I destroy $h0
    Then it fails with EBUSY
    When I replace the page table of $dev with $h1
    Then it succeeds
    When I destroy $h1
    Then it fails with EBUSY
    When I replace the page table of $dev with $ioas
    Then it succeeds
    When I destroy $h1
    Then it succeeds
    When I destroy $h0
    Then it succeeds

  @DEVICE.ATTACH.HWPT
  Scenario: A new device attached to a manual HWPT uses it and leaves it when destroyed
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | 0 |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $h0
    When I attach a mock device to $h0
    Then it succeeds
    And mock_domain.out_hwpt_id is $h0
    And I remember mock_domain.out_stdev_id as $direct
    When I destroy $h0
    Then it fails with EBUSY
    When I destroy $direct
    Then it succeeds
    When I destroy $h0
    Then it succeeds

  @DEVICE.ATTACH.AUTO_DOMAIN_REUSED
  Scenario: A manual HWPT is never picked as an automatic domain
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | 0 |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $h0
    When I replace the page table of $dev with $h0
    Then it succeeds
    When I attach a mock device to $ioas
    Then it succeeds
    And mock_domain.out_hwpt_id is not $h0

  @DEVICE.NO_DIRTY.DIRTY_HWPT
  Scenario: A device without dirty tracking cannot use a dirty-tracking HWPT
    When I call IOMMU_HWPT_ALLOC with:
      | field  | value |
      | flags  | IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
      | dev_id | $dev_idev |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $dirty
    When I attach a mock device to $dirty
    Then it succeeds
    When I attach a mock device with flags MOCK_FLAGS_DEVICE_NO_DIRTY to $dirty
    Then it fails with EINVAL
    Given a mock device with flags MOCK_FLAGS_DEVICE_NO_DIRTY attached to $ioas as $nd
    When I replace the page table of $nd with $dirty
    Then it fails with EINVAL
    When I replace the page table of $nd with $ioas
    Then it succeeds
    And mock_domain_replace.pt_id is $nd_hwpt

  @DEVICE.REPLACE.HWPT @DEVICE.DESTROY.HWPT_BUSY
  Scenario: A device moves between nested HWPTs, each busy while it is attached
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
      | dev_id    | $dev_idev                |
      | pt_id     | $parent                  |
      | data_type | IOMMU_HWPT_DATA_SELFTEST |
      | data_len  | 4                        |
      | data_uptr | $data                    |
    Then it succeeds
    And I remember out_hwpt_id as $nested
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value                    |
      | dev_id    | $dev_idev                |
      | pt_id     | $parent                  |
      | data_type | IOMMU_HWPT_DATA_SELFTEST |
      | data_len  | 4                        |
      | data_uptr | $data                    |
    Then it succeeds
    And I remember out_hwpt_id as $nested2
    When I replace the page table of $dev with $nested
    Then it succeeds
    When I destroy $nested
    Then it fails with EBUSY
    When I replace the page table of $dev with $nested2
    Then it succeeds
    When I destroy $nested2
    Then it fails with EBUSY
    When I destroy $nested
    Then it succeeds
    When I replace the page table of $dev with $parent
    Then it succeeds
    When I destroy $nested2
    Then it succeeds
    When I replace the page table of $dev with $ioas
    Then it succeeds
    When I destroy $parent
    Then it succeeds
