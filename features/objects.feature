@objects
Feature: Objects have ids, and IOMMU_DESTROY removes them
  Everything an iommufd creates is an object with a numeric id. Ids are never
  0 and belong to the iommufd that made them. IOMMU_DESTROY removes an object
  of any kind by id.

  Background:
    Given an open iommufd

  @OBJECTS.ID.NONZERO @OBJECTS.ID.UNIQUE
  Scenario: Objects alive together have distinct, non-zero ids
    When I call IOMMU_IOAS_ALLOC with no fields set
    Then it succeeds
    And out_ioas_id is not 0
    And I remember out_ioas_id as $first
    When I call IOMMU_IOAS_ALLOC with no fields set
    Then it succeeds
    And out_ioas_id is not 0
    And I remember out_ioas_id as $second
    And $first and $second are different

  @OBJECTS.DESTROY.UNKNOWN
  Scenario Outline: Destroying an id that names no object fails with ENOENT: <id>
    When I call IOMMU_DESTROY with:
      | field | value |
      | id    | <id>  |
    Then it fails with ENOENT

    Examples:
      | id         |
      | 0          |
      | 1          |
      | 0x7fffffff |
      | 0xffffffff |

  @OBJECTS.DESTROY.REMOVES
  Scenario: A destroyed object is gone
    Given I call IOMMU_IOAS_ALLOC with no fields set
    And I remember out_ioas_id as $ioas
    When I call IOMMU_DESTROY with:
      | field | value |
      | id    | $ioas |
    Then it succeeds
    When I call IOMMU_DESTROY with:
      | field | value |
      | id    | $ioas |
    Then it fails with ENOENT
    When I call IOMMU_OPTION with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_GET     |
      | object_id | $ioas                   |
    Then it fails with ENOENT

  @OBJECTS.ID.PER_FILE
  Scenario: An id of one iommufd names nothing in another
    Given another open iommufd as $other
    And I call IOMMU_IOAS_ALLOC with no fields set
    And I remember out_ioas_id as $ioas
    When I call IOMMU_DESTROY on $other with:
      | field | value |
      | id    | $ioas |
    Then it fails with ENOENT
    When I call IOMMU_DESTROY with:
      | field | value |
      | id    | $ioas |
    Then it succeeds

  @OBJECTS.DESTROY.BUSY
  Scenario: An IOAS with a device attached is busy until the device is gone
    Given an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    When I destroy $ioas
    Then it fails with EBUSY
    When I destroy $dev
    Then it succeeds
    When I destroy $ioas
    Then it succeeds

  @OBJECTS.DESTROY.BUSY
  Scenario: An IOAS with an access is busy
    Given an IOAS as $ioas
    And an access to $ioas as $access
    When I destroy $ioas
    Then it fails with EBUSY

  @OBJECTS.DESTROY.IOAS_WITH_MAPPINGS
  Scenario: An IOAS that only holds mappings can be destroyed
    Given an IOAS as $ioas
    And 0x2000 bytes of user memory as $buf
    And 0x2000 bytes of $buf mapped at IOVA 0x10000 in $ioas
    When I destroy $ioas
    Then it succeeds
    When I unmap 0x2000 bytes at IOVA 0x10000 from $ioas
    Then it fails with ENOENT

  @OBJECTS.ID.WRONG_TYPE
  Scenario: The id of a device or of a page table is not the id of an IOAS
    Given an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    When I call IOMMU_IOAS_IOVA_RANGES with:
      | field   | value |
      | ioas_id | $dev  |
    Then it fails with ENOENT
    When I call IOMMU_IOAS_IOVA_RANGES with:
      | field   | value      |
      | ioas_id | $dev_hwpt  |
    Then it fails with ENOENT
    # The IOAS itself is found: only the room for its ranges is missing.
    When I call IOMMU_IOAS_IOVA_RANGES with:
      | field   | value |
      | ioas_id | $ioas |
    Then it fails with EMSGSIZE
