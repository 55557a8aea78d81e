Feature: IOMMU_IOAS_NOIOMMU_GET_PA in a kernel built without CONFIG_IOMMUFD_NOIOMMU
  Such a kernel keeps the ioctl in its table, so the generic rules of the
  size field still run, but a stub answers every call that passes them with
  EOPNOTSUPP, before the capability or any field is looked at. A backend says
  it is such a kernel by leaving the ioctl out of the ioctls it declares
  (the reference engine as reference-nonoiommu); the calls go by number.

  Background:
    Given an open iommufd
    And the backend does not implement IOMMU_IOAS_NOIOMMU_GET_PA

  @NOIOMMU_GET_PA.CONFIG @linux
  Scenario: A call that the size rules let through is refused by the stub
    When I call 0x3b95 with a zeroed argument of 40 bytes
    Then it fails with EOPNOTSUPP

  @NOIOMMU_GET_PA.CONFIG @GENERIC.SIZE.ZERO_TAIL @linux
  Scenario: A longer argument with a zero tail reaches the stub too
    When I call 0x3b95 on $iommufd with a zeroed argument of 40 bytes extended by 8 zero bytes
    Then it fails with EOPNOTSUPP

  @NOIOMMU_GET_PA.CONFIG @linux
  Scenario: A caller without CAP_SYS_RAWIO gets the stub's answer, not EPERM
    Given a forked child runs the rest of the scenario
    And the process has no CAP_SYS_RAWIO
    When I call 0x3b95 with a zeroed argument of 40 bytes
    Then it fails with EOPNOTSUPP

  @NOIOMMU_GET_PA.CONFIG @GENERIC.SIZE.BELOW_MIN @linux
  Scenario: The size rules still come first: a size below the minimum is EINVAL
    When I call 0x3b95 with a zeroed argument of 39 bytes
    Then it fails with EINVAL

  @NOIOMMU_GET_PA.CONFIG @GENERIC.SIZE.NONZERO_TAIL @linux
  Scenario: The size rules still come first: a non-zero tail is E2BIG
    When I call 0x3b95 with a zeroed argument of 40 bytes extended by 8 bytes, the last one non-zero
    Then it fails with E2BIG

  @NOIOMMU_GET_PA.CONFIG @GENERIC.POINTER.EFAULT @linux
  Scenario: The size rules still come first: an unreadable argument is EFAULT
    When I call 0x3b95 with the argument pointer 0
    Then it fails with EFAULT
