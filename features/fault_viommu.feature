@fault
Feature: A nested HWPT on a vIOMMU delivers page faults like one on a nesting parent
  The selftest's viommu_alloc_nested_iopf: a fault-capable nested HWPT
  allocated on a vIOMMU, the device attached to it through its vDEVICE, a
  fault raised, read and answered.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And a paging HWPT for $dev_idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT as $parent
    And a selftest vIOMMU for $dev_idev on $parent as $viommu
    And user memory holding an iommu_hwpt_selftest as $data:
      | field | value                    |
      | iotlb | IOMMU_TEST_IOTLB_DEFAULT |
    And a fault queue as $fault
    And a nested HWPT for $dev_idev on $viommu from 4 bytes of $data with faults to $fault as $iopf

  @FAULT.IOPF.VIOMMU @FAULT.WRITE.RESPOND
  Scenario: The device on the vIOMMU's fault-capable HWPT raises a fault, read and answered
    When I replace the page table of $dev with $iopf
    Then it fails with ENOENT
    Given a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    When I replace the page table of $dev with $iopf
    Then it succeeds
    When I destroy $iopf
    Then it fails with EBUSY
    Given the mock device $dev_idev raised a page fault
    When I read 40 bytes from $fault_fd
    Then it returns 40
    And iommu_hwpt_pgfault record 1 of the read has:
      | field  | value      |
      | dev_id | $dev_idev  |
      | pasid  | 1          |
      | addr   | 0xdeadbeaf |
    And I remember cookie of iommu_hwpt_pgfault record 1 of the read as $cookie
    When I answer cookie $cookie with IOMMUFD_PAGE_RESP_SUCCESS on $fault_fd
    Then it returns 8
    When I replace the page table of $dev with $ioas
    Then it succeeds
    When I destroy $iopf
    Then it succeeds
