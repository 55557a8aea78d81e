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

  @VIOMMU.ALLOC.HOLDS_PARENT
  Scenario: The nesting parent cannot be destroyed while a vIOMMU sits on it
    Given a selftest vIOMMU for $dev_idev on $parent as $viommu
    When I destroy $parent
    Then it fails with EBUSY
    When I destroy $viommu
    Then it succeeds
    When I destroy $parent
    Then it succeeds
