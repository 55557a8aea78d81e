@device
Feature: Replacing the page table of an attached device
  IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE moves an attached mock device to another
  IOAS or HWPT in one step, as iommufd_device_replace does for a VFIO device.
  It answers the HWPT now in use; a replace that fails changes nothing.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev

  @DEVICE.REPLACE.IOAS
  Scenario: Replacing with another IOAS moves the device to a new automatic HWPT
    Given an IOAS as $other
    When I replace the page table of $dev with $other
    Then it succeeds
    And mock_domain_replace.pt_id is not $dev_hwpt
    And I remember mock_domain_replace.pt_id as $new_hwpt
    # The old automatic HWPT went with its only device.
    When I replace the page table of $dev with $dev_hwpt
    Then it fails with ENOENT
    When I destroy $ioas
    Then it succeeds
    When I destroy $other
    Then it fails with EBUSY
    When I destroy $new_hwpt
    Then it fails with EBUSY

  @DEVICE.REPLACE.IOAS
  Scenario: The old automatic HWPT stays while another device uses it
    Given a mock device attached to $ioas as $dev2
    And an IOAS as $other
    When I replace the page table of $dev with $other
    Then it succeeds
    When I replace the page table of $dev with $dev_hwpt
    Then it succeeds
    And mock_domain_replace.pt_id is $dev_hwpt
    When I replace the page table of $dev with $ioas
    Then it succeeds
    And mock_domain_replace.pt_id is $dev_hwpt
    When I destroy $other
    Then it succeeds

  @DEVICE.REPLACE.IOAS
  Scenario: Replacing with an IOAS that has an automatic HWPT reuses it
    Given an IOAS as $other
    And a mock device attached to $other as $other_dev
    When I replace the page table of $dev with $other
    Then it succeeds
    And mock_domain_replace.pt_id is $other_dev_hwpt

  @DEVICE.REPLACE.SAME
  Scenario: Replacing with the page table in use changes nothing
    When I replace the page table of $dev with $ioas
    Then it succeeds
    And mock_domain_replace.pt_id is $dev_hwpt
    When I replace the page table of $dev with $dev_hwpt
    Then it succeeds
    And mock_domain_replace.pt_id is $dev_hwpt
    When I destroy $dev_hwpt
    Then it fails with EBUSY

  @DEVICE.REPLACE.HWPT
  Scenario: Replacing with the HWPT of another IOAS moves the narrowing there
    Given an IOAS as $other
    And a mock device attached to $other as $other_dev
    When I replace the page table of $dev with $other_dev_hwpt
    Then it succeeds
    And mock_domain_replace.pt_id is $other_dev_hwpt
    And the IOVA ranges of $ioas are:
      | start | last               |
      | 0     | 0xffffffffffffffff |
    When I destroy $other_dev
    Then it succeeds
    And the IOVA ranges of $other are:
      | start               | last               |
      | MOCK_APERTURE_START | MOCK_APERTURE_LAST |
    When I replace the page table of $dev with $ioas
    Then it succeeds
    And the IOVA ranges of $other are:
      | start | last               |
      | 0     | 0xffffffffffffffff |
    And the IOVA ranges of $ioas are:
      | start               | last               |
      | MOCK_APERTURE_START | MOCK_APERTURE_LAST |

  @DEVICE.REPLACE.FAILED_KEEPS
  Scenario: A replace refused by a mapping of the new IOAS keeps the old attachment
    Given an IOAS as $other
    And 4096 bytes of user memory as $buf
    And 4096 bytes of $buf mapped at IOVA 0x1000 in $other
    When I replace the page table of $dev with $other
    Then it fails with EADDRINUSE
    And the IOVA ranges of $other are:
      | start | last               |
      | 0     | 0xffffffffffffffff |
    And the IOVA ranges of $ioas are:
      | start               | last               |
      | MOCK_APERTURE_START | MOCK_APERTURE_LAST |
    When I destroy $ioas
    Then it fails with EBUSY
    When I destroy $dev_hwpt
    Then it fails with EBUSY
    When I destroy $other
    Then it succeeds

  @DEVICE.REPLACE.FAILED_KEEPS
  Scenario: A replace with an unknown page table keeps the old attachment
    When I replace the page table of $dev with 99
    Then it fails with ENOENT
    When I replace the page table of $dev with $ioas
    Then it succeeds
    And mock_domain_replace.pt_id is $dev_hwpt

  @DEVICE.REPLACE.UNKNOWN
  Scenario: The replace names the device by its selftest object
    When I replace the page table of $dev_idev with $ioas
    Then it fails with ENOENT
    When I replace the page table of 99 with $ioas
    Then it fails with ENOENT
    When I replace the page table of $ioas with $ioas
    Then it fails with ENOENT

  @DEVICE.REPLACE.UNKNOWN
  Scenario: The new page table must be an IOAS or a HWPT
    When I replace the page table of $dev with 0
    Then it fails with ENOENT
    When I replace the page table of $dev with $dev
    Then it fails with EINVAL
    When I replace the page table of $dev with $dev_idev
    Then it fails with EINVAL

  @DEVICE.NO_DIRTY.AUTO_DOMAIN
  Scenario: A device without dirty tracking shares an automatic HWPT
    When I attach a mock device with flags MOCK_FLAGS_DEVICE_NO_DIRTY to $ioas
    Then it succeeds
    And mock_domain.out_hwpt_id is $dev_hwpt
    Given a mock device with flags MOCK_FLAGS_DEVICE_NO_DIRTY attached to $ioas as $nd
    When I replace the page table of $nd with $ioas
    Then it succeeds
    And mock_domain_replace.pt_id is $dev_hwpt
