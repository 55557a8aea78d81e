@device
Feature: Devices and their attachment to page tables
  A device bound to an iommufd (here the selftest's mock device) is attached to
  an IOAS through an automatic HWPT_PAGING, reused while it suits the device, or
  directly to a HWPT. MOCK_DOMAIN_REPLACE moves it to another page table
  without a detach; a failed replace changes nothing. What a device uses
  cannot be destroyed while it is attached.

  Background:
    Given an open iommufd
    And an IOAS as $ioas

  @DEVICE.BIND.IDS
  Scenario: A mock device answers its selftest object, its device and its page table
    When I attach a mock device to $ioas
    Then it succeeds
    And mock_domain.out_stdev_id is not 0
    And mock_domain.out_idev_id is not 0
    And mock_domain.out_hwpt_id is not 0
    And I remember mock_domain.out_stdev_id as $stdev
    And I remember mock_domain.out_idev_id as $idev
    And I remember mock_domain.out_hwpt_id as $hwpt
    And $stdev and $idev are different
    And $stdev and $hwpt are different
    And $idev and $hwpt are different
    And $ioas and $hwpt are different

  @DEVICE.BIND.FLAGS
  Scenario Outline: The mock device flags <flags> are accepted
    When I attach a mock device with flags <flags> to $ioas
    Then it succeeds

    Examples:
      | flags                      |
      | 0                          |
      | MOCK_FLAGS_DEVICE_NO_DIRTY |

  @DEVICE.BIND.PASID_FLAG
  Scenario Outline: The mock device flags <flags> make a PASID-capable device
    When I attach a mock device with flags <flags> to $ioas
    Then it succeeds

    Examples:
      | flags                                                  |
      | MOCK_FLAGS_DEVICE_PASID                                |
      | MOCK_FLAGS_DEVICE_NO_DIRTY \| MOCK_FLAGS_DEVICE_PASID  |

  @DEVICE.BIND.FLAGS
  Scenario: An unknown mock device flag is refused and nothing is created
    When I attach a mock device with flags 8 to $ioas
    Then it fails with EINVAL
    When I destroy $ioas
    Then it succeeds

  @DEVICE.ATTACH.AUTO_DOMAIN
  Scenario: Attaching to an IOAS creates an automatic HWPT and makes the IOAS busy
    Given a mock device attached to $ioas as $dev
    Then $dev_hwpt and $ioas are different
    When I destroy $ioas
    Then it fails with EBUSY

  @DEVICE.ATTACH.AUTO_DOMAIN @DEVICE.DESTROY.SELFTEST
  Scenario: An IOAS with a mapping and a device is busy until the device goes
    Given 4096 bytes of user memory as $buf
    And 4096 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    And a mock device attached to $ioas as $dev
    When I destroy $ioas
    Then it fails with EBUSY
    When I destroy $dev
    Then it succeeds
    When I destroy $ioas
    Then it succeeds

  @DEVICE.ATTACH.AUTO_DOMAIN_REUSED
  Scenario: A second device on the same IOAS shares its automatic HWPT
    Given a mock device attached to $ioas as $dev
    When I attach a mock device to $ioas
    Then it succeeds
    And mock_domain.out_hwpt_id is $dev_hwpt

  @DEVICE.ATTACH.AUTO_DOMAIN_REUSED
  Scenario: Another IOAS gets an automatic HWPT of its own
    Given a mock device attached to $ioas as $dev
    And an IOAS as $other
    And a mock device attached to $other as $other_dev
    Then $dev_hwpt and $other_dev_hwpt are different

  @DEVICE.ATTACH.AUTO_DOMAIN_FREED
  Scenario: The automatic HWPT goes with its last device
    Given a mock device attached to $ioas as $dev
    And a mock device attached to $ioas as $dev2
    When I destroy $dev
    Then it succeeds
    # The second device still holds it.
    When I attach a mock device to $dev_hwpt
    Then it succeeds
    And I remember mock_domain.out_stdev_id as $direct
    When I destroy $dev2
    Then it succeeds
    # The device attached directly to it holds it too; then it goes with that one.
    When I destroy $direct
    Then it succeeds
    When I attach a mock device to $dev_hwpt
    Then it fails with ENOENT
    When I destroy $ioas
    Then it succeeds

  @DEVICE.ATTACH.HWPT
  Scenario: A device attached to a HWPT directly uses that HWPT
    Given a mock device attached to $ioas as $dev
    When I attach a mock device to $dev_hwpt
    Then it succeeds
    And mock_domain.out_hwpt_id is $dev_hwpt

  @DEVICE.ATTACH.UNKNOWN_ID
  Scenario: A device cannot be attached to an id that names nothing
    When I attach a mock device to 99
    Then it fails with ENOENT
    When I attach a mock device to 0
    Then it fails with ENOENT
    When I destroy $ioas
    Then it succeeds

  @DEVICE.ATTACH.WRONG_TYPE
  Scenario: A device cannot be attached to a device or a selftest object
    Given a mock device attached to $ioas as $dev
    When I attach a mock device to $dev_idev
    Then it fails with EINVAL
    When I attach a mock device to $dev
    Then it fails with EINVAL
    When I replace the page table of $dev with $dev_idev
    Then it fails with EINVAL

  @DEVICE.ATTACH.RANGES
  Scenario: A device narrows the ranges of its IOAS to the mock aperture until it goes
    Given a mock device attached to $ioas as $dev
    Then the IOVA ranges of $ioas are:
      | start               | last               |
      | MOCK_APERTURE_START | MOCK_APERTURE_LAST |
    And the IOVA alignment of $ioas is MOCK_PAGE_SIZE
    Given a mock device attached to $ioas as $dev2
    When I destroy $dev
    Then it succeeds
    And the IOVA ranges of $ioas are:
      | start               | last               |
      | MOCK_APERTURE_START | MOCK_APERTURE_LAST |
    When I destroy $dev2
    Then it succeeds
    And the IOVA ranges of $ioas are:
      | start | last               |
      | 0     | 0xffffffffffffffff |
    And the IOVA alignment of $ioas is 1

  @DEVICE.ATTACH.RANGES
  Scenario: A reserved range inside the aperture splits the narrowed range
    Given 0x1000 bytes at IOVA MOCK_APERTURE_START + 0x100000 reserved in $ioas
    And a mock device attached to $ioas as $dev
    Then the IOVA ranges of $ioas are:
      | start                          | last                            |
      | MOCK_APERTURE_START            | MOCK_APERTURE_START + 0xfffff   |
      | MOCK_APERTURE_START + 0x101000 | MOCK_APERTURE_LAST              |

  @DEVICE.ATTACH.MAPPED_OUTSIDE
  Scenario: A mapping below the aperture keeps a device out
    Given 4096 bytes of user memory as $buf
    And 4096 bytes of $buf mapped at IOVA 0x1000 in $ioas
    When I attach a mock device to $ioas
    Then it fails with EADDRINUSE
    And the IOVA ranges of $ioas are:
      | start | last               |
      | 0     | 0xffffffffffffffff |
    When I destroy $ioas
    Then it succeeds

  @DEVICE.ATTACH.MAPPED_OUTSIDE
  Scenario: A mapping above the aperture keeps a device out
    Given 4096 bytes of user memory as $buf
    And 4096 bytes of $buf mapped at IOVA MOCK_APERTURE_LAST + 1 in $ioas
    When I attach a mock device to $ioas
    Then it fails with EADDRINUSE

  @DEVICE.ATTACH.ALLOWED_OUTSIDE
  Scenario: An allowed range outside the aperture keeps a device out
    When I allow these IOVA ranges in $ioas:
      | start  | last   |
      | 0x1000 | 0x1fff |
    Then it succeeds
    When I attach a mock device to $ioas
    Then it fails with EADDRINUSE
    When I allow these IOVA ranges in $ioas:
      | start               | last                         |
      | MOCK_APERTURE_START | MOCK_APERTURE_START + 0xffff |
    Then it succeeds
    When I attach a mock device to $ioas
    Then it succeeds

  @DEVICE.DESTROY.HWPT_BUSY
  Scenario: A HWPT with a device attached is busy
    Given a mock device attached to $ioas as $dev
    When I destroy $dev_hwpt
    Then it fails with EBUSY
    When I attach a mock device to $dev_hwpt
    Then it succeeds

  @DEVICE.DESTROY.DEVICE_BUSY @DEVICE.DESTROY.SELFTEST
  Scenario: The device object goes only with its selftest object
    Given a mock device attached to $ioas as $dev
    When I destroy $dev_idev
    Then it fails with EBUSY
    When I destroy $dev
    Then it succeeds
    When I destroy $dev_idev
    Then it fails with ENOENT
    When I destroy $dev_hwpt
    Then it fails with ENOENT
    And the IOVA ranges of $ioas are:
      | start | last               |
      | 0     | 0xffffffffffffffff |

  @DEVICE.CLOSE.TEARDOWN
  Scenario: Closing the iommufd releases devices, page tables and pins
    Given 0x4000 bytes of user memory as $buf
    And 0x4000 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    And a mock device attached to $ioas as $dev
    And a mock device attached to $dev_hwpt as $dev2
    And an IOAS as $other
    And a mock device attached to $other as $dev3
    Then VmPin of this process is 16 kB
    When I close the iommufd
    Then VmPin of this process is 0 kB

  @DEVICE.CACHE.DEFAULT
  Scenario: A new mock device's cache entries hold the default value
    Given a mock device attached to $ioas as $dev
    And a mock device with flags MOCK_FLAGS_DEVICE_PASID attached to $ioas as $dev2
    Then every cache entry of $dev_idev is IOMMU_TEST_DEV_CACHE_DEFAULT
    And every cache entry of $dev2_idev is IOMMU_TEST_DEV_CACHE_DEFAULT

  @DEVICE.CACHE.CHECK
  Scenario: The cache check refuses other values, entries past the last and ids of other objects
    Given a mock device attached to $ioas as $dev
    When I check that cache entry 0 of $dev_idev is 0
    Then it fails with EINVAL
    When I check that cache entry MOCK_DEV_CACHE_ID_MAX of $dev_idev is IOMMU_TEST_DEV_CACHE_DEFAULT + 1
    Then it fails with EINVAL
    When I check that cache entry MOCK_DEV_CACHE_ID_MAX + 1 of $dev_idev is IOMMU_TEST_DEV_CACHE_DEFAULT
    Then it fails with EINVAL
    When I check that cache entry 0 of $dev is IOMMU_TEST_DEV_CACHE_DEFAULT
    Then it fails with ENOENT
    When I check that cache entry 0 of $dev_hwpt is IOMMU_TEST_DEV_CACHE_DEFAULT
    Then it fails with ENOENT
    When I check that cache entry 0 of 99 is IOMMU_TEST_DEV_CACHE_DEFAULT
    Then it fails with ENOENT

  @DEVICE.ATTACH.RANGES
  Scenario: With a device attached, a reserved range outside the aperture changes nothing
    Given a mock device attached to $ioas as $dev
    And 0x1000 bytes at IOVA 0x1000 reserved in $ioas
    When I ask for the IOVA ranges of $ioas with room for 1 range
    Then it succeeds
    And num_iovas is 1
    And the ranges written are:
      | start               | last               |
      | MOCK_APERTURE_START | MOCK_APERTURE_LAST |
    When I ask for the IOVA ranges of $ioas with room for 0 ranges
    Then it fails with EMSGSIZE
    And num_iovas is 1

  @DEVICE.DESTROY.SELFTEST
  Scenario: A device goes while an access still pins pages of its IOAS
    Given 0x4000 bytes of user memory as $buf
    And 0x4000 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    When I call IOMMU_TEST_CMD with:
      | field               | value                                    |
      | op                  | IOMMU_TEST_OP_CREATE_ACCESS              |
      | id                  | $ioas                                    |
      | create_access.flags | MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES |
    Then it succeeds
    And I remember create_access.out_access_fd as $access
    Given a mock device attached to $ioas as $dev
    When I call IOMMU_TEST_CMD with:
      | field               | value                        |
      | op                  | IOMMU_TEST_OP_ACCESS_PAGES   |
      | id                  | $access                      |
      | access_pages.iova   | MOCK_APERTURE_START + 0x1000 |
      | access_pages.length | 0x1000                       |
    Then it succeeds
    And I remember access_pages.out_access_pages_id as $pages
    And VmPin of this process is 16 kB
    When I destroy $dev
    Then it succeeds
    And VmPin of this process is 4 kB
    When I call IOMMU_TEST_CMD with:
      | field                                | value                              |
      | op                                   | IOMMU_TEST_OP_DESTROY_ACCESS_PAGES |
      | id                                   | $access                            |
      | destroy_access_pages.access_pages_id | $pages                             |
    Then it succeeds
    And VmPin of this process is 0 kB

  @DEVICE.ALLOC.IN_APERTURE @linux
  Scenario: With a device attached, automatic placement stays inside the aperture
    Given a mock device attached to $ioas as $dev
    # The placement keeps the alignment of the user address too: make it at least the length's.
    And 0x4000 bytes of user memory aligned to 0x4000 as $buf
    When I map 0x1000 bytes of $buf into $ioas
    Then it succeeds
    And iova is MOCK_APERTURE_START
    When I map 0x2000 bytes of $buf into $ioas
    Then it succeeds
    And iova is MOCK_APERTURE_START + 0x2000
    When I map 0x3000 bytes of $buf into $ioas
    Then it succeeds
    And iova is MOCK_APERTURE_START + 0x4000
    When I allow these IOVA ranges in $ioas:
      | start                          | last                            |
      | MOCK_APERTURE_START + 0x100000 | MOCK_APERTURE_START + 0x1fffff  |
    Then it succeeds
    When I map 0x1000 bytes of $buf into $ioas
    Then it succeeds
    And iova is MOCK_APERTURE_START + 0x100000
