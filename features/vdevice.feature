@viommu
Feature: IOMMU_VDEVICE_ALLOC gives a device its virtual id on a vIOMMU
  A vDEVICE ties a physical device to a vIOMMU under the id the guest knows
  it by (a vSID, vDeviceID or vRID). Virtual ids are unique per vIOMMU and a
  device has at most one vDEVICE. It holds its vIOMMU busy; a device unbound
  while its vDEVICE exists takes the vDEVICE with it and leaves its id taken.

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

  @VDEVICE.VIRT_ID.ANY
  Scenario Outline: Any 64-bit virtual id is accepted: <virt>
    When I allocate a vDEVICE of $dev_idev on $viommu with virtual id <virt>
    Then it succeeds

    Examples:
      | virt               |
      | 0                  |
      | 0xffffffff         |
      | 0x100000000        |
      | 0xffffffffffffffff |

  @VDEVICE.VIOMMU_ID
  Scenario Outline: viommu_id must name a vIOMMU: <what>
    When I allocate a vDEVICE of $dev_idev on <viommu> with virtual id 0x99
    Then it fails with ENOENT

    Examples:
      | what       | viommu    |
      | no object  | 0         |
      | an IOAS    | $ioas     |
      | a HWPT     | $parent   |
      | a device   | $dev_idev |

  @VDEVICE.VIOMMU_ID
  Scenario: The vIOMMU is looked up before the device
    When I allocate a vDEVICE of 0 on 0 with virtual id 0x99
    Then it fails with ENOENT

  @VDEVICE.DEV_ID
  Scenario Outline: dev_id must name a device: <what>
    When I allocate a vDEVICE of <dev> on $viommu with virtual id 0x99
    Then it fails with ENOENT

    Examples:
      | what              | dev     |
      | no object         | 0       |
      | the vIOMMU        | $viommu |
      | a selftest object | $dev    |

  @VDEVICE.VIRT_ID.UNIQUE
  Scenario: A virtual id is taken once per vIOMMU
    Given a mock device attached to $ioas as $dev2
    And a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    When I allocate a vDEVICE of $dev2_idev on $viommu with virtual id 0x99
    Then it fails with EEXIST
    When I allocate a vDEVICE of $dev2_idev on $viommu with virtual id 0x88
    Then it succeeds
    And out_vdevice_id is $vdev + 1

  @VDEVICE.VIRT_ID.UNIQUE
  Scenario: The same virtual id may be used on another vIOMMU
    Given a mock device attached to $ioas as $dev2
    And a selftest vIOMMU for $dev2_idev on $parent as $viommu2
    And a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    When I allocate a vDEVICE of $dev2_idev on $viommu2 with virtual id 0x99
    Then it succeeds

  @VDEVICE.VIRT_ID.REUSE
  Scenario: A destroyed vDEVICE's virtual id and device are free again
    Given a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    When I destroy $vdev
    Then it succeeds
    When I allocate a vDEVICE of $dev_idev on $viommu with virtual id 0x88
    Then it succeeds
    And I remember out_vdevice_id as $vdev88
    When I destroy $vdev88
    Then it succeeds
    When I allocate a vDEVICE of $dev_idev on $viommu with virtual id 0x99
    Then it succeeds

  @VDEVICE.ONE_PER_DEVICE
  Scenario: A device has at most one vDEVICE, on any vIOMMU
    Given a selftest vIOMMU for $dev_idev on $parent as $viommu2
    And a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    When I allocate a vDEVICE of $dev_idev on $viommu with virtual id 0x88
    Then it fails with EEXIST
    When I allocate a vDEVICE of $dev_idev on $viommu2 with virtual id 0x99
    Then it fails with EEXIST
    When I allocate a vDEVICE of $dev_idev on $viommu2 with virtual id 0x77
    Then it fails with EEXIST

  @VDEVICE.ALLOC.FAILED_LEAVES_NOTHING @linux
  Scenario: A refused vDEVICE leaves no object and no virtual id behind
    Given a mock device attached to $ioas as $dev2
    And a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    When I allocate a vDEVICE of $dev2_idev on $viommu with virtual id 0x99
    Then it fails with EEXIST
    When I allocate a vDEVICE of $dev_idev on $viommu with virtual id 0x88
    Then it fails with EEXIST
    When I destroy $vdev
    Then it succeeds
    When I allocate a vDEVICE of $dev2_idev on $viommu with virtual id 0x99
    Then it succeeds
    And out_vdevice_id is $vdev

  @VDEVICE.TOMBSTONE
  Scenario: Unbinding the device destroys its vDEVICE and leaves the id a tombstone
    Given a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    When I destroy $dev
    Then it succeeds
    When I destroy $vdev
    Then it fails with ENOENT
    When I destroy $viommu
    Then it succeeds

  @VDEVICE.TOMBSTONE
  Scenario: A tombstone's id is not handed out again while the file is open
    Given a mock device attached to $ioas as $dev2
    And a vDEVICE of $dev2_idev on $viommu with virtual id 0x99 as $vdev
    When I destroy $dev2
    Then it succeeds
    # The two ids of $dev2 (its selftest object and device; it shared $dev's automatic domain) are free again; the vDEVICE's is not.
    Given an IOAS as $a
    And an IOAS as $b
    When I call IOMMU_IOAS_ALLOC with no fields set
    Then it succeeds
    And out_ioas_id is $vdev + 1

  @VDEVICE.TOMBSTONE
  Scenario: The virtual id of a tombstoned vDEVICE is free on its vIOMMU
    Given a mock device attached to $ioas as $dev2
    And a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    When I destroy $dev
    Then it succeeds
    When I allocate a vDEVICE of $dev2_idev on $viommu with virtual id 0x99
    Then it succeeds

  @VDEVICE.TOMBSTONE
  Scenario: A file with tombstones closes
    Given a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    When I destroy $dev
    Then it succeeds
    When I close the iommufd
