@ioas
Feature: Which error wins when a call breaks two rules at once
  The documentation says what each broken rule costs, not which one is
  reported when a call breaks several. Linux checks them in a fixed order,
  the order of its code: these scenarios pin that order down, each with a
  call that breaks exactly two rules. It is Linux behaviour, not a documented
  promise.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And 0x4000 bytes of user memory as $buf

  @IOAS_MAP.PRECEDENCE @linux
  Scenario Outline: IOMMU_IOAS_MAP with <broken> fails with <errno>
    When I call IOMMU_IOAS_MAP with:
      | field      | value        |
      | flags      | <flags>      |
      | ioas_id    | <ioas>       |
      | __reserved | <reserved>   |
      | user_va    | $buf         |
      | length     | <length>     |
      | iova       | <iova>       |
    Then it fails with <errno>

    Examples:
      | broken                                          | flags                                                 | ioas      | reserved | length | iova               | errno      |
      | an unknown flag and an unknown IOAS id          | IOMMU_IOAS_MAP_READABLE \| 8                          | $ioas + 1 | 0        | 0x1000 | 0x1000             | EOPNOTSUPP |
      | a non-zero __reserved and an iova of all ones   | IOMMU_IOAS_MAP_FIXED_IOVA \| IOMMU_IOAS_MAP_READABLE | $ioas     | 1        | 0x1000 | 0xffffffffffffffff | EOPNOTSUPP |
      | an iova of all ones and neither READ nor WRITE  | IOMMU_IOAS_MAP_FIXED_IOVA                             | $ioas     | 0        | 0x1000 | 0xffffffffffffffff | EOVERFLOW  |
      | an iova of all ones and an unknown IOAS id      | IOMMU_IOAS_MAP_FIXED_IOVA \| IOMMU_IOAS_MAP_READABLE | $ioas + 1 | 0        | 0x1000 | 0xffffffffffffffff | EOVERFLOW  |
      | neither READ nor WRITE and an unknown IOAS id   | IOMMU_IOAS_MAP_FIXED_IOVA                             | $ioas + 1 | 0        | 0x1000 | 0x1000             | EINVAL     |
      | an unknown IOAS id and a length of 0            | IOMMU_IOAS_MAP_FIXED_IOVA \| IOMMU_IOAS_MAP_READABLE | $ioas + 1 | 0        | 0      | 0x1000             | ENOENT     |

  @IOAS_MAP.PRECEDENCE @linux
  Scenario: A length of 0 is refused before the IOVA is looked at
    Given 0x1000 bytes of $buf mapped at IOVA 0x10000 in $ioas
    When I map 0 bytes of $buf at IOVA 0x10000 into $ioas
    Then it fails with EINVAL

  @IOAS_MAP_FILE.PRECEDENCE @linux
  Scenario Outline: IOMMU_IOAS_MAP_FILE with <broken> fails with <errno>
    Given a memfd of 0x4000 bytes as $mfd
    When I call IOMMU_IOAS_MAP_FILE with:
      | field   | value    |
      | flags   | <flags>  |
      | ioas_id | <ioas>   |
      | fd      | <fd>     |
      | start   | <start>  |
      | length  | <length> |
      | iova    | 0x1000   |
    Then it fails with <errno>

    Examples:
      | broken                                         | flags                                                 | ioas      | fd   | start              | length             | errno      |
      | an unknown flag and a bad fd                   | IOMMU_IOAS_MAP_READABLE \| 8                          | $ioas     | -1   | 0                  | 0x1000             | EOPNOTSUPP |
      | a length of all ones and neither READ nor WRITE | IOMMU_IOAS_MAP_FIXED_IOVA                            | $ioas     | $mfd | 0                  | 0xffffffffffffffff | EOVERFLOW  |
      | neither READ nor WRITE and an unknown IOAS id  | IOMMU_IOAS_MAP_FIXED_IOVA                             | $ioas + 1 | $mfd | 0                  | 0x1000             | EINVAL     |
      | an unknown IOAS id and a bad fd                | IOMMU_IOAS_MAP_FIXED_IOVA \| IOMMU_IOAS_MAP_READABLE | $ioas + 1 | -1   | 0                  | 0x1000             | ENOENT     |
      | a length of 0 and a bad fd                     | IOMMU_IOAS_MAP_FIXED_IOVA \| IOMMU_IOAS_MAP_READABLE | $ioas     | -1   | 0                  | 0                  | EINVAL     |
      | a file range that wraps and a bad fd           | IOMMU_IOAS_MAP_FIXED_IOVA \| IOMMU_IOAS_MAP_READABLE | $ioas     | -1   | 0xfffffffffffff000 | 0x2000             | EOVERFLOW  |

  @IOAS_COPY.PRECEDENCE @linux
  Scenario Outline: IOMMU_IOAS_COPY with <broken> fails with <errno>
    Given an IOAS as $dst
    And 0x4000 bytes of $buf mapped at IOVA 0x10000 in $ioas
    When I call IOMMU_IOAS_COPY with:
      | field       | value    |
      | flags       | <flags>  |
      | src_ioas_id | <src>    |
      | dst_ioas_id | <dst>    |
      | length      | <length> |
      | src_iova    | <iova>   |
      | dst_iova    | 0x10000  |
    Then it fails with <errno>

    Examples:
      | broken                                                | flags                                                 | src             | dst             | length             | iova    | errno      |
      | an unknown flag and a length of all ones              | IOMMU_IOAS_MAP_READABLE \| 8                          | $ioas           | $dst            | 0xffffffffffffffff | 0x10000 | EOPNOTSUPP |
      | a length of all ones and neither READ nor WRITE       | IOMMU_IOAS_MAP_FIXED_IOVA                             | $ioas           | $dst            | 0xffffffffffffffff | 0x10000 | EOVERFLOW  |
      | neither READ nor WRITE and an unknown source id       | IOMMU_IOAS_MAP_FIXED_IOVA                             | $dst + $ioas    | $dst            | 0x1000             | 0x10000 | EINVAL     |
      | a length of 0 and an unknown destination id           | IOMMU_IOAS_MAP_FIXED_IOVA \| IOMMU_IOAS_MAP_READABLE | $ioas           | $dst + $ioas    | 0                  | 0x10000 | EINVAL     |
      | a source range that wraps and an unknown destination id | IOMMU_IOAS_MAP_FIXED_IOVA \| IOMMU_IOAS_MAP_READABLE | $ioas         | $dst + $ioas    | 0x2000             | 0xfffffffffffff000 | EOVERFLOW |

  @IOAS_COPY.PRECEDENCE @linux
  Scenario: A writeable copy of a read-only mapping into an unknown IOAS fails on the id first
    Given an IOAS as $dst
    And 0x1000 bytes of read-only user memory as $ro
    When I map 0x1000 bytes of $ro read-only at IOVA 0x100000 into $ioas
    Then it succeeds
    When I copy 0x1000 bytes at IOVA 0x100000 of $ioas to IOVA 0x10000 of $dst + $ioas
    Then it fails with ENOENT
    When I copy 0x1000 bytes at IOVA 0x100000 of $ioas to IOVA 0x10000 of $dst
    Then it fails with EPERM

  @IOAS_COPY.PRECEDENCE @linux
  Scenario: A writeable copy of a read-only mapping onto a used destination fails with EEXIST
    Given an IOAS as $dst
    And 0x1000 bytes of read-only user memory as $ro
    And 0x1000 bytes of $buf mapped at IOVA 0x10000 in $dst
    When I map 0x1000 bytes of $ro read-only at IOVA 0x100000 into $ioas
    Then it succeeds
    When I copy 0x1000 bytes at IOVA 0x100000 of $ioas to IOVA 0x10000 of $dst
    Then it fails with EEXIST

  @IOAS_UNMAP.PRECEDENCE @linux
  Scenario Outline: IOMMU_IOAS_UNMAP with <broken> fails with <errno>
    When I call IOMMU_IOAS_UNMAP with:
      | field   | value    |
      | ioas_id | <ioas>   |
      | iova    | <iova>   |
      | length  | <length> |
    Then it fails with <errno>

    Examples:
      | broken                                     | ioas      | iova               | length             | errno     |
      | an unknown IOAS id and an iova of all ones | $ioas + 1 | 0xffffffffffffffff | 0x1000             | ENOENT    |
      | an unknown IOAS id and a length of 0       | $ioas + 1 | 0x1000             | 0                  | ENOENT    |
      | an iova of all ones and a length of 0      | $ioas     | 0xffffffffffffffff | 0                  | EOVERFLOW |
      | a length of 0 and nothing mapped           | $ioas     | 0x1000             | 0                  | EINVAL    |
      | a range that wraps and nothing mapped      | $ioas     | 0xfffffffffffff000 | 0x2000             | EOVERFLOW |

  @IOAS_ALLOW_IOVAS.PRECEDENCE @linux
  Scenario: IOMMU_IOAS_ALLOW_IOVAS checks __reserved, then the id, then reads the array
    Given an unmapped user address as $nowhere
    When I call IOMMU_IOAS_ALLOW_IOVAS with:
      | field         | value     |
      | ioas_id       | $ioas + 1 |
      | __reserved    | 1         |
      | num_iovas     | 1         |
      | allowed_iovas | $nowhere  |
    Then it fails with EOPNOTSUPP
    When I call IOMMU_IOAS_ALLOW_IOVAS with:
      | field         | value     |
      | ioas_id       | $ioas + 1 |
      | num_iovas     | 1         |
      | allowed_iovas | $nowhere  |
    Then it fails with ENOENT

  @IOAS_ALLOW_IOVAS.PRECEDENCE @linux
  Scenario: A list whose ranges overlap and meet reserved IOVA fails on the overlap
    Given 0x1000 bytes at IOVA 0x100000 reserved in $ioas
    When I allow these IOVA ranges in $ioas:
      | start   | last     |
      | 0x80000 | 0x100fff |
      | 0xf0000 | 0x1fffff |
    Then it fails with EINVAL
    When I allow these IOVA ranges in $ioas:
      | start   | last     |
      | 0x80000 | 0x100fff |
    Then it fails with EADDRINUSE

  @IOAS_ALLOW_IOVAS.PRECEDENCE @linux
  Scenario: The array is checked entry by entry: an empty range before an unreadable one fails with EINVAL
    Given an array of 2 IOVA ranges whose second lies on an unmapped page, the first from 0x2000 to 0x1000, as $ranges
    When I call IOMMU_IOAS_ALLOW_IOVAS with:
      | field         | value   |
      | ioas_id       | $ioas   |
      | num_iovas     | 2       |
      | allowed_iovas | $ranges |
    Then it fails with EINVAL
    Given an array of 2 IOVA ranges whose second lies on an unmapped page, the first from 0x1000 to 0x2000, as $good_first
    When I call IOMMU_IOAS_ALLOW_IOVAS with:
      | field         | value       |
      | ioas_id       | $ioas       |
      | num_iovas     | 2           |
      | allowed_iovas | $good_first |
    Then it fails with EFAULT

  @IOAS_IOVA_RANGES.PRECEDENCE @linux
  Scenario: IOMMU_IOAS_IOVA_RANGES checks __reserved, then the id, then writes the array
    Given an unmapped user address as $nowhere
    When I call IOMMU_IOAS_IOVA_RANGES with:
      | field         | value     |
      | ioas_id       | $ioas + 1 |
      | __reserved    | 1         |
      | num_iovas     | 1         |
      | allowed_iovas | $nowhere  |
    Then it fails with EOPNOTSUPP
    When I call IOMMU_IOAS_IOVA_RANGES with:
      | field         | value     |
      | ioas_id       | $ioas + 1 |
      | num_iovas     | 1         |
      | allowed_iovas | $nowhere  |
    Then it fails with ENOENT

  @IOAS_IOVA_RANGES.PRECEDENCE @linux
  Scenario: An array too small and unwritable fails with EFAULT, not EMSGSIZE
    Given an unmapped user address as $nowhere
    And 0x1000 bytes at IOVA 0x1000 reserved in $ioas
    When I call IOMMU_IOAS_IOVA_RANGES with:
      | field         | value    |
      | ioas_id       | $ioas    |
      | num_iovas     | 1        |
      | allowed_iovas | $nowhere |
    Then it fails with EFAULT

  @OPTION.PRECEDENCE @linux
  Scenario Outline: IOMMU_OPTION with <broken> fails with <errno>
    When I call IOMMU_OPTION with:
      | field      | value       |
      | option_id  | <option>    |
      | op         | <op>        |
      | __reserved | <reserved>  |
      | object_id  | <object>    |
      | val64      | <val64>     |
    Then it fails with <errno>

    Examples:
      | broken                                                  | option                   | op                  | reserved | object    | val64 | errno      |
      | a non-zero __reserved and an unknown option             | 0xffff                   | IOMMU_OPTION_OP_SET | 1        | 0         | 0     | EOPNOTSUPP |
      | RLIMIT_MODE: an IOAS exists and the value is 2          | IOMMU_OPTION_RLIMIT_MODE | IOMMU_OPTION_OP_SET | 0        | 0         | 2     | EBUSY      |
      | RLIMIT_MODE: an object id and an IOAS exists            | IOMMU_OPTION_RLIMIT_MODE | IOMMU_OPTION_OP_SET | 0        | $ioas     | 0     | EOPNOTSUPP |
      | HUGE_PAGES: an unknown object id and an unknown op      | IOMMU_OPTION_HUGE_PAGES  | 2                   | 0        | $ioas + 1 | 0     | ENOENT     |
      | HUGE_PAGES: an unknown object id and the value 2        | IOMMU_OPTION_HUGE_PAGES  | IOMMU_OPTION_OP_SET | 0        | $ioas + 1 | 2     | ENOENT     |
      | HUGE_PAGES: an unknown op and the value 2               | IOMMU_OPTION_HUGE_PAGES  | 2                   | 0        | $ioas     | 2     | EOPNOTSUPP |
