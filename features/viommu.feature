@viommu
Feature: IOMMU_VIOMMU_ALLOC makes a vIOMMU over a nesting parent
  A vIOMMU is the slice of a physical IOMMU that one VM uses: its virtual
  device ids, its invalidation and event queues. It is allocated for a
  device, whose IOMMU backs it, over a nesting-parent HWPT, which it holds
  for as long as it lives. The mock driver offers one type,
  IOMMU_VIOMMU_TYPE_SELFTEST.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And a paging HWPT for $dev_idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT as $parent

  @VIOMMU.ALLOC.CREATES
  Scenario: A selftest vIOMMU is allocated on a nesting parent
    When I allocate a vIOMMU of type IOMMU_VIOMMU_TYPE_SELFTEST for $dev_idev on $parent
    Then it succeeds
    And out_viommu_id is $parent + 1
    And I remember out_viommu_id as $viommu
    When I destroy $viommu
    Then it succeeds

  @VIOMMU.ALLOC.CREATES
  Scenario: Two vIOMMUs may share one nesting parent
    Given a selftest vIOMMU for $dev_idev on $parent as $first
    And a selftest vIOMMU for $dev_idev on $parent as $second
    Then $first and $second are different

  @VIOMMU.ALLOC.HOLDS_PARENT
  Scenario: The nesting parent cannot be destroyed while a vIOMMU sits on it
    Given a selftest vIOMMU for $dev_idev on $parent as $viommu
    When I destroy $parent
    Then it fails with EBUSY
    When I destroy $viommu
    Then it succeeds
    When I destroy $parent
    Then it succeeds

  @VIOMMU.ALLOC.HOLDS_PARENT
  Scenario: The IOAS under the parent stays busy while a vIOMMU holds the parent
    Given a selftest vIOMMU for $dev_idev on $parent as $viommu
    When I destroy $dev
    Then it succeeds
    When I destroy $ioas
    Then it fails with EBUSY
    When I destroy $viommu
    Then it succeeds
    When I destroy $parent
    Then it succeeds
    When I destroy $ioas
    Then it succeeds

  @VIOMMU.ALLOC.FLAGS
  Scenario: Any flag is refused
    When I call IOMMU_VIOMMU_ALLOC with:
      | field   | value                      |
      | flags   | 1                          |
      | type    | IOMMU_VIOMMU_TYPE_SELFTEST |
      | dev_id  | $dev_idev                  |
      | hwpt_id | $parent                    |
    Then it fails with EOPNOTSUPP

  @VIOMMU.ALLOC.TYPE_DEFAULT
  Scenario: IOMMU_VIOMMU_TYPE_DEFAULT is refused before the device is looked up
    When I call IOMMU_VIOMMU_ALLOC with:
      | field   | value                     |
      | type    | IOMMU_VIOMMU_TYPE_DEFAULT |
      | dev_id  | 0                         |
      | hwpt_id | $parent                   |
    Then it fails with EOPNOTSUPP

  @VIOMMU.ALLOC.TYPE_UNSUPPORTED
  Scenario Outline: A type the device's IOMMU driver does not offer is refused: <type>
    When I allocate a vIOMMU of type <type> for $dev_idev on $parent
    Then it fails with EOPNOTSUPP

    Examples:
      | type                            |
      | 0xdead                          |
      | IOMMU_VIOMMU_TYPE_ARM_SMMUV3    |
      | IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV |

  @VIOMMU.ALLOC.DEV_ID
  Scenario Outline: dev_id must name a device: <what>
    When I allocate a vIOMMU of type IOMMU_VIOMMU_TYPE_SELFTEST for <dev> on $parent
    Then it fails with ENOENT

    Examples:
      | what             | dev     |
      | no object        | 0       |
      | an IOAS          | $ioas   |
      | a HWPT           | $parent |
      | a selftest object | $dev   |

  @VIOMMU.ALLOC.DEV_ID
  Scenario: The device is looked up before the type is checked against its driver
    When I allocate a vIOMMU of type 0xdead for 0 on $parent
    Then it fails with ENOENT

  @VIOMMU.ALLOC.HWPT_ID
  Scenario Outline: hwpt_id must name a paging HWPT: <what>
    When I allocate a vIOMMU of type IOMMU_VIOMMU_TYPE_SELFTEST for $dev_idev on <hwpt>
    Then it fails with ENOENT

    Examples:
      | what      | hwpt      |
      | no object | 0         |
      | an IOAS   | $ioas     |
      | a device  | $dev_idev |

  @VIOMMU.ALLOC.HWPT_ID
  Scenario: A nested HWPT is no paging HWPT
    Given user memory holding an iommu_hwpt_selftest as $data:
      | field | value                    |
      | iotlb | IOMMU_TEST_IOTLB_DEFAULT |
    And a nested HWPT for $dev_idev on $parent from 4 bytes of $data as $nested
    When I allocate a vIOMMU of type IOMMU_VIOMMU_TYPE_SELFTEST for $dev_idev on $nested
    Then it fails with ENOENT

  @VIOMMU.ALLOC.NOT_NEST_PARENT
  Scenario: A paging HWPT that is not a nesting parent is refused
    Given a paging HWPT for $dev_idev on $ioas with flags 0 as $plain
    When I allocate a vIOMMU of type IOMMU_VIOMMU_TYPE_SELFTEST for $dev_idev on $plain
    Then it fails with EINVAL
    When I destroy $plain
    Then it succeeds

  @VIOMMU.ALLOC.NOT_NEST_PARENT
  Scenario: The automatic domain of an attached device is no nesting parent
    When I allocate a vIOMMU of type IOMMU_VIOMMU_TYPE_SELFTEST for $dev_idev on $dev_hwpt
    Then it fails with EINVAL

  @VIOMMU.ALLOC.RESERVED
  Scenario: A non-zero __reserved is not looked at
    When I call IOMMU_VIOMMU_ALLOC with:
      | field      | value                      |
      | type       | IOMMU_VIOMMU_TYPE_SELFTEST |
      | dev_id     | $dev_idev                  |
      | hwpt_id    | $parent                    |
      | __reserved | 1                          |
    Then it succeeds

  @VIOMMU.ALLOC.FAILED_LEAVES_NOTHING @linux
  Scenario: A refused allocation leaves no object behind
    When I allocate a vIOMMU of type 0xdead for $dev_idev on $parent
    Then it fails with EOPNOTSUPP
    When I allocate a vIOMMU of type IOMMU_VIOMMU_TYPE_SELFTEST for $dev_idev on $parent
    Then it succeeds
    And out_viommu_id is $parent + 1
