@ioas
Feature: IOMMU_IOAS_COPY establishes an existing mapping again
  A copy maps the pages behind a mapped IOVA range at another IOVA, in the
  same IOAS or in another one, without pinning the memory a second time.

  Background:
    Given an open iommufd
    And an IOAS as $src
    And an IOAS as $dst
    And 0x4000 bytes of user memory as $buf
    And 0x4000 bytes of $buf mapped at IOVA 0x10000 in $src

  @IOAS_COPY.FLAGS.UNKNOWN
  Scenario: An unknown flag is refused
    When I call IOMMU_IOAS_COPY with:
      | field       | value                       |
      | flags       | IOMMU_IOAS_MAP_READABLE \| 8 |
      | src_ioas_id | $src                        |
      | dst_ioas_id | $dst                        |
      | length      | 0x1000                      |
      | src_iova    | 0x10000                     |
    Then it fails with EOPNOTSUPP

  @IOAS_COPY.PROT.NONE
  Scenario: A copy neither readable nor writeable is refused
    When I call IOMMU_IOAS_COPY with:
      | field       | value                     |
      | flags       | IOMMU_IOAS_MAP_FIXED_IOVA |
      | src_ioas_id | $src                      |
      | dst_ioas_id | $dst                      |
      | length      | 0x1000                    |
      | src_iova    | 0x10000                   |
      | dst_iova    | 0x10000                   |
    Then it fails with EINVAL

  @IOAS_COPY.LENGTH.ZERO
  Scenario: A copy of no bytes is refused
    When I copy 0 bytes at IOVA 0x10000 of $src to IOVA 0x10000 of $dst
    Then it fails with EINVAL

  @IOAS_COPY.OVERFLOW
  Scenario Outline: <what> is refused with EOVERFLOW
    When I copy <length> bytes at IOVA <src> of $src to IOVA <dst> of $dst
    Then it fails with EOVERFLOW

    Examples:
      | what                        | length             | src                | dst                |
      | a length of all ones        | 0xffffffffffffffff | 0x10000            | 0x10000            |
      | a src_iova of all ones      | 0x1000             | 0xffffffffffffffff | 0x10000            |
      | a dst_iova of all ones      | 0x1000             | 0x10000            | 0xffffffffffffffff |
      | a source range that wraps   | 0x2000             | 0xfffffffffffff000 | 0x10000            |

  @IOAS.ID.UNKNOWN
  Scenario Outline: A copy <which> an id that names no IOAS is refused
    When I copy 0x1000 bytes at IOVA 0x10000 of <from> to IOVA 0x10000 of <to>
    Then it fails with ENOENT

    Examples:
      | which | from        | to          |
      | from  | $dst + $src | $dst        |
      | into  | $src        | $dst + $src |

  @IOAS_COPY.SRC.UNMAPPED
  Scenario Outline: A source range with unmapped bytes is refused: <length> bytes at <iova>
    Given 0x1000 bytes of $buf mapped at IOVA 0x15000 in $src
    When I copy <length> bytes at IOVA <iova> of $src to IOVA 0x10000 of $dst
    Then it fails with ENOENT

    Examples:
      | iova    | length |
      | 0x20000 | 0x1000 |
      | 0xf000  | 0x2000 |
      | 0x13000 | 0x2000 |
      | 0x12000 | 0x4000 |

  @IOAS_COPY.SRC.EXACT
  Scenario: A whole mapping, part of one, or a range across adjacent mappings is copied
    Given 0x1000 bytes of $buf mapped at IOVA 0x14000 in $src
    When I copy 0x4000 bytes at IOVA 0x10000 of $src to IOVA 0x10000 of $dst
    Then it succeeds
    When I copy 0x1000 bytes at IOVA 0x11000 of $src to IOVA 0x20000 of $dst
    Then it succeeds
    When I copy 0x2000 bytes at IOVA 0x13000 of $src to IOVA 0x30000 of $dst
    Then it succeeds

  @IOAS_COPY.SAME_IOAS
  Scenario: A copy inside one IOAS reaches the same memory at both IOVAs
    Given an access to $src as $access
    And 0x4000 bytes of user memory as $out
    When I fill 0x4000 bytes at $buf with 0x3c
    And I copy 0x4000 bytes at IOVA 0x10000 of $src to IOVA 0x40000 of $src
    Then it succeeds
    When I read 0x4000 bytes at IOVA 0x40000 through $access into $out
    Then it succeeds
    And the 0x4000 bytes at $out are all 0x3c
    When I fill 0x1000 bytes at $out with 0x96
    And I write 0x1000 bytes of $out at IOVA 0x40000 through $access
    Then it succeeds
    And the 0x1000 bytes at $buf are all 0x96

  @IOAS_COPY.OTHER_IOAS
  Scenario: A copy into another IOAS at an automatic IOVA outlives its source
    Given an access to $dst as $access
    And 0x4000 bytes of user memory as $out
    When I fill 0x4000 bytes at $buf with 0xa7
    And I call IOMMU_IOAS_COPY with:
      | field       | value                                              |
      | flags       | IOMMU_IOAS_MAP_READABLE \| IOMMU_IOAS_MAP_WRITEABLE |
      | src_ioas_id | $src                                               |
      | dst_ioas_id | $dst                                               |
      | length      | 0x4000                                             |
      | src_iova    | 0x10000                                            |
    Then it succeeds
    And dst_iova is not 0
    And I remember dst_iova as $iova
    When I unmap 0x4000 bytes at IOVA 0x10000 from $src
    Then it succeeds
    When I read 0x4000 bytes at IOVA $iova through $access into $out
    Then it succeeds
    And the 0x4000 bytes at $out are all 0xa7
    When I unmap 0x4000 bytes at IOVA $iova from $dst
    Then it succeeds
    And length is 0x4000

  @IOAS_COPY.DST.EEXIST
  Scenario: A destination that overlaps a mapping is refused
    When I copy 0x2000 bytes at IOVA 0x10000 of $src to IOVA 0x13000 of $src
    Then it fails with EEXIST
    Given 0x1000 bytes of $buf mapped at IOVA 0x21000 in $dst
    When I copy 0x2000 bytes at IOVA 0x10000 of $src to IOVA 0x20000 of $dst
    Then it fails with EEXIST

  @IOAS_COPY.WRITE_OF_READONLY
  Scenario: A read-only mapping cannot be copied as writeable
    Given 0x1000 bytes of read-only user memory as $ro
    When I map 0x1000 bytes of $ro read-only at IOVA 0x100000 into $src
    Then it succeeds
    When I copy 0x1000 bytes at IOVA 0x100000 of $src to IOVA 0x10000 of $dst
    Then it fails with EPERM
    When I call IOMMU_IOAS_COPY with:
      | field       | value                                                |
      | flags       | IOMMU_IOAS_MAP_FIXED_IOVA \| IOMMU_IOAS_MAP_READABLE |
      | src_ioas_id | $src                                                 |
      | dst_ioas_id | $dst                                                 |
      | length      | 0x1000                                               |
      | src_iova    | 0x100000                                             |
      | dst_iova    | 0x10000                                              |
    Then it succeeds

  @IOAS_COPY.ALIGNMENT
  Scenario: The destination IOAS's alignment applies to the copy
    Given a mock device attached to $dst as $dev
    When I copy 0x400 bytes at IOVA 0x10000 of $src to IOVA MOCK_APERTURE_START of $dst
    Then it fails with EINVAL
    When I copy 0x800 bytes at IOVA 0x10000 of $src to IOVA MOCK_APERTURE_START + 0x400 of $dst
    Then it fails with EINVAL
    When I copy 0x800 bytes at IOVA 0x10800 of $src to IOVA MOCK_APERTURE_START + 0x800 of $dst
    Then it succeeds
