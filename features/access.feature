Feature: An in-kernel access moves between IO address spaces
  A mediated driver reaches guest memory through an access attached to one
  IOAS. The selftest can move its access to another IOAS: the access joins
  the new one first, then gives up everything it had pinned in the old one,
  and its reference and IOVA alignment follow it. The selftest's syzkaller
  mode names an IOVA by area index and offset instead.

  Background:
    Given an open iommufd
    And an IOAS as $old
    And an IOAS as $new
    And 0x4000 bytes of user memory as $a
    And 0x4000 bytes of user memory as $b
    And I fill 0x4000 bytes at $a with 0x11
    And I fill 0x4000 bytes at $b with 0x22
    And 0x4000 bytes of $a mapped at IOVA 0x100000 in $old
    And 0x4000 bytes of $b mapped at IOVA 0x100000 in $new
    And an access to $old that pins pages as $access

  @ACCESS.REPLACE_IOAS.MOVES
  Scenario: After the move the access pins pages of the new IOAS
    When I move $access to $new
    Then it succeeds
    When I pin 0x2000 bytes at IOVA 0x100000 through $access
    Then it succeeds
    And the pages of the 0x2000 bytes at $b are pinned 1 time
    And the pages of the 0x2000 bytes at $a are pinned 0 times

  @ACCESS.REPLACE_IOAS.MOVES
  Scenario: After the move the access copies from the new IOAS
    Given 0x1000 bytes of user memory as $out
    When I move $access to $new
    Then it succeeds
    When I read 0x1000 bytes at IOVA 0x100000 through $access into $out
    Then it succeeds
    And the 0x1000 bytes at $out are all 0x22

  @ACCESS.REPLACE_IOAS.MOVES
  Scenario: The page alignment a pinning access needs moves with it
    Then the IOVA alignment of $old is 4096
    And the IOVA alignment of $new is 1
    When I move $access to $new
    Then it succeeds
    And the IOVA alignment of $old is 1
    And the IOVA alignment of $new is 4096

  @ACCESS.REPLACE_IOAS.UNPINS @linux
  Scenario: Pages still pinned in the old IOAS are unpinned by the move
    When I pin 0x4000 bytes at IOVA 0x100000 through $access
    Then it succeeds
    And I remember access_pages.out_access_pages_id as $item
    And the pages of the 0x4000 bytes at $a are pinned 1 time
    When I move $access to $new
    Then it succeeds
    And the pages of the 0x4000 bytes at $a are pinned 0 times
    When I unpin $item through $access
    Then it fails with ENOENT

  @ACCESS.REPLACE_IOAS.UNPINS @linux
  Scenario: Once the move dropped its pins, the old IOAS can unmap freely
    When I pin 0x1000 bytes at IOVA 0x101000 through $access
    Then it succeeds
    When I move $access to $new
    Then it succeeds
    When I unmap 0x4000 bytes at IOVA 0x100000 from $old
    Then it succeeds
    And length is 0x4000

  @ACCESS.REPLACE_IOAS.REFS
  Scenario: The old IOAS is released by the move and the new one is held
    When I destroy $old
    Then it fails with EBUSY
    When I move $access to $new
    Then it succeeds
    When I destroy $new
    Then it fails with EBUSY
    When I destroy $old
    Then it succeeds

  @ACCESS.REPLACE_IOAS.REFS @ACCESS.REPLACE_IOAS.MOVES
  Scenario: An access moved into an IOAS with a mock device shares the device's pins
    Given an IOAS as $dom
    And a mock device attached to $dom as $dev
    And 0x4000 bytes of $a mapped at IOVA MOCK_APERTURE_START in $dom
    And the pages of the 0x4000 bytes at $a are pinned 1 time
    When I move $access to $dom
    Then it succeeds
    When I pin 0x4000 bytes at IOVA MOCK_APERTURE_START through $access
    Then it succeeds
    And the pages of the 0x4000 bytes at $a are pinned 1 time
    When I destroy $old
    Then it succeeds

  @ACCESS.REPLACE_IOAS.MOVES @ACCESS.REPLACE_IOAS.UNPINS @ACCESS.REPLACE_IOAS.REFS @IOAS_MAP_FILE.AS_MAP @linux
  Scenario: A memfd mapped in both IOASes: the move drops the old pins and the new IOAS pins the same pages
    Given a memfd of 0x4000 bytes as $mfd
    And the memfd $mfd mapped as $m
    And an IOAS as $x
    And an IOAS as $y
    When I map 0x4000 bytes of the file $mfd from offset 0 at IOVA 0x100000 into $x
    Then it succeeds
    When I map 0x4000 bytes of the file $mfd from offset 0 at IOVA 0x100000 into $y
    Then it succeeds
    Given an access to $x that pins pages as $acc
    When I pin 0x4000 bytes at IOVA 0x100000 through $acc
    Then it succeeds
    And the pages of the 0x4000 bytes at $m are pinned 1 time
    When I move $acc to $y
    Then it succeeds
    And the pages of the 0x4000 bytes at $m are pinned 0 times
    When I destroy $x
    Then it succeeds
    When I pin 0x4000 bytes at IOVA 0x100000 through $acc
    Then it succeeds
    And the pages of the 0x4000 bytes at $m are pinned 1 time

  @ACCESS.REPLACE_IOAS.SAME
  Scenario: Moving an access to its own IOAS keeps its pins
    When I pin 0x2000 bytes at IOVA 0x100000 through $access
    Then it succeeds
    And I remember access_pages.out_access_pages_id as $item
    When I move $access to $old
    Then it succeeds
    And the pages of the 0x2000 bytes at $a are pinned 1 time
    When I unpin $item through $access
    Then it succeeds
    And the pages of the 0x2000 bytes at $a are pinned 0 times

  @ACCESS.REPLACE_IOAS.UNKNOWN
  Scenario Outline: A move to something that is no IOAS is refused and the access stays (<what>)
    Given an IOAS as $dom
    And a mock device attached to $dom as $dev
    When I pin 0x2000 bytes at IOVA 0x100000 through $access
    Then it succeeds
    When I move $access to <target>
    Then it fails with ENOENT
    And the pages of the 0x2000 bytes at $a are pinned 1 time
    When I destroy $old
    Then it fails with EBUSY

    Examples:
      | what                   | target     |
      | no id                  | 0          |
      | an id nothing has      | $old + 100 |
      | a device's page table  | $dev_hwpt  |

  @ACCESS.REPLACE_IOAS.ALIGNMENT
  Scenario: An IOAS with a mapping off the page alignment refuses a pinning access
    Given an IOAS as $odd
    And 0x1000 bytes of $b + 0x100 mapped at IOVA 0x200100 in $odd
    When I move $access to $odd
    Then it fails with EADDRINUSE
    And the IOVA alignment of $odd is 1
    And the IOVA alignment of $old is 4096
    When I destroy $odd
    Then it succeeds

  @ACCESS.REPLACE_IOAS.NOT_ACCESS
  Scenario: The op needs the descriptor of an access
    Given the descriptor number of $iommufd as $self
    When I move $self to $new
    Then it fails with EBADFD

  @ACCESS.SYZ.CONVERT
  Scenario: In syzkaller mode an IOVA is an area index and an offset into that area
    Given 0x4000 bytes of user memory as $c
    And I fill 0x4000 bytes at $c with 0x33
    And 0x4000 bytes of $c mapped at IOVA 0x300000 in $old
    And 0x1000 bytes of user memory as $out
    When I read 0x1000 bytes at offset 0x2000 of area 1 through $access into $out
    Then it succeeds
    And the 0x1000 bytes at $out are all 0x33
    When I read 0x1000 bytes at offset 0 of area 0 through $access into $out
    Then it succeeds
    And the 0x1000 bytes at $out are all 0x11

  @ACCESS.SYZ.CONVERT
  Scenario: In syzkaller mode a write lands at the offset into the area named
    Given 0x1000 bytes of user memory as $in
    And I fill 0x1000 bytes at $in with 0x5a
    When I write 0x1000 bytes of $in at offset 0x3000 of area 0 through $access
    Then it succeeds
    And the 0x1000 bytes at $a + 0x3000 are all 0x5a
    And the 0x1000 bytes at $a + 0x2000 are all 0x11

  @ACCESS.SYZ.CONVERT
  Scenario: In syzkaller mode pages are pinned in the area named
    When I pin 0x1000 bytes at offset 0x1000 of area 0 through $access
    Then it succeeds
    And the pages of the 0x1000 bytes at $a + 0x1000 are pinned 1 time
    And the pages of the 0x1000 bytes at $a are pinned 0 times

  @ACCESS.SYZ.NO_AREA
  Scenario Outline: An area index past the last area becomes IOVA 0 (<op>)
    Given 0x1000 bytes of user memory as $out
    When <op>
    Then it fails with ENOENT

    Examples:
      | op                                                                      |
      | I read 0x1000 bytes at offset 0 of area 1 through $access into $out      |
      | I pin 0x1000 bytes at offset 0 of area 5 through $access                 |

  @ACCESS.SYZ.NO_AREA
  Scenario: IOVA 0 is used as it is when something is mapped there
    Given 0x1000 bytes of $b mapped at IOVA 0 in $old
    And 0x1000 bytes of user memory as $out
    When I read 0x1000 bytes at offset 0 of area 7 through $access into $out
    Then it succeeds
    And the 0x1000 bytes at $out are all 0x22

  @ACCESS.SYZ.OFF
  Scenario: Without the flag the same value is an ordinary IOVA
    Given 0x1000 bytes of user memory as $out
    When I read 0x1000 bytes at IOVA 0x100000000 through $access into $out
    Then it fails with ENOENT
    When I read 0x1000 bytes at offset 1 of area 0 through $access into $out
    Then it succeeds

  @ACCESS.SYZ.COPY
  Scenario: In syzkaller mode IOAS_COPY reads its source IOVA as an area index and offset
    Given 0x1000 bytes of user memory as $out
    When I call IOMMU_IOAS_COPY with:
      | flags       | IOMMU_IOAS_MAP_FIXED_IOVA \| IOMMU_IOAS_MAP_READABLE \| MOCK_FLAGS_ACCESS_SYZ |
      | src_ioas_id | $old                                                                         |
      | src_iova    | 0x200000000000                                                               |
      | dst_ioas_id | $new                                                                         |
      | dst_iova    | 0x400000                                                                     |
      | length      | 0x1000                                                                       |
    Then it succeeds
    And src_iova is 0x102000
    And flags is IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE
    Given an access to $new as $reader
    When I read 0x1000 bytes at IOVA 0x400000 through $reader into $out
    Then it succeeds
    And the 0x1000 bytes at $out are all 0x11
