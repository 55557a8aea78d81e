@viommu
Feature: Nested HWPTs on a vIOMMU, and invalidation through a vIOMMU
  IOMMU_HWPT_ALLOC with a vIOMMU as pt_id makes a nested HWPT over the
  vIOMMU's nesting parent, tied to the vIOMMU: a device attaches to it only
  once it has a vDEVICE there. IOMMU_HWPT_INVALIDATE with a vIOMMU as hwpt_id
  hands the array to the vIOMMU's driver; the mock's requests, struct
  iommu_viommu_invalidate_selftest, clear the caches of the device whose
  vDEVICE has the virtual id vdev_id (IOMMU_TEST_OP_DEV_CHECK_CACHE shows them).

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And a paging HWPT for $dev_idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT as $parent
    And a selftest vIOMMU for $dev_idev on $parent as $viommu
    And user memory holding an iommu_hwpt_selftest as $data:
      | field | value                    |
      | iotlb | IOMMU_TEST_IOTLB_DEFAULT |

  @VIOMMU.NESTED.CREATES @VIOMMU.NESTED.HOLDS_VIOMMU
  Scenario: A nested HWPT on a vIOMMU holds the vIOMMU and its parent
    When I allocate a nested HWPT for $dev_idev on $viommu from 4 bytes of IOMMU_HWPT_DATA_SELFTEST at $data
    Then it succeeds
    And out_hwpt_id is $viommu + 1
    And I remember out_hwpt_id as $nested
    And the IOTLB entries of $nested are IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT and IOMMU_TEST_IOTLB_DEFAULT
    When I destroy $viommu
    Then it fails with EBUSY
    When I destroy $nested
    Then it succeeds
    When I destroy $viommu
    Then it succeeds
    When I destroy $parent
    Then it succeeds

  @VIOMMU.NESTED.CREATES
  Scenario: A nested HWPT on a vIOMMU may be PASID-compatible
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value                    |
      | flags     | IOMMU_HWPT_ALLOC_PASID   |
      | dev_id    | $dev_idev                |
      | pt_id     | $viommu                  |
      | data_type | IOMMU_HWPT_DATA_SELFTEST |
      | data_len  | 4                        |
      | data_uptr | $data                    |
    Then it succeeds

  @VIOMMU.NESTED.FLAGS
  Scenario Outline: Flags a nested HWPT cannot have are refused: <flags>
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value                    |
      | flags     | <flags>                  |
      | dev_id    | $dev_idev                |
      | pt_id     | $viommu                  |
      | data_type | IOMMU_HWPT_DATA_SELFTEST |
      | data_len  | 4                        |
      | data_uptr | $data                    |
    Then it fails with EOPNOTSUPP

    Examples:
      | flags                                  |
      | IOMMU_HWPT_ALLOC_NEST_PARENT           |
      | IOMMU_HWPT_ALLOC_DIRTY_TRACKING        |
      | IOMMU_HWPT_FAULT_ID_VALID \| 0x80000000 |

  @VIOMMU.NESTED.FAULT_ID
  Scenario: IOMMU_HWPT_FAULT_ID_VALID needs fault_id to name a fault queue
    When I call IOMMU_HWPT_ALLOC with:
      | field     | value                     |
      | flags     | IOMMU_HWPT_FAULT_ID_VALID |
      | dev_id    | $dev_idev                 |
      | pt_id     | $viommu                   |
      | data_type | IOMMU_HWPT_DATA_SELFTEST  |
      | data_len  | 4                         |
      | data_uptr | $data                     |
      | fault_id  | 0xffffffff                |
    Then it fails with ENOENT
    When I allocate a nested HWPT for $dev_idev on $viommu from 4 bytes of IOMMU_HWPT_DATA_SELFTEST at $data
    Then it succeeds
    And out_hwpt_id is $viommu + 1

  @VIOMMU.NESTED.NO_DATA
  Scenario: A nested HWPT on a vIOMMU needs driver data
    When I allocate a HWPT for $dev_idev on $viommu with flags 0
    Then it fails with EOPNOTSUPP

  @VIOMMU.NESTED.DATA_TYPE
  Scenario: Driver data of another type than IOMMU_HWPT_DATA_SELFTEST is refused by the mock
    When I allocate a nested HWPT for $dev_idev on $viommu from 4 bytes of IOMMU_HWPT_DATA_VTD_S1 at $data
    Then it fails with EOPNOTSUPP

  @VIOMMU.NESTED.ATTACH_NEEDS_VDEVICE
  Scenario: A device attaches to a nested HWPT of a vIOMMU only with its vDEVICE there
    Given a nested HWPT for $dev_idev on $viommu from 4 bytes of $data as $nested
    When I replace the page table of $dev with $nested
    Then it fails with ENOENT
    Given a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    When I replace the page table of $dev with $nested
    Then it succeeds
    When I destroy $nested
    Then it fails with EBUSY
    When I replace the page table of $dev with $ioas
    Then it succeeds
    When I destroy $nested
    Then it succeeds
    When I destroy $vdev
    Then it succeeds

  @VIOMMU.NESTED.ATTACH_NEEDS_VDEVICE
  Scenario: A vDEVICE on another vIOMMU does not do
    Given a selftest vIOMMU for $dev_idev on $parent as $other
    And a vDEVICE of $dev_idev on $other with virtual id 0x99 as $vdev
    And a nested HWPT for $dev_idev on $viommu from 4 bytes of $data as $nested
    When I replace the page table of $dev with $nested
    Then it fails with ENOENT

  @VIOMMU.INVALIDATE.EMPTY
  Scenario: An empty array of the vIOMMU's type checks the type alone
    When I send 0 invalidation entries of 12 bytes at $data of type IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST to $viommu
    Then it succeeds
    And entry_num is 0

  @VIOMMU.INVALIDATE.EMPTY
  Scenario: An empty array of another type is refused
    When I send 0 invalidation entries of 12 bytes at $data of type IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID to $viommu
    Then it fails with EINVAL
    And entry_num is 0

  @VIOMMU.INVALIDATE.CACHE @VIOMMU.INVALIDATE.ALL_CACHE_ID
  Scenario: Each request clears one cache entry of the device with that virtual id, or all of them
    Given a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    Then the cache entries of $dev_idev are IOMMU_TEST_DEV_CACHE_DEFAULT, IOMMU_TEST_DEV_CACHE_DEFAULT, IOMMU_TEST_DEV_CACHE_DEFAULT and IOMMU_TEST_DEV_CACHE_DEFAULT
    Given user memory holding these iommu_viommu_invalidate_selftest entries as $one:
      | flags | vdev_id | cache_id |
      | 0     | 0x99    | 1        |
    When I send 1 invalidation entries of 12 bytes at $one of type IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST to $viommu
    Then it succeeds
    And entry_num is 1
    And the cache entries of $dev_idev are IOMMU_TEST_DEV_CACHE_DEFAULT, 0, IOMMU_TEST_DEV_CACHE_DEFAULT and IOMMU_TEST_DEV_CACHE_DEFAULT
    Given user memory holding these iommu_viommu_invalidate_selftest entries as $two:
      | flags | vdev_id | cache_id |
      | 0     | 0x99    | 2        |
      | 0     | 0x99    | 3        |
    When I send 2 invalidation entries of 12 bytes at $two of type IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST to $viommu
    Then it succeeds
    And entry_num is 2
    And the cache entries of $dev_idev are IOMMU_TEST_DEV_CACHE_DEFAULT, 0, 0 and 0
    Given user memory holding these iommu_viommu_invalidate_selftest entries as $all:
      | flags                          | vdev_id | cache_id |
      | IOMMU_TEST_INVALIDATE_FLAG_ALL | 0x99    | 2        |
    When I send 1 invalidation entries of 12 bytes at $all of type IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST to $viommu
    Then it succeeds
    And entry_num is 1
    And every cache entry of $dev_idev is 0

  @VIOMMU.INVALIDATE.REFUSED
  Scenario Outline: A bad request is refused and nothing is handled: <what>
    Given a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    And user memory holding these iommu_viommu_invalidate_selftest entries as $req:
      | flags   | vdev_id   | cache_id   |
      | <flags> | <vdev_id> | <cache_id> |
    When I send 1 invalidation entries of <len> bytes at $req of type <type> to $viommu
    Then it fails with <errno>
    And entry_num is 0
    And every cache entry of $dev_idev is IOMMU_TEST_DEV_CACHE_DEFAULT

    Examples:
      | what                        | flags      | vdev_id | cache_id                  | len | type                                          | errno      |
      | another data type           | 0          | 0x99    | 0                         | 12  | IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID | EINVAL     |
      | unknown flags               | 0xffffffff | 0x99    | 0                         | 12  | IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST         | EOPNOTSUPP |
      | a cache id past the last    | 0          | 0x99    | MOCK_DEV_CACHE_ID_MAX + 1 | 12  | IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST         | EINVAL     |
      | a virtual id without vDEVICE | 0         | 0x9     | 0                         | 12  | IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST         | EINVAL     |
      | a zero entry one byte long  | 0          | 0       | 0                         | 1   | IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST         | EINVAL     |
      | an entry of 13 bytes        | 0          | 0       | 0                         | 13  | IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST         | EINVAL     |

  @VIOMMU.INVALIDATE.ALL_CACHE_ID
  Scenario: IOMMU_TEST_INVALIDATE_FLAG_ALL does not make a cache id past the last acceptable
    Given a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    And user memory holding these iommu_viommu_invalidate_selftest entries as $req:
      | flags                          | vdev_id | cache_id                  |
      | IOMMU_TEST_INVALIDATE_FLAG_ALL | 0x99    | MOCK_DEV_CACHE_ID_MAX + 1 |
    When I send 1 invalidation entries of 12 bytes at $req of type IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST to $viommu
    Then it fails with EINVAL
    And entry_num is 0
    And every cache entry of $dev_idev is IOMMU_TEST_DEV_CACHE_DEFAULT

  @VIOMMU.INVALIDATE.REFUSED
  Scenario Outline: The array itself is checked first: <what>
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                                 |
      | hwpt_id   | $viommu                               |
      | data_uptr | <uptr>                                |
      | data_type | IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST |
      | entry_len | <len>                                 |
      | entry_num | 1                                     |
    Then it fails with EINVAL
    And entry_num is 0

    Examples:
      | what                | uptr  | len |
      | no data_uptr        | 0     | 12  |
      | a zero entry_len    | $data | 0   |

  @VIOMMU.INVALIDATE.PARTIAL
  Scenario Outline: Requests run in order until one fails: entry_num counts those handled (<what>)
    Given a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    And user memory holding these iommu_viommu_invalidate_selftest entries as $reqs:
      | flags   | vdev_id | cache_id   |
      | 0       | 0x99    | 0          |
      | <flags> | 0x99    | <cache_id> |
    When I send 2 invalidation entries of 12 bytes at $reqs of type IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST to $viommu
    Then it fails with <errno>
    And entry_num is 1
    And the cache entries of $dev_idev are 0, IOMMU_TEST_DEV_CACHE_DEFAULT, IOMMU_TEST_DEV_CACHE_DEFAULT and IOMMU_TEST_DEV_CACHE_DEFAULT

    Examples:
      | what                  | flags      | cache_id                  | errno      |
      | unknown flags         | 0xffffffff | 1                         | EOPNOTSUPP |
      | a cache id past the last | 0       | MOCK_DEV_CACHE_ID_MAX + 1 | EINVAL     |

  @VIOMMU.INVALIDATE.UNREADABLE
  Scenario: An array that cannot be read whole is refused before any request runs
    Given a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    And user memory holding these iommu_viommu_invalidate_selftest entries just before an unmapped page as $reqs:
      | flags | vdev_id | cache_id |
      | 0     | 0x99    | 0        |
    When I send 2 invalidation entries of 12 bytes at $reqs of type IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST to $viommu
    Then it fails with EFAULT
    And entry_num is 0
    And every cache entry of $dev_idev is IOMMU_TEST_DEV_CACHE_DEFAULT

  @VIOMMU.INVALIDATE.NESTED_IOTLB
  Scenario: A nested HWPT of a vIOMMU is still invalidated through its own id
    Given a nested HWPT for $dev_idev on $viommu from 4 bytes of $data as $nested
    And user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags                          | iotlb_id |
      | IOMMU_TEST_INVALIDATE_FLAG_ALL | 0        |
    When I send 1 invalidation entries of 8 bytes at $reqs of type IOMMU_HWPT_INVALIDATE_DATA_SELFTEST to $nested
    Then it succeeds
    And the IOTLB entries of $nested are 0, 0, 0 and 0
