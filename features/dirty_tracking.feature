@dirty
Feature: Turning dirty tracking of a paging HWPT on and off
  A paging HWPT allocated with IOMMU_HWPT_ALLOC_DIRTY_TRACKING has a domain
  that can record which IOPTEs a device wrote through. IOMMU_HWPT_SET_DIRTY_TRACKING
  turns that recording on (flags IOMMU_HWPT_DIRTY_TRACKING_ENABLE) or off
  (flags 0); turning it on first clears what was recorded, so that the next
  read of the dirty bitmap starts from a clean state. Only devices whose IOMMU
  can track may be attached to such a HWPT. Here the mock IOMMU of the
  selftest stands in for the hardware: IOMMU_TEST_OP_DIRTY marks its IOPTEs
  dirty as a device's writes would.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And huge pages are off in $ioas
    And a mock device attached to $ioas as $dev

  @DIRTY.SET.FLAGS_UNKNOWN
  Scenario Outline: A flag other than ENABLE is refused before the HWPT is looked up: <flags>
    When I call IOMMU_HWPT_SET_DIRTY_TRACKING with:
      | field   | value   |
      | flags   | <flags> |
      | hwpt_id | 0       |
    Then it fails with EOPNOTSUPP

    Examples:
      | flags      |
      | 2          |
      | 3          |
      | 0x80000000 |

  @DIRTY.SET.HWPT_ID
  Scenario Outline: hwpt_id must name a paging HWPT: <what>
    When I call IOMMU_HWPT_SET_DIRTY_TRACKING with:
      | field   | value                            |
      | flags   | IOMMU_HWPT_DIRTY_TRACKING_ENABLE |
      | hwpt_id | <id>                             |
    Then it fails with ENOENT

    Examples:
      | what                   | id        |
      | no object              | 0         |
      | an unused id           | 1000      |
      | an IOAS                | $ioas     |
      | the selftest object    | $dev      |
      | the device             | $dev_idev |

  @DIRTY.SET.NOT_SUPPORTED
  Scenario Outline: A HWPT without dirty tracking refuses to turn it <state> (<what>)
    Given a HWPT without dirty tracking for $dev on $ioas as $plain
    When I call IOMMU_HWPT_SET_DIRTY_TRACKING with:
      | field   | value   |
      | flags   | <flags> |
      | hwpt_id | <hwpt>  |
    Then it fails with EOPNOTSUPP

    Examples:
      | what                        | state | flags                            | hwpt      |
      | allocated without the flag  | on    | IOMMU_HWPT_DIRTY_TRACKING_ENABLE | $plain    |
      | allocated without the flag  | off   | 0                                | $plain    |
      | the device's automatic one  | on    | IOMMU_HWPT_DIRTY_TRACKING_ENABLE | $dev_hwpt |
      | the device's automatic one  | off   | 0                                | $dev_hwpt |

  @DIRTY.SET.TOGGLE
  Scenario: Tracking turns on and off, and either again without complaint
    Given a HWPT with dirty tracking for $dev on $ioas as $hwpt
    When I turn dirty tracking on for $hwpt
    Then it succeeds
    When I turn dirty tracking on for $hwpt
    Then it succeeds
    When I turn dirty tracking off for $hwpt
    Then it succeeds
    When I turn dirty tracking off for $hwpt
    Then it succeeds

  @DIRTY.SET.TOGGLE
  Scenario: Tracking may be turned off while it was never on
    Given a HWPT with dirty tracking for $dev on $ioas as $hwpt
    When I turn dirty tracking off for $hwpt
    Then it succeeds

  @DIRTY.SET.RESERVED
  Scenario: A non-zero __reserved field is not looked at
    Given a HWPT with dirty tracking for $dev on $ioas as $hwpt
    When I call IOMMU_HWPT_SET_DIRTY_TRACKING with:
      | field      | value                            |
      | flags      | IOMMU_HWPT_DIRTY_TRACKING_ENABLE |
      | hwpt_id    | $hwpt                            |
      | __reserved | 1                                |
    Then it succeeds

  @DIRTY.SET.ENABLE_CLEARS
  Scenario: Turning tracking on again clears the dirty IOPTEs of every area
    Given 16384 bytes of user memory as $a
    And 16384 bytes of user memory as $b
    And 16384 bytes of $a mapped at IOVA MOCK_APERTURE_START in $ioas
    And 16384 bytes of $b mapped at IOVA MOCK_APERTURE_START + 0x100000 in $ioas
    And a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And dirty tracking is on for $hwpt
    And the 2048-byte pages "0, 4" of 16384 bytes at IOVA MOCK_APERTURE_START of $hwpt are dirty
    And the 2048-byte pages "7" of 16384 bytes at IOVA MOCK_APERTURE_START + 0x100000 of $hwpt are dirty
    And 4096 bytes of user memory as $bits
    When I turn dirty tracking on for $hwpt
    Then it succeeds
    When I read the dirty bits of 16384 bytes at IOVA MOCK_APERTURE_START of $hwpt in 2048-byte pages into $bits
    Then it succeeds
    When I read the dirty bits of 16384 bytes at IOVA MOCK_APERTURE_START + 0x100000 of $hwpt in 2048-byte pages into $bits + 8
    Then it succeeds
    And of the 128 bits at $bits exactly "none" are set

  @DIRTY.SET.ENABLE_CLEARS @DIRTY.SET.DISABLE_KEEPS @linux
  Scenario: Turning tracking off keeps what was recorded, turning it on clears it
    Given 16384 bytes of user memory as $a
    And 16384 bytes of $a mapped at IOVA MOCK_APERTURE_START in $ioas
    And a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And dirty tracking is on for $hwpt
    And the 2048-byte pages "2" of 16384 bytes at IOVA MOCK_APERTURE_START of $hwpt are dirty
    And 4096 bytes of user memory as $bits
    When I turn dirty tracking off for $hwpt
    Then it succeeds
    When I read the dirty bits of 16384 bytes at IOVA MOCK_APERTURE_START of $hwpt in 2048-byte pages into $bits without clearing them
    Then it succeeds
    And of the 8 bits at $bits exactly "2-3" are set
    When I turn dirty tracking on for $hwpt
    Then it succeeds
    When I clear the 8 bytes at $bits
    And I read the dirty bits of 16384 bytes at IOVA MOCK_APERTURE_START of $hwpt in 2048-byte pages into $bits
    Then it succeeds
    And of the 8 bits at $bits exactly "none" are set

  @DIRTY.ALLOC.NO_DIRTY_DEVICE
  Scenario: A device whose IOMMU cannot track gets no HWPT with dirty tracking
    Given an IOAS as $other
    And a mock device with flags MOCK_FLAGS_DEVICE_NO_DIRTY attached to $other as $nd
    When I allocate a HWPT with dirty tracking for $nd on $other
    Then it fails with EOPNOTSUPP

  @DIRTY.ATTACH.NO_DIRTY_DEVICE @DEVICE.NO_DIRTY.DIRTY_HWPT
  Scenario: A device whose IOMMU cannot track is not attached to a HWPT with dirty tracking
    Given a HWPT with dirty tracking for $dev on $ioas as $hwpt
    When I attach a mock device to $hwpt
    Then it succeeds
    When I attach a mock device with flags MOCK_FLAGS_DEVICE_NO_DIRTY to $hwpt
    Then it fails with EINVAL

  @DIRTY.ATTACH.NO_DIRTY_DEVICE
  Scenario: A device whose IOMMU cannot track still gets an automatic domain of an IOAS
    When I attach a mock device with flags MOCK_FLAGS_DEVICE_NO_DIRTY to $ioas
    Then it succeeds
