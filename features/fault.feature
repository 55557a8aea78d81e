@fault
Feature: I/O page fault queues deliver a device's page requests and take the responses
  A fault queue (IOMMU_FAULT_QUEUE_ALLOC) is an object with a file. A HWPT
  allocated with IOMMU_HWPT_FAULT_ID_VALID and the queue's id sends the page
  requests of the devices attached to it there; reading the file gives each
  request as a struct iommu_hwpt_pgfault with a cookie, and writing a struct
  iommu_hwpt_page_response with that cookie answers its group. The mock
  device raises a request with IOMMU_TEST_OP_TRIGGER_IOPF; every group it
  raises is one request, the last of its group.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And a paging HWPT for $dev_idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT as $parent
    And user memory holding an iommu_hwpt_selftest as $data:
      | field | value                    |
      | iotlb | IOMMU_TEST_IOTLB_DEFAULT |
    And a fault queue as $fault

  @FAULT.IOPF.DELIVER @FAULT.WRITE.RESPOND @FAULT.POLL @FAULT.BUSY.HWPT @FAULT.READ.ONCE
  Scenario: The whole round trip: a fault-capable nested HWPT, a fault raised, read, answered
    Given a nested HWPT for $dev_idev on $parent from 4 bytes of $data with faults to $fault as $iopf
    When I replace the page table of $dev with $iopf
    Then it succeeds
    When I destroy $iopf
    Then it fails with EBUSY
    When I destroy $fault
    Then it fails with EBUSY
    Then polling $fault_fd for POLLIN | POLLOUT reports POLLOUT
    When the mock device $dev_idev raises a page fault with PASID 1, group 2, permissions IOMMU_PGFAULT_PERM_READ | IOMMU_PGFAULT_PERM_WRITE at 0xdeadbeaf
    Then it succeeds
    And polling $fault_fd for POLLIN | POLLRDNORM | POLLOUT reports POLLIN | POLLRDNORM | POLLOUT
    When I read 40 bytes from $fault_fd
    Then it returns 40
    And the read returned 1 iommu_hwpt_pgfault record
    And iommu_hwpt_pgfault record 1 of the read has:
      | field    | value                                                            |
      | flags    | IOMMU_PGFAULT_FLAGS_PASID_VALID \| IOMMU_PGFAULT_FLAGS_LAST_PAGE |
      | dev_id   | $dev_idev                                                        |
      | pasid    | 1                                                                |
      | grpid    | 2                                                                |
      | perm     | IOMMU_PGFAULT_PERM_READ \| IOMMU_PGFAULT_PERM_WRITE              |
      | __reserved | 0                                                              |
      | addr     | 0xdeadbeaf                                                       |
      | length   | 0                                                                |
      | cookie   | 1                                                                |
    And I remember cookie of iommu_hwpt_pgfault record 1 of the read as $cookie
    And polling $fault_fd for POLLIN | POLLOUT reports POLLOUT
    When I read 40 bytes from $fault_fd
    Then it returns 0
    When I answer cookie $cookie with IOMMUFD_PAGE_RESP_SUCCESS on $fault_fd
    Then it returns 8
    When I answer cookie $cookie with IOMMUFD_PAGE_RESP_SUCCESS on $fault_fd
    Then it fails with EINVAL
    When I replace the page table of $dev with $ioas
    Then it succeeds
    When I destroy $iopf
    Then it succeeds
    When I destroy $fault
    Then it fails with EBUSY

  @FAULT.ALLOC.CREATES
  Scenario: A fault queue is an object with a descriptor of its own
    When I call IOMMU_FAULT_QUEUE_ALLOC with no fields set
    Then it succeeds
    And out_fault_id is $fault + 1
    And out_fault_fd is $fault_fd + 1

  @FAULT.ALLOC.FLAGS
  Scenario Outline: A fault queue takes no flags: <flags>
    When I call IOMMU_FAULT_QUEUE_ALLOC with:
      | field | value   |
      | flags | <flags> |
    Then it fails with EOPNOTSUPP
    When I call IOMMU_FAULT_QUEUE_ALLOC with no fields set
    Then it succeeds
    And out_fault_id is $fault + 1

    Examples:
      | flags      |
      | 1          |
      | 0x80000000 |

  @FAULT.ALLOC.RESPOND_FAULT @linux
  Scenario: A reply that cannot be written back leaves no queue and no descriptor
    When I call IOMMU_FAULT_QUEUE_ALLOC in read-only memory with:
      | field | value |
      | flags | 0     |
    Then it fails with EFAULT
    When I call IOMMU_FAULT_QUEUE_ALLOC with no fields set
    Then it succeeds
    And out_fault_id is $fault + 1
    And out_fault_fd is $fault_fd + 1

  @FAULT.BUSY.FILE
  Scenario: The open descriptor keeps the queue; closing it lets the queue go
    When I destroy $fault
    Then it fails with EBUSY
    When I close $fault_fd
    Then it succeeds
    When I destroy $fault
    Then it succeeds

  @FAULT.BUSY.HWPT @FAULT.AUTO.DESTROY
  Scenario: A HWPT with faults to the queue keeps it until the HWPT is gone
    Given a nested HWPT for $dev_idev on $parent from 4 bytes of $data with faults to $fault as $iopf
    When I close $fault_fd
    Then it succeeds
    When I destroy $fault
    Then it fails with EBUSY
    When I destroy $iopf
    Then it succeeds
    When I destroy $fault
    Then it succeeds

  @FAULT.READ.EMPTY @FAULT.POLL
  Scenario: An empty queue reads as 0 bytes and polls writable only
    When I read 40 bytes from $fault_fd
    Then it returns 0
    When I read 0 bytes from $fault_fd
    Then it returns 0
    And polling $fault_fd for POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM reports POLLOUT

  @FAULT.IOPF.UNKNOWN_DEVICE
  Scenario: A fault raised on an id that is no device is refused
    When the mock device $fault raises a page fault with PASID 1, group 2, permissions IOMMU_PGFAULT_PERM_READ at 0x1000
    Then it fails with ENOENT

  @HWPT_ALLOC.FAULT_ID.UNKNOWN
  Scenario: A nested HWPT with IOMMU_HWPT_FAULT_ID_VALID and an id that names no queue is refused
    When I allocate a nested HWPT for $dev_idev on $parent from 4 bytes of $data with faults to 0xffffffff
    Then it fails with ENOENT
    When I allocate a nested HWPT for $dev_idev on $parent from 4 bytes of $data with faults to $parent
    Then it fails with ENOENT
