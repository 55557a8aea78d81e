@selftest
Feature: IOMMU_TEST_CMD exists only in a kernel built with CONFIG_IOMMUFD_TEST
  The self-test command sits at the end of the ioctl table, after a gap of
  unused numbers. A kernel built with CONFIG_IOMMUFD_TEST has it, and then the
  numbers of the gap are inside the table; a kernel without it has neither.
  A backend says which kind it is through the ioctls it declares.

  Background:
    Given an open iommufd

  @SELFTEST.GAP.TEST_KERNEL @GENERIC.NUMBER.SIZE_READ_FIRST @linux
  Scenario Outline: In a test kernel the unused number <request> reads the size first
    Given the backend implements IOMMU_TEST_CMD
    When I call <request> with the argument pointer 0
    Then it fails with EFAULT

    Examples:
      | request |
      | 0x3b96  |
      | 0x3b9f  |

  @SELFTEST.CMD.WITHOUT_CONFIG
  Scenario: Without CONFIG_IOMMUFD_TEST the test command is an unknown number, whose argument is not read
    Given the backend does not implement IOMMU_TEST_CMD
    When I call 0x3ba0 with the argument pointer 0
    Then it fails with ENOTTY

  @SELFTEST.GAP.WITHOUT_CONFIG
  Scenario Outline: Without CONFIG_IOMMUFD_TEST the number <request> after the last ioctl is refused without reading the argument
    Given the backend does not implement IOMMU_TEST_CMD
    When I call <request> with the argument pointer 0
    Then it fails with ENOTTY

    Examples:
      | request |
      | 0x3b96  |
      | 0x3b9f  |
