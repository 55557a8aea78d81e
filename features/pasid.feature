@pasid
Feature: Attaching the PASIDs of a device
  Each PASID of a PASID-capable device has an attachment of its own, made with
  IOMMU_TEST_OP_PASID_ATTACH, changed with PASID_REPLACE and undone with
  PASID_DETACH; IOMMU_NO_PASID (0) is the device itself. Only a HWPT allocated
  with IOMMU_HWPT_ALLOC_PASID takes a PASID, so an IOAS and its automatic
  domains never do. PASID_CHECK_HWPT tells what a PASID is attached to.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device with flags MOCK_FLAGS_DEVICE_PASID attached to $ioas as $dev

  @PASID.ATTACH.NOT_COMPAT
  Scenario: A PASID cannot be attached to an IOAS
    When I attach PASID 100 of $dev to $ioas
    Then it fails with EINVAL
    And PASID 100 of $dev is attached to nothing
    # Nothing was created for it: the IOAS keeps its one automatic HWPT.
    When I attach a mock device to $ioas
    Then it succeeds
    And mock_domain.out_hwpt_id is $dev_hwpt

  @PASID.ATTACH.NOT_COMPAT
  Scenario: A PASID cannot be attached to an automatic HWPT
    When I attach PASID 100 of $dev to $dev_hwpt
    Then it fails with EINVAL
    And PASID 100 of $dev is attached to nothing
    When I destroy $dev
    Then it succeeds
    When I destroy $ioas
    Then it succeeds

  @PASID.ATTACH.BUSY
  Scenario Outline: The device itself is attached already: attaching PASID 0 to <target> is refused
    When I attach PASID 0 of $dev to <target>
    Then it fails with EBUSY
    And PASID 0 of $dev is attached to $dev_hwpt

    Examples:
      | target    |
      | $ioas     |
      | $dev_hwpt |

  @PASID.ATTACH.BUSY
  Scenario: Attaching PASID 0 to another IOAS is refused too and creates nothing
    Given an IOAS as $other
    When I attach PASID 0 of $dev to $other
    Then it fails with EBUSY
    When I destroy $other
    Then it succeeds

  @PASID.DETACH.ANY
  Scenario: Detaching a PASID that is not attached succeeds
    When I detach PASID 100 of $dev
    Then it succeeds
    And PASID 100 of $dev is attached to nothing
    When I detach PASID 0xffffffff of $dev
    Then it succeeds
    And PASID 0 of $dev is attached to $dev_hwpt

  @PASID.DETACH.ANY
  Scenario: A device without PASID support may detach a PASID too
    Given a mock device attached to $ioas as $plain
    When I detach PASID 100 of $plain
    Then it succeeds

  @PASID.DETACH.NO_PASID
  Scenario: Detaching PASID 0 detaches the device itself, and attaching it attaches it again
    Given 4096 bytes of user memory as $buf
    And 4096 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    When I detach PASID 0 of $dev
    Then it succeeds
    And PASID 0 of $dev is attached to nothing
    And the IOVA ranges of $ioas are:
      | start | last               |
      | 0     | 0xffffffffffffffff |
    When I destroy $dev_hwpt
    Then it fails with ENOENT
    When I destroy $ioas
    Then it succeeds
    Given an IOAS as $ioas2
    When I attach PASID 0 of $dev to $ioas2
    Then it succeeds
    And I remember pasid_attach.pt_id as $hwpt2
    And PASID 0 of $dev is attached to $hwpt2
    And the IOVA ranges of $ioas2 are:
      | start               | last               |
      | MOCK_APERTURE_START | MOCK_APERTURE_LAST |
    When I destroy $dev
    Then it succeeds
    When I destroy $ioas2
    Then it succeeds

  @PASID.REPLACE.NOT_ATTACHED
  Scenario Outline: Replacing the HWPT of a PASID that is not attached, with <target>, is refused
    When I replace the page table of PASID 100 of $dev with <target>
    Then it fails with EINVAL
    And PASID 100 of $dev is attached to nothing

    Examples:
      | target    |
      | $ioas     |
      | $dev_hwpt |

  @PASID.REPLACE.NOT_ATTACHED
  Scenario: A refused replace with an IOAS leaves no HWPT behind
    Given an IOAS as $other
    When I replace the page table of PASID 100 of $dev with $other
    Then it fails with EINVAL
    When I destroy $other
    Then it succeeds

  @PASID.CHECK.HWPT
  Scenario: PASID 0 reports the device's own HWPT
    Then PASID 0 of $dev is attached to $dev_hwpt
    When I check that PASID 0 of $dev is attached to 0
    Then it fails with EINVAL
    Given an IOAS as $other
    And a mock device attached to $other as $other_dev
    When I check that PASID 0 of $dev is attached to $other_dev_hwpt
    Then it fails with EINVAL
    When I replace the page table of PASID 0 of $dev with $other_dev_hwpt
    Then it succeeds
    And pasid_attach.pt_id is $other_dev_hwpt
    And PASID 0 of $dev is attached to $other_dev_hwpt

  @PASID.CHECK.HWPT
  Scenario: The HWPT id to check must name a HWPT
    When I check that PASID 0 of $dev is attached to 99
    Then it fails with ENOENT
    When I check that PASID 0 of $dev is attached to $ioas
    Then it fails with EINVAL
    When I check that PASID 0 of $dev is attached to $dev_idev
    Then it fails with EINVAL

  @PASID.CHECK.HWPT
  Scenario Outline: The PASID ops name the device by its selftest object, not <what>
    When I check that PASID 0 of <id> is attached to 0
    Then it fails with ENOENT
    When I attach PASID 100 of <id> to $ioas
    Then it fails with ENOENT
    When I replace the page table of PASID 100 of <id> with $ioas
    Then it fails with ENOENT
    When I detach PASID 100 of <id>
    Then it fails with ENOENT

    Examples:
      | what          | id        |
      | its device    | $dev_idev |
      | an unknown id | 99        |
