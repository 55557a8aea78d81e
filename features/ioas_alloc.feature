@ioas
Feature: IOMMU_IOAS_ALLOC creates an IO address space
  An IO address space (IOAS) holds the mappings from IOVA to the caller's
  memory that devices and page tables use. IOMMU_IOAS_ALLOC makes an empty one
  and returns its id.

  Background:
    Given an open iommufd

  @IOAS_ALLOC.OUT_ID
  Scenario: A new IOAS is usable by its id at once
    When I call IOMMU_IOAS_ALLOC with no fields set
    Then it succeeds
    And I remember out_ioas_id as $ioas
    When I call IOMMU_OPTION with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_GET     |
      | object_id | $ioas                   |
    Then it succeeds
    When I call IOMMU_DESTROY with:
      | field | value |
      | id    | $ioas |
    Then it succeeds

  @IOAS_ALLOC.FLAGS.NONZERO
  Scenario Outline: IOMMU_IOAS_ALLOC refuses flags <flags>
    When I call IOMMU_IOAS_ALLOC with:
      | field | value   |
      | flags | <flags> |
    Then it fails with EOPNOTSUPP
    When I call IOMMU_DESTROY with:
      | field | value |
      | id    | 1     |
    Then it fails with ENOENT

    Examples:
      | flags      |
      | 1          |
      | 0x80000000 |
      | 0xffffffff |
