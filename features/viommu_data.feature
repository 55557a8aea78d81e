@viommu
Feature: The selftest vIOMMU's driver data and the region it exports for mmap
  IOMMU_VIOMMU_ALLOC may carry driver data of the vIOMMU type. The mock
  driver's struct iommu_viommu_selftest is a loopback: it answers in_data as
  out_data, and exports two pages whose first word holds in_data, reporting
  the offset and length at which mmap(2) of the iommufd maps them.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And a paging HWPT for $dev_idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT as $parent
    And user memory holding an iommu_viommu_selftest as $data:
      | field   | value  |
      | in_data | 0xbeef |

  @VIOMMU.DATA.LOOPBACK
  Scenario: The mock answers in_data and the region's offset and length
    When I allocate a selftest vIOMMU for $dev_idev on $parent from 24 bytes at $data
    Then it succeeds
    And the memory at $data, read as iommu_viommu_selftest, has:
      | field           | value  |
      | in_data         | 0xbeef |
      | out_data        | 0xbeef |
      | out_mmap_offset | 0x1000 |
      | out_mmap_length | 0x2000 |

  @VIOMMU.DATA.SHORTER
  Scenario: Data as short as the first version is read and answered that far
    Given user memory holding an iommu_viommu_selftest as $short:
      | field           | value  |
      | in_data         | 0x1234 |
      | out_mmap_offset | 0x77   |
      | out_mmap_length | 0x88   |
    When I allocate a selftest vIOMMU for $dev_idev on $parent from 8 bytes at $short
    Then it succeeds
    And I remember out_viommu_id as $viommu
    And the memory at $short, read as iommu_viommu_selftest, has:
      | field           | value  |
      | out_data        | 0x1234 |
      | out_mmap_offset | 0x77   |
      | out_mmap_length | 0x88   |
    Given 0x2000 bytes of the iommufd mapped from offset 0x1000 as $m
    # The harness cannot read a PFN mapping through /proc/self/mem; the kernel's copy_from_user can:
    # the mapped word becomes the IOTLB value of a nested HWPT's driver data.
    Given a nested HWPT for $dev_idev on $parent from 4 bytes of $m as $probe1
    Then the IOTLB entries of $probe1 are 0x1234, 0x1234, 0x1234 and 0x1234
    When I unmap the 0x2000 bytes at $m
    And I destroy $viommu
    Then it succeeds

  @VIOMMU.DATA.LENGTH
  Scenario Outline: data_len <len> is refused
    When I allocate a selftest vIOMMU for $dev_idev on $parent from <len> bytes at $data
    Then it fails with EINVAL
    When I allocate a vIOMMU of type IOMMU_VIOMMU_TYPE_SELFTEST for $dev_idev on $parent
    Then it succeeds
    And out_viommu_id is $parent + 1

    Examples:
      | len |
      | 4   |
      | 7   |
      | 25  |
      | 32  |

  @VIOMMU.DATA.UNREADABLE
  Scenario: Data that cannot be read fails the allocation
    Given an unmapped user address as $nowhere
    When I allocate a selftest vIOMMU for $dev_idev on $parent from 24 bytes at $nowhere
    Then it fails with EFAULT
    When I allocate a vIOMMU of type IOMMU_VIOMMU_TYPE_SELFTEST for $dev_idev on $parent
    Then it succeeds
    And out_viommu_id is $parent + 1

  @VIOMMU.DATA.UNWRITABLE
  Scenario: Data that cannot be written back fails the allocation and exports nothing
    Given the user memory at $data is made read-only
    When I allocate a selftest vIOMMU for $dev_idev on $parent from 24 bytes at $data
    Then it fails with EFAULT
    And mapping 0x2000 bytes of the iommufd at offset 0x1000 fails with ENXIO
    When I allocate a vIOMMU of type IOMMU_VIOMMU_TYPE_SELFTEST for $dev_idev on $parent
    Then it succeeds
    And out_viommu_id is $parent + 1

  @VIOMMU.DATA.NONE
  Scenario: Without data no region is exported
    Given a selftest vIOMMU for $dev_idev on $parent as $viommu
    Then mapping 0x2000 bytes of the iommufd at offset 0x1000 fails with ENXIO
    And mapping 0x1000 bytes of the iommufd at offset 0 fails with ENXIO

  @VIOMMU.MMAP.LOOPBACK @VIOMMU.MMAP.HOLDS_OWNER
  Scenario: The region maps the mock's page and holds the vIOMMU while mapped
    When I allocate a selftest vIOMMU for $dev_idev on $parent from 24 bytes at $data
    Then it succeeds
    And I remember out_viommu_id as $viommu
    Given 0x2000 bytes of the iommufd mapped from offset 0x1000 as $m
    # The harness cannot read a PFN mapping through /proc/self/mem; the kernel's copy_from_user can:
    # the mapped word becomes the IOTLB value of a nested HWPT's driver data.
    Given a nested HWPT for $dev_idev on $parent from 4 bytes of $m as $probe2
    Then the IOTLB entries of $probe2 are 0xbeef, 0xbeef, 0xbeef and 0xbeef
    When I destroy $viommu
    Then it fails with EBUSY
    When I unmap the 0x2000 bytes at $m
    And I destroy $viommu
    Then it succeeds

  @VIOMMU.MMAP.HOLDS_OWNER
  Scenario: Each of two mappings holds the vIOMMU
    When I allocate a selftest vIOMMU for $dev_idev on $parent from 24 bytes at $data
    Then it succeeds
    And I remember out_viommu_id as $viommu
    Given 0x2000 bytes of the iommufd mapped from offset 0x1000 as $m1
    And 0x2000 bytes of the iommufd mapped from offset 0x1000 as $m2
    When I unmap the 0x2000 bytes at $m1
    And I destroy $viommu
    Then it fails with EBUSY
    When I unmap the 0x2000 bytes at $m2
    And I destroy $viommu
    Then it succeeds

  @VIOMMU.MMAP.EXACT
  Scenario Outline: Only the exact region can be mapped: <what>
    When I allocate a selftest vIOMMU for $dev_idev on $parent from 24 bytes at $data
    Then it succeeds
    And mapping <length> bytes of the iommufd at offset <offset> fails with ENXIO

    Examples:
      | what                    | length | offset |
      | one page into it        | 0x2000 | 0x2000 |
      | just past it            | 0x2000 | 0x3000 |
      | half its length         | 0x1000 | 0x1000 |
      | twice its length        | 0x4000 | 0x1000 |
      | the page before it      | 0x1000 | 0      |

  @VIOMMU.MMAP.GONE
  Scenario: A destroyed vIOMMU's region is gone and the next one gets a region of its own
    When I allocate a selftest vIOMMU for $dev_idev on $parent from 24 bytes at $data
    Then it succeeds
    And I remember out_viommu_id as $first
    When I allocate a selftest vIOMMU for $dev_idev on $parent from 24 bytes at $data
    Then it succeeds
    And the memory at $data, read as iommu_viommu_selftest, has:
      | field           | value  |
      | out_mmap_offset | 0x3000 |
      | out_mmap_length | 0x2000 |
    When I destroy $first
    Then it succeeds
    And mapping 0x2000 bytes of the iommufd at offset 0x1000 fails with ENXIO
    Given 0x2000 bytes of the iommufd mapped from offset 0x3000 as $m
    # The harness cannot read a PFN mapping through /proc/self/mem; the kernel's copy_from_user can:
    # the mapped word becomes the IOTLB value of a nested HWPT's driver data.
    Given a nested HWPT for $dev_idev on $parent from 4 bytes of $m as $probe3
    Then the IOTLB entries of $probe3 are 0xbeef, 0xbeef, 0xbeef and 0xbeef
    When I unmap the 0x2000 bytes at $m

  @VIOMMU.MMAP.EXEC
  Scenario: An executable mapping of the region is refused
    When I allocate a selftest vIOMMU for $dev_idev on $parent from 24 bytes at $data
    Then it succeeds
    And an executable mapping of 0x2000 bytes of the iommufd at offset 0x1000 fails with EPERM

  @VIOMMU.MMAP.HOLDS_OWNER
  Scenario: What is left of a partly unmapped region still holds the vIOMMU
    When I allocate a selftest vIOMMU for $dev_idev on $parent from 24 bytes at $data
    Then it succeeds
    And I remember out_viommu_id as $viommu
    Given 0x2000 bytes of the iommufd mapped from offset 0x1000 as $m
    When I unmap the 0x1000 bytes at $m
    And I destroy $viommu
    Then it fails with EBUSY
    When I unmap the 0x1000 bytes at $m + 0x1000
    And I destroy $viommu
    Then it succeeds

  @VIOMMU.MMAP.PER_FILE
  Scenario: A region belongs to the iommufd of its vIOMMU
    Given another open iommufd as $other
    When I allocate a selftest vIOMMU for $dev_idev on $parent from 24 bytes at $data
    Then it succeeds
    And mapping 0x2000 bytes of $other at offset 0x1000 fails with ENXIO
