@fault
Feature: Page faults of a PASID reach the fault queue of the HWPT that PASID is attached to
  A PASID attached to a fault-capable HWPT (allocated with
  IOMMU_HWPT_ALLOC_PASID) takes the page requests that carry it; the record
  names the PASID, and detaching the PASID answers its pending groups.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device with flags MOCK_FLAGS_DEVICE_PASID attached to $ioas as $dev
    And a paging HWPT for $dev_idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT as $parent
    And a paging HWPT for $dev_idev on $ioas with flags IOMMU_HWPT_ALLOC_PASID as $s2
    And user memory holding an iommu_hwpt_selftest as $data:
      | field | value                    |
      | iotlb | IOMMU_TEST_IOTLB_DEFAULT |
    And a fault queue as $fault
    And a nested HWPT for $dev_idev on $parent from 4 bytes of $data with flags IOMMU_HWPT_ALLOC_PASID and faults to $fault as $iopf
    And I replace the page table of $dev with $s2
    And it succeeds

  @FAULT.IOPF.PASID @FAULT.IOPF.DELIVER @FAULT.AUTO.DETACH @FAULT.BUSY.HWPT
  Scenario: A fault on an attached PASID is read with that PASID; detaching the PASID answers what is pending
    When I attach PASID 2048 of $dev to $iopf
    Then it succeeds
    When I destroy $iopf
    Then it fails with EBUSY
    When the mock device $dev_idev raises a page fault with PASID 2048, group 3, permissions IOMMU_PGFAULT_PERM_WRITE at 0x7000
    Then it succeeds
    When I read 40 bytes from $fault_fd
    Then it returns 40
    And iommu_hwpt_pgfault record 1 of the read has:
      | field  | value                                                            |
      | flags  | IOMMU_PGFAULT_FLAGS_PASID_VALID \| IOMMU_PGFAULT_FLAGS_LAST_PAGE |
      | dev_id | $dev_idev                                                        |
      | pasid  | 2048                                                             |
      | grpid  | 3                                                                |
      | addr   | 0x7000                                                           |
    When the mock device $dev_idev raises a page fault with PASID 2048, group 4, permissions IOMMU_PGFAULT_PERM_WRITE at 0x8000
    Then it succeeds
    When I detach PASID 2048 of $dev
    Then it succeeds
    When I read 40 bytes from $fault_fd
    Then it returns 0
    When I answer cookie 1 with IOMMUFD_PAGE_RESP_SUCCESS on $fault_fd
    Then it fails with EINVAL
    When I destroy $iopf
    Then it succeeds

  @FAULT.IOPF.PASID @FAULT.IOPF.NO_HANDLER
  Scenario: A fault on another PASID, with a paging HWPT on the device, reaches no queue
    When I attach PASID 2048 of $dev to $iopf
    Then it succeeds
    When the mock device $dev_idev raises a page fault with PASID 7, group 3, permissions IOMMU_PGFAULT_PERM_READ at 0x7000
    Then it succeeds
    When I read 40 bytes from $fault_fd
    Then it returns 0
