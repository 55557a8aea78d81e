@hwpt
Feature: IOMMU_HWPT_INVALIDATE flushes the caches of a nested HWPT
  After changing a user-managed stage-1 table, the caller passes the kernel an
  array of invalidation requests in the driver's format. entry_num says how
  many there are and comes back as how many were handled. The mock driver's
  request, struct iommu_hwpt_invalidate_selftest, clears one entry of the
  nested HWPT's mock IOTLB, or all of them with IOMMU_TEST_INVALIDATE_FLAG_ALL;
  IOMMU_TEST_OP_MD_CHECK_IOTLB shows the result.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And a paging HWPT for $dev_idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT as $parent
    And user memory holding an iommu_hwpt_selftest as $data:
      | field | value                    |
      | iotlb | IOMMU_TEST_IOTLB_DEFAULT |
    And a nested HWPT for $dev_idev on $parent from 4 bytes of $data as $nested

  @HWPT_INVALIDATE.TARGET.NESTED @HWPT_INVALIDATE.ENTRY.CLEARS @HWPT_INVALIDATE.ENTRY_NUM.HANDLED
  Scenario: Each entry clears one IOTLB entry
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags | iotlb_id |
      | 0     | 1        |
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | $reqs                               |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 8                                   |
      | entry_num | 1                                   |
    Then it succeeds
    And entry_num is 1
    And the IOTLB entries of $nested are IOMMU_TEST_IOTLB_DEFAULT, 0, IOMMU_TEST_IOTLB_DEFAULT and IOMMU_TEST_IOTLB_DEFAULT
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $two:
      | flags | iotlb_id |
      | 0     | 2        |
      | 0     | 3        |
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | $two                                |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 8                                   |
      | entry_num | 2                                   |
    Then it succeeds
    And entry_num is 2
    And the IOTLB entries of $nested are IOMMU_TEST_IOTLB_DEFAULT, 0, 0 and 0

  @HWPT_INVALIDATE.ENTRY.ALL
  Scenario: IOMMU_TEST_INVALIDATE_FLAG_ALL clears every entry whatever iotlb_id holds
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags                          | iotlb_id |
      | IOMMU_TEST_INVALIDATE_FLAG_ALL | 3        |
    And a nested HWPT for $dev_idev on $parent from 4 bytes of $data as $other
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | $reqs                               |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 8                                   |
      | entry_num | 1                                   |
    Then it succeeds
    And entry_num is 1
    And the IOTLB entries of $nested are 0, 0, 0 and 0
    And the IOTLB entries of $other are IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT and IOMMU_TEST_IOTLB_DEFAULT

  @HWPT_INVALIDATE.ENTRY.ALL @HWPT_INVALIDATE.ENTRY.IOTLB_ID
  Scenario: IOMMU_TEST_INVALIDATE_FLAG_ALL still refuses an iotlb_id past the last
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags                          | iotlb_id   |
      | IOMMU_TEST_INVALIDATE_FLAG_ALL | 0xffffffff |
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | $reqs                               |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 8                                   |
      | entry_num | 1                                   |
    Then it fails with EINVAL
    And entry_num is 0
    And the IOTLB entries of $nested are IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT and IOMMU_TEST_IOTLB_DEFAULT

  @HWPT_INVALIDATE.ENTRY.FLAGS @HWPT_INVALIDATE.ENTRY_NUM.HANDLED
  Scenario: An entry with unknown flags stops the array after the entries before it
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags      | iotlb_id |
      | 0          | 0        |
      | 0xffffffff | 1        |
      | 0          | 2        |
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | $reqs                               |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 8                                   |
      | entry_num | 3                                   |
    Then it fails with EOPNOTSUPP
    And entry_num is 1
    And the IOTLB entries of $nested are 0, IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT and IOMMU_TEST_IOTLB_DEFAULT

  @HWPT_INVALIDATE.ENTRY.FLAGS
  Scenario Outline: The first entry with unknown flags handles nothing: flags <flags>
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags   | iotlb_id |
      | <flags> | 0        |
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | $reqs                               |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 8                                   |
      | entry_num | 1                                   |
    Then it fails with EOPNOTSUPP
    And entry_num is 0
    And the IOTLB entries of $nested are IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT and IOMMU_TEST_IOTLB_DEFAULT

    Examples:
      | flags      |
      | 2          |
      | 0xffffffff |

  @HWPT_INVALIDATE.ENTRY.IOTLB_ID @HWPT_INVALIDATE.ENTRY_NUM.HANDLED
  Scenario: An entry naming an IOTLB entry past the last stops the array
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags | iotlb_id                            |
      | 0     | 0                                   |
      | 0     | MOCK_NESTED_DOMAIN_IOTLB_ID_MAX + 1 |
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | $reqs                               |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 8                                   |
      | entry_num | 2                                   |
    Then it fails with EINVAL
    And entry_num is 1
    And the IOTLB entries of $nested are 0, IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT and IOMMU_TEST_IOTLB_DEFAULT

  @HWPT_INVALIDATE.ENTRY.IOTLB_ID
  Scenario: A single entry past the last handles nothing
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags | iotlb_id                            |
      | 0     | MOCK_NESTED_DOMAIN_IOTLB_ID_MAX + 1 |
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | $reqs                               |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 8                                   |
      | entry_num | 1                                   |
    Then it fails with EINVAL
    And entry_num is 0

  @HWPT_INVALIDATE.EMPTY.PROBE
  Scenario: An empty array probes the data type, ignoring data_uptr and entry_len
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | 0                                   |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 0                                   |
      | entry_num | 0                                   |
    Then it succeeds
    And entry_num is 0
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | 0xdead000                           |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 0xffffffff                          |
      | entry_num | 0                                   |
    Then it succeeds
    And entry_num is 0
    And the IOTLB entries of $nested are IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT and IOMMU_TEST_IOTLB_DEFAULT

  @HWPT_INVALIDATE.EMPTY.PROBE @HWPT_INVALIDATE.DATA_TYPE
  Scenario Outline: Probing a type the driver does not take fails: <type>
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value   |
      | hwpt_id   | $nested |
      | data_type | <type>  |
      | entry_num | 0       |
    Then it fails with EINVAL

    Examples:
      | type                                        |
      | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID |
      | IOMMU_HWPT_INVALIDATE_DATA_VTD_S1           |

  @HWPT_INVALIDATE.DATA_TYPE @HWPT_INVALIDATE.ENTRY_NUM.HANDLED
  Scenario: A wrong data type handles no entry
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags | iotlb_id |
      | 0     | 0        |
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                                       |
      | hwpt_id   | $nested                                     |
      | data_uptr | $reqs                                       |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID |
      | entry_len | 8                                           |
      | entry_num | 1                                           |
    Then it fails with EINVAL
    And entry_num is 0
    And the IOTLB entries of $nested are IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT and IOMMU_TEST_IOTLB_DEFAULT

  @HWPT_INVALIDATE.ARRAY.NO_POINTER
  Scenario: A non-empty array at data_uptr 0 is refused
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | 0                                   |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 8                                   |
      | entry_num | 1                                   |
    Then it fails with EINVAL
    And entry_num is 0

  @HWPT_INVALIDATE.ARRAY.NO_ENTRY_LEN
  Scenario: A non-empty array with entry_len 0 is refused
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags | iotlb_id |
      | 0     | 0        |
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | $reqs                               |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 0                                   |
      | entry_num | 1                                   |
    Then it fails with EINVAL
    And entry_num is 0

  @HWPT_INVALIDATE.ARRAY.ENTRY_LEN
  Scenario Outline: entry_len must be the size of the driver's entry: <len>
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags | iotlb_id |
      | 0     | 0        |
      | 0     | 0        |
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | $reqs                               |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | <len>                               |
      | entry_num | 1                                   |
    Then it fails with EINVAL
    And entry_num is 0
    And the IOTLB entries of $nested are IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT and IOMMU_TEST_IOTLB_DEFAULT

    Examples:
      | len  |
      | 1    |
      | 4    |
      | 7    |
      | 9    |
      | 16   |
      | 4096 |

  @HWPT_INVALIDATE.ARRAY.ENTRY_LEN_MAX @linux
  Scenario: entry_len above PAGE_SIZE is refused
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags | iotlb_id |
      | 0     | 0        |
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | $reqs                               |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 4097                                |
      | entry_num | 1                                   |
    Then it fails with EINVAL
    And entry_num is 0

  @HWPT_INVALIDATE.ARRAY.ENTRY_NUM_MAX
  Scenario: More entries than IOMMU_HWPT_INVALIDATE_ENTRY_NUM_MAX are refused before any is read
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags | iotlb_id |
      | 0     | 0        |
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                                   |
      | hwpt_id   | $nested                                 |
      | data_uptr | $reqs                                   |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST     |
      | entry_len | 8                                       |
      | entry_num | IOMMU_HWPT_INVALIDATE_ENTRY_NUM_MAX + 1 |
    Then it fails with EINVAL
    And entry_num is 0
    And the IOTLB entries of $nested are IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT and IOMMU_TEST_IOTLB_DEFAULT

  @HWPT_INVALIDATE.ARRAY.UNREADABLE @HWPT_INVALIDATE.ENTRY_NUM.HANDLED
  Scenario: An entry that cannot be read stops the array with EFAULT
    Given user memory holding these iommu_hwpt_invalidate_selftest entries just before an unmapped page as $reqs:
      | flags | iotlb_id |
      | 0     | 3        |
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | $reqs                               |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 8                                   |
      | entry_num | 2                                   |
    Then it fails with EFAULT
    And entry_num is 1
    And the IOTLB entries of $nested are IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT and 0

  @HWPT_INVALIDATE.TARGET.UNKNOWN
  Scenario Outline: An hwpt_id that names nothing: <id>
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | <id>                                |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_num | 0                                   |
    Then it fails with ENOENT
    And entry_num is 0

    Examples:
      | id         |
      | 0          |
      | 0xffffffff |

  @HWPT_INVALIDATE.TARGET.WRONG_KIND @HWPT_INVALIDATE.ENTRY_NUM.HANDLED
  Scenario Outline: Only a nested HWPT can be invalidated, not <what>
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags | iotlb_id |
      | 0     | 0        |
    When I call IOMMU_HWPT_INVALIDATE with:
      | field     | value                               |
      | hwpt_id   | <id>                                |
      | data_uptr | $reqs                               |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 8                                   |
      | entry_num | 1                                   |
    Then it fails with EINVAL
    And entry_num is 0

    Examples:
      | what                   | id        |
      | the nesting parent     | $parent   |
      | an automatic domain    | $dev_hwpt |
      | the IOAS               | $ioas     |
      | the device             | $dev_idev     |
      | the selftest object    | $dev      |

  @HWPT_INVALIDATE.RESERVED
  Scenario: A non-zero __reserved is refused and entry_num comes back as 0
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags | iotlb_id |
      | 0     | 0        |
    When I call IOMMU_HWPT_INVALIDATE with:
      | field      | value                               |
      | hwpt_id    | $nested                             |
      | data_uptr  | $reqs                               |
      | data_type  | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len  | 8                                   |
      | entry_num  | 1                                   |
      | __reserved | 1                                   |
    Then it fails with EOPNOTSUPP
    And entry_num is 0
    And the IOTLB entries of $nested are IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT and IOMMU_TEST_IOTLB_DEFAULT

  @HWPT_INVALIDATE.SIZE.LONGER
  Scenario: A longer struct is taken with a zero tail and refused with a non-zero one
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags | iotlb_id |
      | 0     | 2        |
    When I call IOMMU_HWPT_INVALIDATE extended by 8 bytes, the last one non-zero, with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | $reqs                               |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 8                                   |
      | entry_num | 1                                   |
    Then it fails with E2BIG
    And the IOTLB entries of $nested are IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT and IOMMU_TEST_IOTLB_DEFAULT
    When I call IOMMU_HWPT_INVALIDATE extended by 8 zero bytes with:
      | field     | value                               |
      | hwpt_id   | $nested                             |
      | data_uptr | $reqs                               |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 8                                   |
      | entry_num | 1                                   |
    Then it succeeds
    And entry_num is 1
    And the IOTLB entries of $nested are IOMMU_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT, 0 and IOMMU_TEST_IOTLB_DEFAULT

  @TEST.MD_CHECK_IOTLB.MATCH
  Scenario: The IOTLB check fails on an entry that holds something else
    When I check that IOTLB entry 0 of $nested holds IOMMU_TEST_IOTLB_DEFAULT
    Then it succeeds
    When I check that IOTLB entry 0 of $nested holds 0
    Then it fails with EINVAL
    When I check that IOTLB entry MOCK_NESTED_DOMAIN_IOTLB_ID_MAX of $nested holds IOMMU_TEST_IOTLB_DEFAULT + 1
    Then it fails with EINVAL

  @TEST.MD_CHECK_IOTLB.ID
  Scenario Outline: The IOTLB check of an entry past the last fails: <id>
    When I check that IOTLB entry <id> of $nested holds IOMMU_TEST_IOTLB_DEFAULT
    Then it fails with EINVAL

    Examples:
      | id                                  |
      | MOCK_NESTED_DOMAIN_IOTLB_ID_MAX + 1 |
      | 0xffffffff                          |

  @TEST.MD_CHECK_IOTLB.NOT_NESTED
  Scenario Outline: The IOTLB check needs a nested HWPT, not <what>
    When I check that IOTLB entry 0 of <id> holds IOMMU_TEST_IOTLB_DEFAULT
    Then it fails with ENOENT

    Examples:
      | what                | id        |
      | the nesting parent  | $parent   |
      | an automatic domain | $dev_hwpt |
      | the IOAS            | $ioas     |

  @HWPT_INVALIDATE.RESPOND_FAULT
  Scenario: A reply that cannot be written back fails the call, but the entries stay handled
    Given user memory holding these iommu_hwpt_invalidate_selftest entries as $reqs:
      | flags | iotlb_id |
      | 0     | 1        |
    And user memory holding an iommu_hwpt_invalidate as $cmd:
      | field     | value                               |
      | size      | 32                                  |
      | hwpt_id   | $nested                             |
      | data_uptr | $reqs                               |
      | data_type | IOMMU_HWPT_INVALIDATE_DATA_SELFTEST |
      | entry_len | 8                                   |
      | entry_num | 1                                   |
    And the user memory at $cmd is made read-only
    When I call IOMMU_HWPT_INVALIDATE with the argument pointer $cmd
    Then it fails with EFAULT
    And the IOTLB entries of $nested are IOMMU_TEST_IOTLB_DEFAULT, 0, IOMMU_TEST_IOTLB_DEFAULT and IOMMU_TEST_IOTLB_DEFAULT
