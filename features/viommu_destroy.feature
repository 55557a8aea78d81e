@viommu
Feature: The order in which the vIOMMU family is destroyed
  A vIOMMU holds its nesting parent; its vDEVICEs, nested HWPTs, HW queues
  (and vEVENTQs) hold it; a HW queue holds the one before it and its pinned
  pages. IOMMU_DESTROY takes them leaves first. Unbinding a device first takes
  its vDEVICE with it; closing the iommufd takes everything, once no mapping
  of an exported region keeps the file open.

  Background:
    Given an open iommufd
    And another open iommufd as $other
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And a paging HWPT for $dev_idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT as $parent
    And 0x2000 bytes of user memory as $buf
    And 0x1000 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    And user memory holding an iommu_viommu_selftest as $vdata:
      | field   | value  |
      | in_data | 0xbeef |
    And user memory holding an iommu_hwpt_selftest as $data:
      | field | value                    |
      | iotlb | IOMMU_TEST_IOTLB_DEFAULT |
    When I allocate a selftest vIOMMU for $dev_idev on $parent from 24 bytes at $vdata
    Then it succeeds
    And I remember out_viommu_id as $viommu
    Given a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    And a nested HWPT for $dev_idev on $viommu from 4 bytes of $data as $nested
    And a selftest HW queue with index 0 for 0x800 bytes at IOVA MOCK_APERTURE_START on $viommu as $q0
    And a selftest HW queue with index 1 for 0x800 bytes at IOVA MOCK_APERTURE_START + 0x800 on $viommu as $q1

  @VIOMMU.DESTROY.ORDER
  Scenario: Leaves first: every object goes once nothing holds it
    When I destroy $viommu
    Then it fails with EBUSY
    When I destroy $parent
    Then it fails with EBUSY
    When I destroy $q0
    Then it fails with EBUSY
    When I destroy $q1
    Then it succeeds
    When I destroy $q0
    Then it succeeds
    When I destroy $viommu
    Then it fails with EBUSY
    When I destroy $nested
    Then it succeeds
    When I destroy $viommu
    Then it fails with EBUSY
    When I destroy $vdev
    Then it succeeds
    When I destroy $viommu
    Then it succeeds
    When I destroy $parent
    Then it succeeds
    When I unmap 0x1000 bytes at IOVA MOCK_APERTURE_START from $ioas
    Then it succeeds

  @VIOMMU.DESTROY.DEVICE_FIRST @VDEVICE.TOMBSTONE
  Scenario: A device attached to a nested HWPT of the vIOMMU goes first
    When I replace the page table of $dev with $nested
    Then it succeeds
    When I destroy $dev
    Then it succeeds
    When I destroy $vdev
    Then it fails with ENOENT
    When I destroy $nested
    Then it succeeds
    When I destroy $q1
    Then it succeeds
    When I destroy $q0
    Then it succeeds
    When I destroy $viommu
    Then it succeeds

  @VIOMMU.DESTROY.CLOSE
  Scenario: Closing the iommufd releases the vIOMMU and all it holds
    When I replace the page table of $dev with $nested
    Then it succeeds
    And through $other, the pages of the 0x1000 bytes at $buf are pinned 1 time
    When I close the iommufd
    Then through $other, the pages of the 0x1000 bytes at $buf are pinned 0 times

  @VIOMMU.DESTROY.MAPPED_FILE
  Scenario: A mapping of the vIOMMU's region keeps the closed iommufd alive until it is unmapped
    Given 0x2000 bytes of the iommufd mapped from offset 0x1000 as $m
    When I close the iommufd
    Then through $other, the pages of the 0x1000 bytes at $buf are pinned 1 time
    When I unmap the 0x2000 bytes at $m
    Then through $other, the pages of the 0x1000 bytes at $buf are pinned 0 times
