@fault
Feature: The kernel answers pending faults itself when their attachment ends
  Groups still waiting, to be read or to be answered, when the device leaves
  the HWPT they came through (a detach or a replace) are answered with
  IOMMUFD_PAGE_RESP_INVALID by the kernel: they can no longer be read and
  their cookies are refused. Which HWPT a page request reaches depends on
  what the device and its PASIDs are attached to.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And a paging HWPT for $dev_idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT as $parent
    And user memory holding an iommu_hwpt_selftest as $data:
      | field | value                    |
      | iotlb | IOMMU_TEST_IOTLB_DEFAULT |
    And a fault queue as $fault
    And a nested HWPT for $dev_idev on $parent from 4 bytes of $data with faults to $fault as $iopf
    And I replace the page table of $dev with $iopf
    And it succeeds

  @FAULT.AUTO.REPLACE
  Scenario: Replacing the HWPT answers the groups read and those not yet read
    Given the mock device $dev_idev raised a page fault at 0x1000
    And the mock device $dev_idev raised a page fault at 0x2000
    And I read 40 bytes from $fault_fd
    And it returns 40
    When I replace the page table of $dev with $parent
    Then it succeeds
    And polling $fault_fd for POLLIN | POLLOUT reports POLLOUT
    When I read 40 bytes from $fault_fd
    Then it returns 0
    When I answer cookie 1 with IOMMUFD_PAGE_RESP_SUCCESS on $fault_fd
    Then it fails with EINVAL

  @FAULT.AUTO.REPLACE
  Scenario: A replace by another HWPT with faults to the same queue answers the old attachment's groups only
    Given a nested HWPT for $dev_idev on $parent from 4 bytes of $data with faults to $fault as $iopf2
    And the mock device $dev_idev raised a page fault at 0x1000
    When I replace the page table of $dev with $iopf2
    Then it succeeds
    Given the mock device $dev_idev raised a page fault at 0x2000
    When I read 80 bytes from $fault_fd
    Then it returns 40
    And iommu_hwpt_pgfault record 1 of the read has:
      | field  | value  |
      | addr   | 0x2000 |
      | cookie | 1      |

  @FAULT.AUTO.DETACH
  Scenario: Destroying the device detaches it and answers its pending groups
    Given the mock device $dev_idev raised a page fault at 0x1000
    And the mock device $dev_idev raised a page fault at 0x2000
    And I read 40 bytes from $fault_fd
    And it returns 40
    When I destroy $dev
    Then it succeeds
    When I read 40 bytes from $fault_fd
    Then it returns 0
    When I answer cookie 1 with IOMMUFD_PAGE_RESP_SUCCESS on $fault_fd
    Then it fails with EINVAL
    When I destroy $iopf
    Then it succeeds
    When I close $fault_fd
    Then it succeeds
    When I destroy $fault
    Then it succeeds

  @FAULT.AUTO.DETACH
  Scenario: Faults of another device on the same queue stay
    Given a mock device attached to $ioas as $other
    And I replace the page table of $other with $iopf
    And it succeeds
    And the mock device $dev_idev raised a page fault at 0x1000
    And the mock device $other_idev raised a page fault at 0x2000
    When I destroy $dev
    Then it succeeds
    When I read 80 bytes from $fault_fd
    Then it returns 40
    And iommu_hwpt_pgfault record 1 of the read has:
      | field  | value        |
      | dev_id | $other_idev  |
      | addr   | 0x2000       |

  @FAULT.IOPF.NO_HANDLER
  Scenario: A fault on a device whose HWPT has no fault queue is answered by the core
    When I replace the page table of $dev with $parent
    Then it succeeds
    When the mock device $dev_idev raises a page fault with PASID 0, group 1, permissions IOMMU_PGFAULT_PERM_READ at 0x1000
    Then it succeeds
    When I read 40 bytes from $fault_fd
    Then it returns 0

  @FAULT.IOPF.DELIVER @FAULT.IOPF.PASID_FALLBACK
  Scenario: Without a PASID the record says so; with an unattached PASID the nested HWPT of the device takes it
    When the mock device $dev_idev raises a page fault with PASID 0, group 7, permissions IOMMU_PGFAULT_PERM_EXEC at 0x5000
    Then it succeeds
    When the mock device $dev_idev raises a page fault with PASID 99, group 8, permissions IOMMU_PGFAULT_PERM_PRIV at 0x6000
    Then it succeeds
    When I read 80 bytes from $fault_fd
    Then it returns 80
    And iommu_hwpt_pgfault record 1 of the read has:
      | field | value                         |
      | flags | IOMMU_PGFAULT_FLAGS_LAST_PAGE |
      | pasid | 0                             |
      | grpid | 7                             |
      | perm  | IOMMU_PGFAULT_PERM_EXEC       |
      | addr  | 0x5000                        |
    And iommu_hwpt_pgfault record 2 of the read has:
      | field | value                                                            |
      | flags | IOMMU_PGFAULT_FLAGS_PASID_VALID \| IOMMU_PGFAULT_FLAGS_LAST_PAGE |
      | pasid | 99                                                               |
      | grpid | 8                                                                |
      | perm  | IOMMU_PGFAULT_PERM_PRIV                                          |

  @FAULT.CONTEXT.HELD
  Scenario: The queue's file keeps the iommufd: closing it leaves the faults readable
    Given the mock device $dev_idev raised a page fault at 0x1000
    When I close the iommufd
    And I read 40 bytes from $fault_fd
    Then it returns 40
    And iommu_hwpt_pgfault record 1 of the read has:
      | field  | value  |
      | addr   | 0x1000 |
      | cookie | 1      |
    When I answer cookie 1 with IOMMUFD_PAGE_RESP_SUCCESS on $fault_fd
    Then it returns 8
    When I close $fault_fd
    Then it succeeds

  @FAULT.IOPF.PASID_FALLBACK @HWPT_ALLOC.FAULT_ID.PAGING
  Scenario: A paging HWPT with faults takes the device's own faults, not those of an unattached PASID
    Given a paging HWPT for $dev_idev on $ioas with flags 0 and faults to $fault as $paging
    When I replace the page table of $dev with $paging
    Then it succeeds
    When the mock device $dev_idev raises a page fault with PASID 5, group 1, permissions IOMMU_PGFAULT_PERM_READ at 0x1000
    Then it succeeds
    When the mock device $dev_idev raises a page fault with PASID 0, group 2, permissions IOMMU_PGFAULT_PERM_READ at 0x2000
    Then it succeeds
    When I read 80 bytes from $fault_fd
    Then it returns 40
    And iommu_hwpt_pgfault record 1 of the read has:
      | field | value                         |
      | flags | IOMMU_PGFAULT_FLAGS_LAST_PAGE |
      | grpid | 2                             |
      | addr  | 0x2000                        |
