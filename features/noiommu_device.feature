Feature: IOMMU_IOAS_NOIOMMU_GET_PA for a VFIO device without an IOMMU
  A VFIO device that no IOMMU translates (vfio-pci in no-IOMMU mode) is bound
  to the iommufd through its cdev and attached to an IOAS. The automatic
  domain it gets is a software page table that pins and holds the IOAS's
  areas, and the ioctl reads the physical address behind an IOVA from it,
  with how many bytes from there are physically contiguous. The address is
  compared with what /proc/self/pagemap of the process shows for the same
  user memory. Which plain pages happen to be physical neighbours is the
  kernel's business: exact lengths are asserted only within one page or one
  huge page, or where the area or the length asked for cuts them.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And the page size as $page
    And the backend's VFIO device without an IOMMU opened as $vfio
    And $vfio bound to the iommufd as $dev

  @NOIOMMU_GET_PA.RESULT
  Scenario: The physical address of a mapped page is the one the process's page table has
    Given $vfio attached to $ioas as $hwpt
    And 0x4000 bytes of user memory as $buf
    And 0x4000 bytes of $buf mapped at IOVA 0x100000 in $ioas
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas    |
      | iova    | 0x101000 |
      | length  | $page    |
    Then it succeeds
    And length is $page
    And out_phys is the physical address behind $buf + 0x1000

  @NOIOMMU_GET_PA.RESULT
  Scenario: Areas mapped before the device was attached are in its domain too
    Given 0x4000 bytes of user memory as $buf
    And 0x4000 bytes of $buf mapped at IOVA 0x100000 in $ioas
    And $vfio attached to $ioas as $hwpt
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas    |
      | iova    | 0x103000 |
      | length  | 1        |
    Then it succeeds
    And length is 1
    And out_phys is the physical address behind $buf + 0x3000

  @NOIOMMU_GET_PA.RESULT
  Scenario Outline: An IOVA inside a page keeps its offset, and the length stops at the length asked for (<ask> bytes)
    Given $vfio attached to $ioas as $hwpt
    And 0x4000 bytes of user memory as $buf
    And 0x4000 bytes of $buf mapped at IOVA 0x100000 in $ioas
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas    |
      | iova    | 0x101234 |
      | length  | <ask>    |
    Then it succeeds
    And length is <ask>
    And out_phys lies 0x234 bytes into a page of $page bytes
    And out_phys is the physical address behind $buf + 0x1234

    Examples:
      | ask   |
      | 1     |
      | 0x10  |
      | 0xdcc |

  @NOIOMMU_GET_PA.RESULT
  Scenario Outline: The length never runs past the end of the area (<where>)
    Given $vfio attached to $ioas as $hwpt
    And 0x4000 bytes of user memory as $buf
    And 0x1000 bytes of $buf mapped at IOVA 0x200000 in $ioas
    And 0x1000 bytes of $buf + 0x1000 mapped at IOVA 0x201000 in $ioas
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas    |
      | iova    | <iova>   |
      | length  | 0x100000 |
    Then it succeeds
    And length is <length>
    And out_phys is the physical address behind $buf + <at>

    Examples:
      | where                         | iova     | length | at    |
      | from the start of a page area | 0x200000 | 0x1000 | 0     |
      | from inside it                | 0x200800 | 0x800  | 0x800 |
      | its last byte                 | 0x200fff | 1      | 0xfff |

  @NOIOMMU_GET_PA.RESULT
  Scenario: Over plain pages the contiguous length is at least the rest of the page and at most the rest of the area
    Given $vfio attached to $ioas as $hwpt
    And 0x4000 bytes of user memory as $buf
    And 0x4000 bytes of $buf mapped at IOVA 0x100000 in $ioas
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas    |
      | iova    | 0x100800 |
      | length  | 0x100000 |
    Then it succeeds
    And length is between 0x800 and 0x3800
    And out_phys is the physical address behind $buf + 0x800

  @NOIOMMU_GET_PA.RESULT
  Scenario Outline: A huge page is physically contiguous as a whole (<where>)
    Given $vfio attached to $ioas as $hwpt
    And 0x200000 bytes of huge-page user memory as $huge
    And 0x200000 bytes of $huge mapped at IOVA 0x40000000 in $ioas
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas    |
      | iova    | <iova>   |
      | length  | <ask>    |
    Then it succeeds
    And length is <length>
    And out_phys lies <offset> bytes into a page of 0x200000 bytes
    And out_phys is the physical address behind $huge + <offset>

    Examples:
      | where                          | iova       | ask      | length   | offset   |
      | all of it                      | 0x40000000 | 0x200000 | 0x200000 | 0        |
      | from inside, to the area's end | 0x40001234 | 0x400000 | 0x1fedcc | 0x1234   |
      | cut by the length asked for    | 0x40100000 | 0x3000   | 0x3000   | 0x100000 |

  @NOIOMMU_GET_PA.RESULT
  Scenario: A HWPT allocated for the device is a no-IOMMU domain as well
    When I call IOMMU_HWPT_ALLOC with:
      | dev_id | $dev  |
      | pt_id  | $ioas |
    Then it succeeds
    And I remember out_hwpt_id as $hwpt
    Given $vfio attached to $hwpt as $attached
    And 0x4000 bytes of user memory as $buf
    And 0x4000 bytes of $buf mapped at IOVA 0x100000 in $ioas
    Then $attached equals $hwpt
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas    |
      | iova    | 0x102000 |
      | length  | $page    |
    Then it succeeds
    And length is $page
    And out_phys is the physical address behind $buf + 0x2000

  @NOIOMMU_GET_PA.NOT_NOIOMMU
  Scenario: Once the device is detached the IOAS has no no-IOMMU domain any more
    Given $vfio attached to $ioas as $hwpt
    And 0x4000 bytes of user memory as $buf
    And 0x4000 bytes of $buf mapped at IOVA 0x100000 in $ioas
    When I call VFIO_DEVICE_DETACH_IOMMUFD_PT on $vfio with:
      | flags | 0 |
    Then it succeeds
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas    |
      | iova    | 0x100000 |
      | length  | $page    |
    Then it fails with EOPNOTSUPP

  @NOIOMMU_GET_PA.NOT_NOIOMMU
  Scenario: A device without an IOMMU attached to an IOAS that a mock device's domain already holds shares that domain
    Given a mock device attached to $ioas as $mock
    And 0x4000 bytes of user memory as $buf
    And 0x4000 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    And $vfio attached to $ioas as $hwpt
    Then $hwpt equals $mock_hwpt
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas               |
      | iova    | MOCK_APERTURE_START |
      | length  | $page               |
    Then it fails with EOPNOTSUPP

  @NOIOMMU_GET_PA.RESULT
  Scenario: A mock device attached afterwards gets a domain of its own, and the areas stay stored in the no-IOMMU one
    Given $vfio attached to $ioas as $hwpt
    And a mock device attached to $ioas as $mock
    And 0x4000 bytes of user memory as $buf
    And 0x4000 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    Then $hwpt and $mock_hwpt are different
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas                        |
      | iova    | MOCK_APERTURE_START + 0x1000 |
      | length  | $page                        |
    Then it succeeds
    And length is $page
    And out_phys is the physical address behind $buf + 0x1000

  @NOIOMMU_GET_PA.NOT_NOIOMMU
  Scenario: When the device without an IOMMU leaves, the mock domain stores the areas and the IOVA is refused
    Given $vfio attached to $ioas as $hwpt
    And a mock device attached to $ioas as $mock
    And 0x4000 bytes of user memory as $buf
    And 0x4000 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    When I call VFIO_DEVICE_DETACH_IOMMUFD_PT on $vfio with:
      | flags | 0 |
    Then it succeeds
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas               |
      | iova    | MOCK_APERTURE_START |
      | length  | $page               |
    Then it fails with EOPNOTSUPP
