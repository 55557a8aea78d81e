@viommu
Feature: IOMMU_VDEVICE_ALLOC gives a device its virtual id on a vIOMMU
  A vDEVICE ties a physical device to a vIOMMU under the id the guest knows
  it by (a vSID, vDeviceID or vRID). It holds its vIOMMU busy.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And a paging HWPT for $dev_idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT as $parent
    And a selftest vIOMMU for $dev_idev on $parent as $viommu

  @VDEVICE.ALLOC.CREATES @VDEVICE.HOLDS_VIOMMU
  Scenario: A vDEVICE is allocated and holds its vIOMMU until destroyed
    When I allocate a vDEVICE of $dev_idev on $viommu with virtual id 0x99
    Then it succeeds
    And out_vdevice_id is $viommu + 1
    And I remember out_vdevice_id as $vdev
    When I destroy $viommu
    Then it fails with EBUSY
    When I destroy $vdev
    Then it succeeds
    When I destroy $viommu
    Then it succeeds
