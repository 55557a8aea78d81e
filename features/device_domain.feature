@device
Feature: What the mock domain of an attached device maps
  Every HWPT_PAGING linked to an IOAS maps each of its areas page by page,
  whenever the area or the HWPT came first. The mock driver checks it:
  IOMMU_TEST_OP_MD_CHECK_MAP compares what its page table maps with the user
  memory, IOMMU_TEST_OP_MD_CHECK_REFS how often each page is pinned.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And 0x4000 bytes of user memory as $buf

  @DEVICE.DOMAIN.MAPS @DEVICE.DOMAIN.PINS
  Scenario Outline: An area of <length> bytes from offset <start> is mapped exactly and pinned once
    Given a mock device attached to $ioas as $dev
    Then the 0x4000 bytes at $buf are pinned 0 times
    When I map <length> bytes of $buf + <start> into $ioas
    Then it succeeds
    And I remember iova as $iova
    And the mock domain $dev_hwpt maps <length> bytes at IOVA $iova to $buf + <start>
    And the <pages> bytes at $buf + <first> are pinned 1 time
    When I unmap <length> bytes at IOVA $iova from $ioas
    Then it succeeds
    And the 0x4000 bytes at $buf are pinned 0 times

    Examples:
      | start  | length | first  | pages  |
      | 0      | 0x800  | 0      | 0x1000 |
      | 0x800  | 0x800  | 0      | 0x1000 |
      | 0x800  | 0x1000 | 0      | 0x2000 |
      | 0x1000 | 0x1000 | 0x1000 | 0x1000 |
      | 0x1800 | 0x1800 | 0x1000 | 0x2000 |
      | 0      | 0x3800 | 0      | 0x4000 |

  @DEVICE.DOMAIN.FILL @DEVICE.DOMAIN.PINS
  Scenario: A device attached after the map gets a domain filled with the area; pages are pinned once for any number of domains
    When I map 0x2800 bytes of $buf + 0x800 at IOVA MOCK_APERTURE_START + 0x800 into $ioas
    Then it succeeds
    And the 0x4000 bytes at $buf are pinned 0 times
    Given a mock device attached to $ioas as $dev
    Then the mock domain $dev_hwpt maps 0x2800 bytes at IOVA MOCK_APERTURE_START + 0x800 to $buf + 0x800
    And the 0x3000 bytes at $buf are pinned 1 time
    Given an IOAS as $other
    When I copy 0x2800 bytes at IOVA MOCK_APERTURE_START + 0x800 of $ioas to IOVA MOCK_APERTURE_START + 0x800 of $other
    Then it succeeds
    Given a mock device attached to $other as $other_dev
    Then the mock domain $other_dev_hwpt maps 0x2800 bytes at IOVA MOCK_APERTURE_START + 0x800 to $buf + 0x800
    And the 0x3000 bytes at $buf are pinned 1 time
    When I destroy $dev
    Then it succeeds
    And the 0x3000 bytes at $buf are pinned 1 time
    When I destroy $other_dev
    Then it succeeds
    And the 0x4000 bytes at $buf are pinned 0 times

  @DEVICE.DOMAIN.MAPS
  Scenario: The check refuses other memory, unmapped IOVA and unaligned arguments
    Given a mock device attached to $ioas as $dev
    When I map 0x2000 bytes of $buf into $ioas
    Then it succeeds
    And I remember iova as $iova
    When I check that the mock domain $dev_hwpt maps 0x1000 bytes at IOVA $iova to $buf + 0x1000
    Then it fails with EINVAL
    When I check that the mock domain $dev_hwpt maps 0x1000 bytes at IOVA $iova + 0x2000 to $buf + 0x2000
    Then it fails with EINVAL
    When I check that the mock domain $dev_hwpt maps 0x400 bytes at IOVA $iova to $buf
    Then it fails with EINVAL
    When I check that the mock domain $dev_hwpt maps 0x800 bytes at IOVA $iova + 0x400 to $buf + 0x400
    Then it fails with EINVAL
    When I check that the mock domain $ioas maps 0x800 bytes at IOVA $iova to $buf
    Then it fails with ENOENT
    Then the mock domain $dev_hwpt maps 0x2000 bytes at IOVA $iova to $buf

  @DEVICE.DOMAIN.READ_ONLY
  Scenario: A read-only mapping keeps mapping the same page when the process writes it afterwards
    Given a mock device attached to $ioas as $dev
    When I fill 0x1000 bytes at $buf with 1
    And I map 0x1000 bytes of $buf read-only at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds
    And the mock domain $dev_hwpt maps 0x1000 bytes at IOVA MOCK_APERTURE_START to $buf
    When I fill 0x1000 bytes at $buf with 2
    Then the mock domain $dev_hwpt maps 0x1000 bytes at IOVA MOCK_APERTURE_START to $buf
