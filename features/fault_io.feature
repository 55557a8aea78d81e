@fault
Feature: Reading faults from a fault queue and writing responses to it
  A read takes whole fault groups while they fit and gives each group a
  cookie; a write takes iommu_hwpt_page_response records one by one until
  one is refused. Counts that are not whole records are refused, and the
  file has no position.

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

  @FAULT.READ.WHOLE_GROUPS @FAULT.COOKIE.DISTINCT @FAULT.IOPF.DELIVER
  Scenario: A read takes the groups that fit, in order; the rest wait for the next read
    Given the mock device $dev_idev raised a page fault at 0x1000
    And the mock device $dev_idev raised a page fault at 0x2000
    And the mock device $dev_idev raised a page fault at 0x3000
    When I read 80 bytes from $fault_fd
    Then it returns 80
    And iommu_hwpt_pgfault record 1 of the read has:
      | field  | value  |
      | addr   | 0x1000 |
      | cookie | 1      |
    And iommu_hwpt_pgfault record 2 of the read has:
      | field  | value  |
      | addr   | 0x2000 |
      | cookie | 2      |
    When I read 400 bytes from $fault_fd
    Then it returns 40
    And iommu_hwpt_pgfault record 1 of the read has:
      | field  | value  |
      | addr   | 0x3000 |
      | cookie | 3      |

  @FAULT.READ.WHOLE_GROUPS
  Scenario: A read too small for the first group is refused and takes nothing
    Given the mock device $dev_idev raised a page fault at 0x1000
    When I read 0 bytes from $fault_fd
    Then it fails with EINVAL
    When I read 40 bytes from $fault_fd
    Then it returns 40

  @FAULT.READ.SIZE
  Scenario Outline: A read of <count> bytes, no whole number of records, is refused
    Given the mock device $dev_idev raised a page fault at 0x1000
    When I read <count> bytes from $fault_fd
    Then it fails with ESPIPE
    When I read 40 bytes from $fault_fd
    Then it returns 40

    Examples:
      | count |
      | 1     |
      | 39    |
      | 41    |
      | 60    |

  @FAULT.READ.SIZE
  Scenario: The count is checked before the queue: an empty queue refuses a partial record too
    When I read 20 bytes from $fault_fd
    Then it fails with ESPIPE

  @FAULT.READ.POSITION
  Scenario Outline: A fault queue has no file position: pread at <pos> is refused
    Given the mock device $dev_idev raised a page fault at 0x1000
    When I read 40 bytes from $fault_fd at file position <pos>
    Then it fails with ESPIPE
    When I read 40 bytes from $fault_fd
    Then it returns 40

    Examples:
      | pos |
      | 0   |
      | 40  |

  @FAULT.READ.FAULT @FAULT.COOKIE.DISTINCT @linux
  Scenario: A read into memory that cannot be written keeps the group for the next read
    Given 4096 bytes of read-only user memory as $ro
    And the mock device $dev_idev raised a page fault at 0x1000
    When I read 40 bytes from $fault_fd into $ro
    Then it fails with EFAULT
    And polling $fault_fd for POLLIN reports POLLIN
    When I read 40 bytes from $fault_fd
    Then it returns 40
    And iommu_hwpt_pgfault record 1 of the read has:
      | field  | value  |
      | addr   | 0x1000 |
      | cookie | 1      |

  @FAULT.READ.FAULT @linux
  Scenario: A read into an unmapped buffer fails with EFAULT
    Given an unmapped user address as $gone
    And the mock device $dev_idev raised a page fault at 0x1000
    When I read 40 bytes from $fault_fd into $gone
    Then it fails with EFAULT
    When I read 40 bytes from $fault_fd
    Then it returns 40

  @FAULT.COOKIE.DISTINCT @FAULT.WRITE.RESPOND
  Scenario: An answered cookie is handed out again, the lowest free first
    Given the mock device $dev_idev raised a page fault at 0x1000
    And the mock device $dev_idev raised a page fault at 0x2000
    When I read 80 bytes from $fault_fd
    Then it returns 80
    When I answer cookie 1 with IOMMUFD_PAGE_RESP_INVALID on $fault_fd
    Then it returns 8
    Given the mock device $dev_idev raised a page fault at 0x3000
    When I read 40 bytes from $fault_fd
    Then it returns 40
    And iommu_hwpt_pgfault record 1 of the read has:
      | field  | value  |
      | addr   | 0x3000 |
      | cookie | 1      |

  @FAULT.WRITE.RESPOND @FAULT.WRITE.PARTIAL
  Scenario: Several responses in one write are taken together
    Given the mock device $dev_idev raised a page fault at 0x1000
    And the mock device $dev_idev raised a page fault at 0x2000
    And I read 80 bytes from $fault_fd
    And it returns 80
    And user memory holding these iommu_hwpt_page_response entries as $resp:
      | cookie | code                      |
      | 2      | IOMMUFD_PAGE_RESP_SUCCESS |
      | 1      | IOMMUFD_PAGE_RESP_INVALID |
    When I write 16 bytes of $resp to $fault_fd
    Then it returns 16
    When I write 16 bytes of $resp to $fault_fd
    Then it fails with EINVAL

  @FAULT.WRITE.PARTIAL @FAULT.WRITE.COOKIE
  Scenario: A write stops at the first refused response and counts those before it
    Given the mock device $dev_idev raised a page fault at 0x1000
    And the mock device $dev_idev raised a page fault at 0x2000
    And I read 80 bytes from $fault_fd
    And it returns 80
    And user memory holding these iommu_hwpt_page_response entries as $resp:
      | cookie | code                      |
      | 1      | IOMMUFD_PAGE_RESP_SUCCESS |
      | 7      | IOMMUFD_PAGE_RESP_SUCCESS |
      | 2      | IOMMUFD_PAGE_RESP_SUCCESS |
    When I write 24 bytes of $resp to $fault_fd
    Then it returns 8
    When I answer cookie 2 with IOMMUFD_PAGE_RESP_SUCCESS on $fault_fd
    Then it returns 8

  @FAULT.WRITE.CODE @FAULT.WRITE.PARTIAL
  Scenario Outline: A response with code <code> is refused and leaves its group waiting
    Given the mock device $dev_idev raised a page fault at 0x1000
    And I read 40 bytes from $fault_fd
    And it returns 40
    When I answer cookie 1 with <code> on $fault_fd
    Then it fails with EINVAL
    When I answer cookie 1 with IOMMUFD_PAGE_RESP_SUCCESS on $fault_fd
    Then it returns 8

    Examples:
      | code       |
      | 2          |
      | 0xffffffff |

  @FAULT.WRITE.COOKIE
  Scenario Outline: A response to cookie <cookie>, which no group waits under, is refused
    Given the mock device $dev_idev raised a page fault at 0x1000
    When I answer cookie <cookie> with IOMMUFD_PAGE_RESP_SUCCESS on $fault_fd
    Then it fails with EINVAL

    Examples:
      | cookie |
      | 0      |
      | 1      |
      | 2      |

  @FAULT.WRITE.SIZE
  Scenario Outline: A write of <count> bytes, no whole number of responses, is refused
    Given the mock device $dev_idev raised a page fault at 0x1000
    And I read 40 bytes from $fault_fd
    And it returns 40
    And user memory holding these iommu_hwpt_page_response entries as $resp:
      | cookie | code                      |
      | 1      | IOMMUFD_PAGE_RESP_SUCCESS |
      | 1      | IOMMUFD_PAGE_RESP_SUCCESS |
    When I write <count> bytes of $resp to $fault_fd
    Then it fails with ESPIPE
    When I write 8 bytes of $resp to $fault_fd
    Then it returns 8

    Examples:
      | count |
      | 1     |
      | 4     |
      | 12    |

  @FAULT.WRITE.SIZE
  Scenario: A write of nothing answers nothing and returns 0
    Given 4096 bytes of user memory as $buf
    When I write 0 bytes of $buf to $fault_fd
    Then it returns 0

  @FAULT.WRITE.FAULT
  Scenario: A write from an unreadable buffer answers nothing
    Given an unmapped user address as $gone
    And the mock device $dev_idev raised a page fault at 0x1000
    And I read 40 bytes from $fault_fd
    And it returns 40
    When I write 8 bytes of $gone to $fault_fd
    Then it fails with EFAULT
    When I answer cookie 1 with IOMMUFD_PAGE_RESP_SUCCESS on $fault_fd
    Then it returns 8

  @FAULT.WRITE.PARTIAL @FAULT.WRITE.FAULT
  Scenario: Responses before an unreadable one are taken
    Given the mock device $dev_idev raised a page fault at 0x1000
    And I read 40 bytes from $fault_fd
    And it returns 40
    And user memory holding these iommu_hwpt_page_response entries just before an unmapped page as $resp:
      | cookie | code                      |
      | 1      | IOMMUFD_PAGE_RESP_SUCCESS |
    When I write 16 bytes of $resp to $fault_fd
    Then it returns 8
