Feature: IOMMU_IOAS_NOIOMMU_GET_PA on a kernel whose devices all have an IOMMU
  The ioctl tells a caller driving a device without an IOMMU which physical
  address lies behind an IOVA. Only mappings held by a no-IOMMU domain have an
  answer; the selftest's mock devices sit behind the mock IOMMU, so on the
  test kernel a mapped IOVA is refused after every argument check passed.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And 0x4000 bytes of user memory as $buf

  @NOIOMMU_GET_PA.PRIVILEGE
  Scenario: A caller without CAP_SYS_RAWIO is refused before any field is looked at
    Given a forked child runs the rest of the scenario
    And the process has no CAP_SYS_RAWIO
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | flags   | 1           |
      | ioas_id | $ioas + 100 |
      | length  | 0           |
    Then it fails with EPERM

  @NOIOMMU_GET_PA.PRIVILEGE
  Scenario: Without CAP_SYS_RAWIO even a mapped IOVA is refused with EPERM
    Given 0x2000 bytes of $buf mapped at IOVA 0x100000 in $ioas
    And a forked child runs the rest of the scenario
    And the process has no CAP_SYS_RAWIO
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas    |
      | iova    | 0x100000 |
      | length  | 0x1000   |
    Then it fails with EPERM

  @NOIOMMU_GET_PA.FLAGS
  Scenario Outline: A non-zero flags field is refused (<flags>)
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | flags   | <flags> |
      | ioas_id | $ioas   |
      | length  | 0x1000  |
    Then it fails with EOPNOTSUPP

    Examples:
      | flags      |
      | 1          |
      | 0x80000000 |

  @NOIOMMU_GET_PA.RESERVED
  Scenario: A non-zero __reserved field is refused
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id    | $ioas  |
      | __reserved | 1      |
      | length     | 0x1000 |
    Then it fails with EOPNOTSUPP

  @NOIOMMU_GET_PA.LENGTH.ZERO
  Scenario: A zero length is refused, even for an IOAS that does not exist
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas + 100 |
      | length  | 0           |
    Then it fails with EINVAL

  @NOIOMMU_GET_PA.IOVA.OVERFLOW
  Scenario: An IOVA of all ones is refused before the IOAS is looked up
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas + 100        |
      | iova    | 0xffffffffffffffff |
      | length  | 1                  |
    Then it fails with EOVERFLOW

  @NOIOMMU_GET_PA.IOAS.UNKNOWN
  Scenario Outline: An ioas_id that names no IOAS is refused (<what>)
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | <id>   |
      | length  | 0x1000 |
    Then it fails with ENOENT

    Examples:
      | what              | id          |
      | no id             | 0           |
      | an id nothing has | $ioas + 100 |

  @NOIOMMU_GET_PA.IOAS.UNKNOWN
  Scenario: The id of a device's page table is no IOAS
    Given a mock device attached to $ioas as $dev
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $dev_hwpt |
      | length  | 0x1000    |
    Then it fails with ENOENT

  @NOIOMMU_GET_PA.IOVA.UNMAPPED
  Scenario Outline: An IOVA with nothing mapped is refused (<where>)
    Given 0x2000 bytes of $buf mapped at IOVA 0x100000 in $ioas
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas   |
      | iova    | <iova>  |
      | length  | 0x1000  |
    Then it fails with ENOENT

    Examples:
      | where                   | iova     |
      | before the mapping      | 0xff000  |
      | just past the mapping   | 0x102000 |
      | in an empty IOAS region | 0        |

  @NOIOMMU_GET_PA.IOVA.UNMAPPED
  Scenario: A range whose first byte is unmapped is refused though the rest is mapped
    Given 0x2000 bytes of $buf mapped at IOVA 0x100000 in $ioas
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas   |
      | iova    | 0xfffff |
      | length  | 0x2000  |
    Then it fails with ENOENT

  @NOIOMMU_GET_PA.NOT_NOIOMMU
  Scenario Outline: A mapped IOVA with no device attached has no physical address to give (<where>)
    Given 0x2000 bytes of $buf mapped at IOVA 0x100000 in $ioas
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas    |
      | iova    | <iova>   |
      | length  | <length> |
    Then it fails with EOPNOTSUPP
    And length is <length>

    Examples:
      | where                | iova     | length |
      | the first byte       | 0x100000 | 0x1000 |
      | the last byte        | 0x101fff | 1      |
      | a range past the end | 0x101000 | 0x8000 |

  @NOIOMMU_GET_PA.NOT_NOIOMMU
  Scenario: A mapped IOVA held by the mock IOMMU's domain is refused
    Given a mock device attached to $ioas as $dev
    And 0x2000 bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    When I call IOMMU_IOAS_NOIOMMU_GET_PA with:
      | ioas_id | $ioas               |
      | iova    | MOCK_APERTURE_START |
      | length  | 0x2000              |
    Then it fails with EOPNOTSUPP
