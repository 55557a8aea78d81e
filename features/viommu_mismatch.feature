@viommu
Feature: A vIOMMU stands for one physical IOMMU
  A vIOMMU is allocated for a device and stands for the physical IOMMU behind
  it. A device behind another IOMMU, or behind none, gets neither a vDEVICE
  nor a nested HWPT on it. Every selftest device sits behind the one mock
  IOMMU; the VFIO device without an IOMMU that a backend may offer is the
  device behind none.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And a paging HWPT for $dev_idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT as $parent
    And a selftest vIOMMU for $dev_idev on $parent as $viommu
    And the backend's VFIO device without an IOMMU opened as $vfio
    And $vfio bound to the iommufd as $noiommu_dev
    And user memory holding an iommu_hwpt_selftest as $data:
      | field | value                    |
      | iotlb | IOMMU_TEST_IOTLB_DEFAULT |

  @VDEVICE.IOMMU_MISMATCH
  Scenario: A device without an IOMMU gets no vDEVICE on a vIOMMU, the mock device does
    When I allocate a vDEVICE of $noiommu_dev on $viommu with virtual id 0x10
    Then it fails with EINVAL
    When I allocate a vDEVICE of $dev_idev on $viommu with virtual id 0x10
    Then it succeeds

  @VIOMMU.NESTED.IOMMU_MISMATCH
  Scenario: A device without an IOMMU gets no nested HWPT on a vIOMMU, the mock device does
    When I allocate a nested HWPT for $noiommu_dev on $viommu from 4 bytes of IOMMU_HWPT_DATA_SELFTEST at $data
    Then it fails with EINVAL
    When I allocate a nested HWPT for $dev_idev on $viommu from 4 bytes of IOMMU_HWPT_DATA_SELFTEST at $data
    Then it succeeds
