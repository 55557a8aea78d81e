@viommu
Feature: IOMMU_HW_QUEUE_ALLOC lets the hardware read a guest queue of a vIOMMU
  A HW queue is guest memory, given by its nesting-parent IOVA and length,
  that the IOMMU reads by physical address. The kernel pins its pages through
  an internal access to the parent's IOAS (an ACCESS object with an id of its
  own) and locks the areas holding them: they cannot be unmapped while the
  queue exists. The mock vIOMMU takes IOMMU_HW_QUEUE_TYPE_SELFTEST queues at
  indexes 0 to IOMMU_TEST_HW_QUEUE_MAX - 1, in order, each holding the one
  before it.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And a paging HWPT for $dev_idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT as $parent
    And a selftest vIOMMU for $dev_idev on $parent as $viommu
    And 0x2000 bytes of user memory as $buf
    And 0x1000 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    And 0x1000 bytes of $buf + 0x1000 mapped at IOVA MOCK_APERTURE_START + 0x1000 in $ioas

  @HW_QUEUE.ALLOC.CREATES @HW_QUEUE.PINS @HW_QUEUE.UNMAP_BUSY
  Scenario: A queue pins its page and keeps it mapped until it is destroyed
    When I allocate a HW queue of type IOMMU_HW_QUEUE_TYPE_SELFTEST with index 0 for 0x1000 bytes at IOVA MOCK_APERTURE_START on $viommu
    Then it succeeds
    And out_hw_queue_id is $viommu + 1
    And I remember out_hw_queue_id as $q
    And the pages of the 0x1000 bytes at $buf are pinned 1 time
    When I unmap 0x1000 bytes at IOVA MOCK_APERTURE_START from $ioas
    Then it fails with EBUSY
    # The queue's page only: the next area is not held.
    When I unmap 0x1000 bytes at IOVA MOCK_APERTURE_START + 0x1000 from $ioas
    Then it succeeds
    When I destroy $q
    Then it succeeds
    When I unmap 0x1000 bytes at IOVA MOCK_APERTURE_START from $ioas
    Then it succeeds
    And the pages of the 0x1000 bytes at $buf are pinned 0 times

  @HW_QUEUE.UNMAP_BUSY
  Scenario: Unmapping everything stops at the locked area
    Given a selftest HW queue with index 0 for 0x1000 bytes at IOVA MOCK_APERTURE_START + 0x1000 on $viommu as $q
    When I call IOMMU_IOAS_UNMAP with:
      | field  | value              |
      | ioas_id | $ioas             |
      | iova   | 0                  |
      | length | 0xffffffffffffffff |
    Then it fails with EBUSY
    # The area before the locked one is already gone.
    When I unmap 0x1000 bytes at IOVA MOCK_APERTURE_START from $ioas
    Then it fails with ENOENT
    When I destroy $q
    Then it succeeds
    When I unmap 0x1000 bytes at IOVA MOCK_APERTURE_START + 0x1000 from $ioas
    Then it succeeds

  @HW_QUEUE.ACCESS_OBJECT @linux
  Scenario: The internal access takes the next object id and cannot be destroyed
    Given a selftest HW queue with index 0 for 0x1000 bytes at IOVA MOCK_APERTURE_START on $viommu as $q
    When I call IOMMU_DESTROY with:
      | field | value  |
      | id    | $q + 1 |
    Then it fails with EBUSY
    When I call IOMMU_IOAS_ALLOC with no fields set
    Then it succeeds
    And out_ioas_id is $q + 2
    When I destroy $q
    Then it succeeds
    When I call IOMMU_DESTROY with:
      | field | value  |
      | id    | $q + 1 |
    Then it fails with ENOENT

  @HW_QUEUE.HOLDS_VIOMMU
  Scenario: A vIOMMU with a HW queue cannot be destroyed
    Given a selftest HW queue with index 0 for 0x1000 bytes at IOVA MOCK_APERTURE_START on $viommu as $q
    When I destroy $viommu
    Then it fails with EBUSY
    When I destroy $q
    Then it succeeds
    When I destroy $viommu
    Then it succeeds

  @HW_QUEUE.INDEX.ORDER @HW_QUEUE.INDEX.DEPENDS
  Scenario: Queues are allocated in index order and destroyed in the reverse order
    When I allocate a HW queue of type IOMMU_HW_QUEUE_TYPE_SELFTEST with index 1 for 0x1000 bytes at IOVA MOCK_APERTURE_START on $viommu
    Then it fails with EIO
    Given a selftest HW queue with index 0 for 0x1000 bytes at IOVA MOCK_APERTURE_START on $viommu as $q0
    And a selftest HW queue with index 1 for 0x800 bytes at IOVA MOCK_APERTURE_START + 0x800 on $viommu as $q1
    When I destroy $q0
    Then it fails with EBUSY
    When I destroy $q1
    Then it succeeds
    When I destroy $q0
    Then it succeeds
    When I unmap 0x1000 bytes at IOVA MOCK_APERTURE_START from $ioas
    Then it succeeds

  @HW_QUEUE.INDEX.UNIQUE
  Scenario: An index is taken once, and free again once its queue is gone
    Given a selftest HW queue with index 0 for 0x1000 bytes at IOVA MOCK_APERTURE_START on $viommu as $q
    When I allocate a HW queue of type IOMMU_HW_QUEUE_TYPE_SELFTEST with index 0 for 0x1000 bytes at IOVA MOCK_APERTURE_START on $viommu
    Then it fails with EEXIST
    When I destroy $q
    Then it succeeds
    When I allocate a HW queue of type IOMMU_HW_QUEUE_TYPE_SELFTEST with index 0 for 0x1000 bytes at IOVA MOCK_APERTURE_START + 0x1000 on $viommu
    Then it succeeds
    And out_hw_queue_id is $q

  @HW_QUEUE.INDEX.MAX
  Scenario: An index past the mock's last is refused
    When I allocate a HW queue of type IOMMU_HW_QUEUE_TYPE_SELFTEST with index IOMMU_TEST_HW_QUEUE_MAX for 0x1000 bytes at IOVA MOCK_APERTURE_START on $viommu
    Then it fails with EINVAL

  @HW_QUEUE.INDEX.PER_VIOMMU
  Scenario: Each vIOMMU has its own indexes
    Given a selftest vIOMMU for $dev_idev on $parent as $other
    And a selftest HW queue with index 0 for 0x1000 bytes at IOVA MOCK_APERTURE_START on $viommu as $q
    When I allocate a HW queue of type IOMMU_HW_QUEUE_TYPE_SELFTEST with index 0 for 0x1000 bytes at IOVA MOCK_APERTURE_START on $other
    Then it succeeds

  @HW_QUEUE.FAILED_LEAVES_NOTHING
  Scenario: A refused queue pins nothing and leaves no object
    When I allocate a HW queue of type IOMMU_HW_QUEUE_TYPE_SELFTEST with index 1 for 0x1000 bytes at IOVA MOCK_APERTURE_START on $viommu
    Then it fails with EIO
    When I unmap 0x1000 bytes at IOVA MOCK_APERTURE_START from $ioas
    Then it succeeds
    When I call IOMMU_IOAS_ALLOC with no fields set
    Then it succeeds
    And out_ioas_id is $viommu + 1

  @HW_QUEUE.TYPE_DEFAULT
  Scenario: IOMMU_HW_QUEUE_TYPE_DEFAULT is refused before the vIOMMU is looked up
    When I allocate a HW queue of type IOMMU_HW_QUEUE_TYPE_DEFAULT with index 0 for 0x1000 bytes at IOVA MOCK_APERTURE_START on 0
    Then it fails with EOPNOTSUPP

  @HW_QUEUE.FLAGS
  Scenario: Any flag is refused
    When I call IOMMU_HW_QUEUE_ALLOC with:
      | field               | value                        |
      | flags               | 1                            |
      | viommu_id           | $viommu                      |
      | type                | IOMMU_HW_QUEUE_TYPE_SELFTEST |
      | nesting_parent_iova | MOCK_APERTURE_START          |
      | length              | 0x1000                       |
    Then it fails with EOPNOTSUPP

  @HW_QUEUE.TYPE_UNSUPPORTED
  Scenario Outline: A type the vIOMMU's driver does not offer is refused: <type>
    When I allocate a HW queue of type <type> with index 0 for 0x1000 bytes at IOVA MOCK_APERTURE_START on $viommu
    Then it fails with EOPNOTSUPP

    Examples:
      | type                               |
      | 0xdead                             |
      | IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV |

  @HW_QUEUE.VIOMMU_ID
  Scenario Outline: viommu_id must name a vIOMMU: <what>
    When I allocate a HW queue of type IOMMU_HW_QUEUE_TYPE_SELFTEST with index 0 for 0x1000 bytes at IOVA MOCK_APERTURE_START on <viommu>
    Then it fails with ENOENT

    Examples:
      | what      | viommu  |
      | no object | 0       |
      | an IOAS   | $ioas   |
      | a HWPT    | $parent |

  @HW_QUEUE.LENGTH.ZERO
  Scenario: A queue of no bytes is refused before the vIOMMU is looked up
    When I allocate a HW queue of type IOMMU_HW_QUEUE_TYPE_SELFTEST with index 0 for 0 bytes at IOVA MOCK_APERTURE_START on 0
    Then it fails with EINVAL

  @HW_QUEUE.LENGTH.OVERFLOW
  Scenario: A queue whose last byte would pass the end of the IOVA space is refused
    When I allocate a HW queue of type IOMMU_HW_QUEUE_TYPE_SELFTEST with index 0 for 0x1000 bytes at IOVA 0xffffffffffffffff on $viommu
    Then it fails with EOVERFLOW

  @HW_QUEUE.LENGTH.RANGE
  Scenario: A queue whose page-rounded end would pass the end of the IOVA space is refused
    When I allocate a HW queue of type IOMMU_HW_QUEUE_TYPE_SELFTEST with index 0 for 0xffffffffffffffff bytes at IOVA 0 on $viommu
    Then it fails with ERANGE

  @HW_QUEUE.LENGTH.HUGE
  Scenario: A queue too long for the kernel's page array is refused
    When I allocate a HW queue of type IOMMU_HW_QUEUE_TYPE_SELFTEST with index 0 for 0x20000000000 bytes at IOVA 0 on $viommu
    Then it fails with ENOMEM

  @HW_QUEUE.IOVA_MAPPED
  Scenario Outline: Every byte of the queue must be mapped in the parent's IOAS: <what>
    When I allocate a HW queue of type IOMMU_HW_QUEUE_TYPE_SELFTEST with index 0 for <length> bytes at IOVA <iova> on $viommu
    Then it fails with ENOENT

    Examples:
      | what                    | iova                         | length |
      | nothing mapped there    | MOCK_APERTURE_START + 0x4000 | 0x1000 |
      | its last page unmapped  | MOCK_APERTURE_START + 0x1000 | 0x2000 |
      | its last byte unmapped  | MOCK_APERTURE_START + 0x1800 | 0x801  |

  @HW_QUEUE.UNALIGNED
  Scenario: A queue that does not start on a page pins the page it lies in
    Given a selftest HW queue with index 0 for 0x10 bytes at IOVA MOCK_APERTURE_START + 0x7f8 on $viommu as $q
    When I unmap 0x1000 bytes at IOVA MOCK_APERTURE_START from $ioas
    Then it fails with EBUSY
    When I unmap 0x1000 bytes at IOVA MOCK_APERTURE_START + 0x1000 from $ioas
    Then it succeeds

  @HW_QUEUE.UNALIGNED @HW_QUEUE.CONTIGUOUS.ACCEPTED
  Scenario: An unaligned queue across a page boundary pins both pages
    Given 0x200000 bytes of huge-page user memory as $huge
    And 0x200000 bytes of $huge mapped at IOVA MOCK_APERTURE_START + 0x200000 in $ioas
    And a selftest HW queue with index 0 for 0x10 bytes at IOVA MOCK_APERTURE_START + 0x200ff8 on $viommu as $q
    Then the pages of the 0x2000 bytes at $huge are pinned 1 time

  @HW_QUEUE.CONTIGUOUS.REFUSED @HW_QUEUE.FAILED_LEAVES_NOTHING
  Scenario: A queue over two pages that are not physical neighbours is refused, and leaves their areas free
    Given two pages of user memory, physically apart, mapped one after the other at IOVA MOCK_APERTURE_START + 0x200000 in $ioas
    When I allocate a HW queue of type IOMMU_HW_QUEUE_TYPE_SELFTEST with index 0 for 0x2000 bytes at IOVA MOCK_APERTURE_START + 0x200000 on $viommu
    Then it fails with EFAULT
    When I unmap 0x2000 bytes at IOVA MOCK_APERTURE_START + 0x200000 from $ioas
    Then it succeeds

  @HW_QUEUE.CONTIGUOUS.ACCEPTED
  Scenario: A queue over physically contiguous pages (one huge page) may span several pages
    Given 0x200000 bytes of huge-page user memory as $huge
    And 0x200000 bytes of $huge mapped at IOVA MOCK_APERTURE_START + 0x200000 in $ioas
    When I allocate a HW queue of type IOMMU_HW_QUEUE_TYPE_SELFTEST with index 0 for 0x3000 bytes at IOVA MOCK_APERTURE_START + 0x201000 on $viommu
    Then it succeeds
    When I unmap 0x200000 bytes at IOVA MOCK_APERTURE_START + 0x200000 from $ioas
    Then it fails with EBUSY
