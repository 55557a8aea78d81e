@legacy
Feature: What the driver behind the 2020 IOMMU UAPI can do
  The generic layer passes each operation to a callback of the IOMMU driver's
  ops; a driver without that callback answers ENODEV before anything is read.
  The documentation asks callers to check the nesting features upfront, since
  a failure later, a cache invalidation that fails say, cannot be reported to
  the guest: the driver reports the features it has (here as a u32 of the bits
  the VFIO nesting series proposed; that series was never merged).

  @LEGACY.FEATURES
  Scenario: The mock nesting driver reports system-wide PASIDs, page table binding and cache invalidation
    Given 8 bytes of user memory as $out
    When the IOMMU driver is asked for its nesting features, written to $out
    Then it succeeds
    And the nesting features at $out are IOMMU_NESTING_FEAT_SYSWIDE_PASID | IOMMU_NESTING_FEAT_BIND_PGTBL | IOMMU_NESTING_FEAT_CACHE_INVLD

  @LEGACY.FEATURES
  Scenario: A driver without the nesting callbacks reports none
    Given an IOMMU driver without the nesting callbacks
    And 8 bytes of user memory as $out
    When I fill 4 bytes at $out with 0xff
    And the IOMMU driver is asked for its nesting features, written to $out
    Then it succeeds
    And the nesting features at $out are 0

  @LEGACY.FEATURES
  Scenario: The features cannot be written to an unmapped address
    Given an unmapped user address as $nowhere
    When the IOMMU driver is asked for its nesting features, written to $nowhere
    Then it fails with EFAULT

  @LEGACY.NO_CALLBACK
  Scenario Outline: A driver without the callback refuses to <operation> before it reads the struct
    Given an IOMMU driver without the nesting callbacks
    And an unmapped user address as $nowhere
    When the IOMMU layer is asked to <operation> with $nowhere
    Then it fails with ENODEV

    Examples:
      | operation               |
      | invalidate caches       |
      | bind a guest PASID      |
      | unbind a guest PASID    |

  @LEGACY.NO_CALLBACK
  Scenario: A driver without a page response callback refuses a response
    Given an IOMMU driver without the nesting callbacks
    And an unmapped user address as $nowhere
    When the IOMMU layer is given the page response $nowhere
    Then it fails with ENODEV

  @LEGACY.NO_CALLBACK
  Scenario: With the callbacks, the same unmapped address is read and faults
    Given an unmapped user address as $nowhere
    When the IOMMU layer is asked to invalidate caches with $nowhere
    Then it fails with EFAULT
