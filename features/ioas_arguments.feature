@ioas
Feature: What the IO address space ioctls make of their argument's memory
  An ioctl reads its struct from the caller's memory and writes its results
  back there. The documentation says which fields are inputs and which are
  outputs; these scenarios measure the rest against Linux: input in
  output-only fields, a struct of exactly the minimum size, a struct that runs
  into an unmapped page, and a result that cannot be written back.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And 0x4000 bytes of user memory as $buf

  @IOAS.OUTPUT_ONLY.IGNORED
  Scenario: out_ioas_id given on input is overwritten with the new id
    When I call IOMMU_IOAS_ALLOC with:
      | field       | value      |
      | out_ioas_id | 0xffffffff |
    Then it succeeds
    And out_ioas_id is $ioas + 1

  @IOAS.OUTPUT_ONLY.IGNORED
  Scenario: out_iova_alignment given on input is overwritten
    When I call IOMMU_IOAS_IOVA_RANGES with:
      | field              | value              |
      | ioas_id            | $ioas              |
      | out_iova_alignment | 0xffffffffffffffff |
    Then it fails with EMSGSIZE
    And out_iova_alignment is 1
    And num_iovas is 1

  @IOAS.AUTO_IOVA.INPUT
  Scenario Outline: An automatic <ioctl> ignores an iova of <iova> on input
    Given a memfd of 0x4000 bytes as $mfd
    When I call <ioctl> with:
      | field   | value                                              |
      | flags   | IOMMU_IOAS_MAP_READABLE \| IOMMU_IOAS_MAP_WRITEABLE |
      | ioas_id | $ioas                                              |
      | <addr>  | <source>                                           |
      | length  | 0x1000                                             |
      | iova    | <iova>                                             |
    Then it succeeds
    And iova is 0x1000

    Examples:
      | ioctl               | addr    | source | iova               |
      | IOMMU_IOAS_MAP      | user_va | $buf   | 0xfffffffffffffffe |
      | IOMMU_IOAS_MAP      | user_va | $buf   | 0x123              |
      | IOMMU_IOAS_MAP_FILE | fd      | $mfd   | 0xfffffffffffffffe |

  @IOAS.AUTO_IOVA.INPUT
  Scenario Outline: An automatic <ioctl> refuses an iova of all ones on input
    Given a memfd of 0x4000 bytes as $mfd
    When I call <ioctl> with:
      | field   | value                                              |
      | flags   | IOMMU_IOAS_MAP_READABLE \| IOMMU_IOAS_MAP_WRITEABLE |
      | ioas_id | $ioas                                              |
      | <addr>  | <source>                                           |
      | length  | 0x1000                                             |
      | iova    | 0xffffffffffffffff                                 |
    Then it fails with EOVERFLOW
    When I unmap 0xffffffffffffffff bytes at IOVA 0 from $ioas
    Then it succeeds
    And length is 0

    Examples:
      | ioctl               | addr    | source |
      | IOMMU_IOAS_MAP      | user_va | $buf   |
      | IOMMU_IOAS_MAP_FILE | fd      | $mfd   |

  @IOAS.AUTO_IOVA.INPUT
  Scenario: An automatic copy ignores dst_iova on input, except all ones
    Given 0x1000 bytes of $buf mapped at IOVA 0x10000 in $ioas
    When I call IOMMU_IOAS_COPY with:
      | field       | value                                              |
      | flags       | IOMMU_IOAS_MAP_READABLE \| IOMMU_IOAS_MAP_WRITEABLE |
      | src_ioas_id | $ioas                                              |
      | dst_ioas_id | $ioas                                              |
      | length      | 0x1000                                             |
      | src_iova    | 0x10000                                            |
      | dst_iova    | 0xfffffffffffffffe                                 |
    Then it succeeds
    And dst_iova is 0x1000
    When I call IOMMU_IOAS_COPY with:
      | field       | value                                              |
      | flags       | IOMMU_IOAS_MAP_READABLE \| IOMMU_IOAS_MAP_WRITEABLE |
      | src_ioas_id | $ioas                                              |
      | dst_ioas_id | $ioas                                              |
      | length      | 0x1000                                             |
      | src_iova    | 0x10000                                            |
      | dst_iova    | 0xffffffffffffffff                                 |
    Then it fails with EOVERFLOW

  @IOAS.SIZE.MINIMUM
  Scenario: VFIO_IOMMU_GET_INFO succeeds with argsz at its minimum, and writes only that much
    Given $ioas is the VFIO compatibility IOAS
    And the page size as $page_size
    When I call VFIO_IOMMU_GET_INFO at its minimum size with:
      | field | value |
      | flags | 0     |
    Then it succeeds
    And flags is VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS
    And iova_pgsizes is all ones from $page_size up
    And argsz is the size of vfio_iommu_type1_info, vfio_iommu_type1_info_dma_avail rounded up to 8, vfio_iommu_type1_info_cap_iova_range and 1 vfio_iova_range

  @IOAS.SIZE.MINIMUM
  Scenario: IOMMU_TEST_CMD succeeds at its minimum size, for the reserved IOVA and the mock device an IOAS uses
    When I call IOMMU_TEST_CMD at its minimum size with:
      | field               | value                      |
      | op                  | IOMMU_TEST_OP_ADD_RESERVED |
      | id                  | $ioas                      |
      | add_reserved.start  | 0x1000                     |
      | add_reserved.length | 0x1000                     |
    Then it succeeds
    And the IOVA ranges of $ioas are:
      | start  | last               |
      | 0      | 0xfff              |
      | 0x2000 | 0xffffffffffffffff |
    Given an IOAS as $other
    When I call IOMMU_TEST_CMD at its minimum size with:
      | field | value                     |
      | op    | IOMMU_TEST_OP_MOCK_DOMAIN |
      | id    | $other                    |
    Then it succeeds
    And mock_domain.out_stdev_id is not 0
    And mock_domain.out_hwpt_id is not 0

  @IOAS.ARG.PARTLY_UNMAPPED @linux
  Scenario: A struct that ends right before an unmapped page is read and written back
    When I call IOMMU_IOAS_ALLOC ending right before an unmapped page, with:
      | field | value |
      | flags | 0     |
    Then it succeeds
    And out_ioas_id is $ioas + 1
    When I call IOMMU_IOAS_MAP ending right before an unmapped page, with:
      | field   | value                                              |
      | flags   | IOMMU_IOAS_MAP_READABLE \| IOMMU_IOAS_MAP_WRITEABLE |
      | ioas_id | $ioas                                              |
      | user_va | $buf                                               |
      | length  | 0x1000                                             |
    Then it succeeds
    And iova is 0x1000

  @IOAS.ARG.PARTLY_UNMAPPED @linux
  Scenario Outline: A struct with <past> of its bytes on an unmapped page fails with EFAULT and does nothing
    When I call IOMMU_IOAS_MAP with its last <past> bytes on an unmapped page, and:
      | field   | value                                                                              |
      | flags   | IOMMU_IOAS_MAP_FIXED_IOVA \| IOMMU_IOAS_MAP_READABLE \| IOMMU_IOAS_MAP_WRITEABLE |
      | ioas_id | $ioas                                                                              |
      | user_va | $buf                                                                               |
      | length  | 0x1000                                                                             |
      | iova    | 0x1000                                                                             |
    Then it fails with EFAULT
    When I unmap 0xffffffffffffffff bytes at IOVA 0 from $ioas
    Then it succeeds
    And length is 0

    Examples:
      | past |
      | 1    |
      | 8    |
      | 36   |

  @IOAS.ARG.PARTLY_UNMAPPED @linux
  Scenario: The kernel reads as many bytes as size says, even past its own struct
    When I call IOMMU_IOAS_ALLOC with a zeroed argument of 16 bytes, its last 4 on an unmapped page
    Then it fails with EFAULT
    When I call IOMMU_IOAS_ALLOC with a zeroed argument of 16 bytes ending right before an unmapped page
    Then it succeeds
    And out_ioas_id is $ioas + 1

  @IOAS.RESPOND.EFAULT @linux
  Scenario: An IOAS whose id cannot be written back is destroyed, and its id is given out again
    When I call IOMMU_IOAS_ALLOC in read-only memory with:
      | field | value |
      | flags | 0     |
    Then it fails with EFAULT
    When I call IOMMU_DESTROY with:
      | field | value     |
      | id    | $ioas + 1 |
    Then it fails with ENOENT
    When I call IOMMU_IOAS_ALLOC with no fields set
    Then it succeeds
    And out_ioas_id is $ioas + 1

  @IOAS.RESPOND.EFAULT @linux
  Scenario: A map whose result cannot be written back fails with EFAULT, and the mapping stays
    When I call IOMMU_IOAS_MAP in read-only memory with:
      | field   | value                                                                              |
      | flags   | IOMMU_IOAS_MAP_FIXED_IOVA \| IOMMU_IOAS_MAP_READABLE \| IOMMU_IOAS_MAP_WRITEABLE |
      | ioas_id | $ioas                                                                              |
      | user_va | $buf                                                                               |
      | length  | 0x1000                                                                             |
      | iova    | 0x10000                                                                            |
    Then it fails with EFAULT
    When I map 0x1000 bytes of $buf at IOVA 0x10000 into $ioas
    Then it fails with EEXIST
    When I call IOMMU_IOAS_MAP in read-only memory with:
      | field   | value                                              |
      | flags   | IOMMU_IOAS_MAP_READABLE \| IOMMU_IOAS_MAP_WRITEABLE |
      | ioas_id | $ioas                                              |
      | user_va | $buf                                               |
      | length  | 0x2000                                             |
    Then it fails with EFAULT
    When I unmap 0xffffffffffffffff bytes at IOVA 0 from $ioas
    Then it succeeds
    And length is 0x3000

  @IOAS.RESPOND.EFAULT @linux
  Scenario: An unmap or a copy whose result cannot be written back fails with EFAULT, and is done
    Given an IOAS as $dst
    And 0x2000 bytes of $buf mapped at IOVA 0x10000 in $ioas
    When I call IOMMU_IOAS_COPY in read-only memory with:
      | field       | value                                                                              |
      | flags       | IOMMU_IOAS_MAP_FIXED_IOVA \| IOMMU_IOAS_MAP_READABLE \| IOMMU_IOAS_MAP_WRITEABLE |
      | src_ioas_id | $ioas                                                                              |
      | dst_ioas_id | $dst                                                                               |
      | length      | 0x2000                                                                             |
      | src_iova    | 0x10000                                                                            |
      | dst_iova    | 0x40000                                                                            |
    Then it fails with EFAULT
    When I call IOMMU_IOAS_UNMAP in read-only memory with:
      | field   | value   |
      | ioas_id | $ioas   |
      | iova    | 0x10000 |
      | length  | 0x2000  |
    Then it fails with EFAULT
    When I unmap 0x2000 bytes at IOVA 0x10000 from $ioas
    Then it fails with ENOENT
    When I unmap 0x2000 bytes at IOVA 0x40000 from $dst
    Then it succeeds
    And length is 0x2000

  @IOAS.RESPOND.EFAULT @linux
  Scenario: IOVA ranges that cannot be written back fail with EFAULT, not EMSGSIZE
    When I call IOMMU_IOAS_IOVA_RANGES in read-only memory with:
      | field   | value |
      | ioas_id | $ioas |
    Then it fails with EFAULT

  @IOAS.RESPOND.EFAULT @linux
  Scenario: An option set whose val64 cannot be written back fails with EFAULT, and is set
    When I call IOMMU_OPTION in read-only memory with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_SET     |
      | object_id | $ioas                   |
      | val64     | 0                       |
    Then it fails with EFAULT
    When I call IOMMU_OPTION with:
      | field     | value                   |
      | option_id | IOMMU_OPTION_HUGE_PAGES |
      | op        | IOMMU_OPTION_OP_GET     |
      | object_id | $ioas                   |
    Then it succeeds
    And val64 is 0
