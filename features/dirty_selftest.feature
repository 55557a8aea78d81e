@dirty
Feature: The dirty tracking checks of the kernel selftest (iommufd_dirty_tracking)
  The kernel's own test of dirty tracking, variant by variant: an IOAS with
  huge pages off maps a buffer at MOCK_APERTURE_START into a HWPT with dirty
  tracking, so that every IOPTE covers one PAGE_SIZE page, two MOCK_PAGE_SIZE
  pages. Every fourth mock page is marked dirty through IOMMU_TEST_OP_DIRTY;
  a read of the bitmap in mock pages then reports both mock pages of each
  marked IOPTE, and a second read nothing (or, with NO_CLEAR, the same again).
  The bitmap sits at a page boundary, half way into a page, and at an odd
  address. The buffers run from 8 KiB (half a byte of bitmap) to 128 MiB
  (8 KiB of bitmap). The _huge variants map hugetlb memory into an IOAS of
  their own with huge pages on, read through the mock's huge page table
  (MOCK_IOMMUPT_HUGE): every IOPTE there is MOCK_HUGE_PAGE_SIZE, 512 mock
  pages, and one mark in every other IOPTE reports that IOPTE whole.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And huge pages are off in $ioas
    And a mock device attached to $ioas as $dev

  @DIRTY.GET.IOPTE_GRANULE @DIRTY.GET.CLEARS @DIRTY.GET.UNALIGNED_BITMAP @DIRTY.TEST.MARK @linux
  Scenario Outline: get_dirty_bitmap, buffer <variant>, bitmap at +<offset>
    Given <buffer> bytes of user memory as $buf
    And <buffer> bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    And a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And dirty tracking is on for $hwpt
    And <bytes> + 4096 bytes of user memory as $map
    When I mark the MOCK_PAGE_SIZE-byte pages "<marked>" of <buffer> bytes at IOVA MOCK_APERTURE_START of $hwpt dirty
    Then it succeeds
    And dirty.out_nr_dirty is <nr>
    When I read the dirty bits of <buffer> bytes at IOVA MOCK_APERTURE_START of $hwpt in MOCK_PAGE_SIZE-byte pages into $map + <offset>
    Then it succeeds
    And of the <bits> bits at $map + <offset> exactly "<reported>" are set
    When I clear the <bytes> bytes at $map + <offset>
    And I read the dirty bits of <buffer> bytes at IOVA MOCK_APERTURE_START of $hwpt in MOCK_PAGE_SIZE-byte pages into $map + <offset>
    Then it succeeds
    And of the <bits> bits at $map + <offset> exactly "none" are set

    Examples:
      | variant | buffer    | bits  | bytes | offset | marked        | reported                    | nr    |
      | 8k      | 8192      | 4     | 1     | 0      | 0-3/4         | 0-3/4, 1-3/4                | 1     |
      | 8k      | 8192      | 4     | 1     | 2048   | 0-3/4         | 0-3/4, 1-3/4                | 1     |
      | 8k      | 8192      | 4     | 1     | 0xff1  | 0-3/4         | 0-3/4, 1-3/4                | 1     |
      | 16k     | 16384     | 8     | 1     | 0      | 0-7/4         | 0-7/4, 1-7/4                | 2     |
      | 16k     | 16384     | 8     | 1     | 2048   | 0-7/4         | 0-7/4, 1-7/4                | 2     |
      | 16k     | 16384     | 8     | 1     | 0xff1  | 0-7/4         | 0-7/4, 1-7/4                | 2     |
      | 64k     | 65536     | 32    | 4     | 0      | 0-31/4        | 0-31/4, 1-31/4              | 8     |
      | 64k     | 65536     | 32    | 4     | 2048   | 0-31/4        | 0-31/4, 1-31/4              | 8     |
      | 64k     | 65536     | 32    | 4     | 0xff1  | 0-31/4        | 0-31/4, 1-31/4              | 8     |
      | 128k    | 131072    | 64    | 8     | 0      | 0-63/4        | 0-63/4, 1-63/4              | 16    |
      | 128k    | 131072    | 64    | 8     | 2048   | 0-63/4        | 0-63/4, 1-63/4              | 16    |
      | 128k    | 131072    | 64    | 8     | 0xff1  | 0-63/4        | 0-63/4, 1-63/4              | 16    |
      | 320k    | 327680    | 160   | 20    | 0      | 0-159/4       | 0-159/4, 1-159/4            | 40    |
      | 320k    | 327680    | 160   | 20    | 2048   | 0-159/4       | 0-159/4, 1-159/4            | 40    |
      | 320k    | 327680    | 160   | 20    | 0xff1  | 0-159/4       | 0-159/4, 1-159/4            | 40    |
      | 64M     | 67108864  | 32768 | 4096  | 0      | 0-32767/4     | 0-32767/4, 1-32767/4        | 8192  |
      | 64M     | 67108864  | 32768 | 4096  | 2048   | 0-32767/4     | 0-32767/4, 1-32767/4        | 8192  |
      | 64M     | 67108864  | 32768 | 4096  | 0xff1  | 0-32767/4     | 0-32767/4, 1-32767/4        | 8192  |
      | 128M    | 134217728 | 65536 | 8192  | 0      | 0-65535/4     | 0-65535/4, 1-65535/4        | 16384 |
      | 128M    | 134217728 | 65536 | 8192  | 2048   | 0-65535/4     | 0-65535/4, 1-65535/4        | 16384 |
      | 128M    | 134217728 | 65536 | 8192  | 0xff1  | 0-65535/4     | 0-65535/4, 1-65535/4        | 16384 |

  @DIRTY.GET.IOPTE_GRANULE @DIRTY.GET.NO_CLEAR @DIRTY.GET.UNALIGNED_BITMAP @DIRTY.TEST.MARK @linux
  Scenario Outline: get_dirty_bitmap_no_clear, buffer <variant>, bitmap at +<offset>
    Given <buffer> bytes of user memory as $buf
    And <buffer> bytes of $buf mapped at IOVA MOCK_APERTURE_START in $ioas
    And a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And dirty tracking is on for $hwpt
    And <bytes> + 4096 bytes of user memory as $map
    When I mark the MOCK_PAGE_SIZE-byte pages "<marked>" of <buffer> bytes at IOVA MOCK_APERTURE_START of $hwpt dirty
    Then it succeeds
    And dirty.out_nr_dirty is <nr>
    When I read the dirty bits of <buffer> bytes at IOVA MOCK_APERTURE_START of $hwpt in MOCK_PAGE_SIZE-byte pages into $map + <offset> without clearing them
    Then it succeeds
    And of the <bits> bits at $map + <offset> exactly "<reported>" are set
    When I clear the <bytes> bytes at $map + <offset>
    And I read the dirty bits of <buffer> bytes at IOVA MOCK_APERTURE_START of $hwpt in MOCK_PAGE_SIZE-byte pages into $map + <offset> without clearing them
    Then it succeeds
    And of the <bits> bits at $map + <offset> exactly "<reported>" are set

    Examples:
      | variant | buffer    | bits  | bytes | offset | marked        | reported                    | nr    |
      | 8k      | 8192      | 4     | 1     | 0      | 0-3/4         | 0-3/4, 1-3/4                | 1     |
      | 8k      | 8192      | 4     | 1     | 2048   | 0-3/4         | 0-3/4, 1-3/4                | 1     |
      | 8k      | 8192      | 4     | 1     | 0xff1  | 0-3/4         | 0-3/4, 1-3/4                | 1     |
      | 16k     | 16384     | 8     | 1     | 0      | 0-7/4         | 0-7/4, 1-7/4                | 2     |
      | 16k     | 16384     | 8     | 1     | 2048   | 0-7/4         | 0-7/4, 1-7/4                | 2     |
      | 16k     | 16384     | 8     | 1     | 0xff1  | 0-7/4         | 0-7/4, 1-7/4                | 2     |
      | 64k     | 65536     | 32    | 4     | 0      | 0-31/4        | 0-31/4, 1-31/4              | 8     |
      | 64k     | 65536     | 32    | 4     | 2048   | 0-31/4        | 0-31/4, 1-31/4              | 8     |
      | 64k     | 65536     | 32    | 4     | 0xff1  | 0-31/4        | 0-31/4, 1-31/4              | 8     |
      | 128k    | 131072    | 64    | 8     | 0      | 0-63/4        | 0-63/4, 1-63/4              | 16    |
      | 128k    | 131072    | 64    | 8     | 2048   | 0-63/4        | 0-63/4, 1-63/4              | 16    |
      | 128k    | 131072    | 64    | 8     | 0xff1  | 0-63/4        | 0-63/4, 1-63/4              | 16    |
      | 320k    | 327680    | 160   | 20    | 0      | 0-159/4       | 0-159/4, 1-159/4            | 40    |
      | 320k    | 327680    | 160   | 20    | 2048   | 0-159/4       | 0-159/4, 1-159/4            | 40    |
      | 320k    | 327680    | 160   | 20    | 0xff1  | 0-159/4       | 0-159/4, 1-159/4            | 40    |
      | 64M     | 67108864  | 32768 | 4096  | 0      | 0-32767/4     | 0-32767/4, 1-32767/4        | 8192  |
      | 64M     | 67108864  | 32768 | 4096  | 2048   | 0-32767/4     | 0-32767/4, 1-32767/4        | 8192  |
      | 64M     | 67108864  | 32768 | 4096  | 0xff1  | 0-32767/4     | 0-32767/4, 1-32767/4        | 8192  |
      | 128M    | 134217728 | 65536 | 8192  | 0      | 0-65535/4     | 0-65535/4, 1-65535/4        | 16384 |
      | 128M    | 134217728 | 65536 | 8192  | 2048   | 0-65535/4     | 0-65535/4, 1-65535/4        | 16384 |
      | 128M    | 134217728 | 65536 | 8192  | 0xff1  | 0-65535/4     | 0-65535/4, 1-65535/4        | 16384 |

  @DIRTY.GET.HUGE_IOPTE @DIRTY.GET.IOPTE_GRANULE @DIRTY.GET.CLEARS @DIRTY.GET.UNALIGNED_BITMAP @DIRTY.TEST.MARK @linux
  Scenario Outline: get_dirty_bitmap, buffer <variant>, bitmap at +<offset>
    Given an IOAS as $hioas
    And a mock device attached to $hioas as $hdev
    And <buffer> bytes of huge-page user memory as $buf
    And <buffer> bytes of $buf mapped at IOVA MOCK_APERTURE_START in $hioas
    And a huge-page HWPT with dirty tracking for $hdev on $hioas as $hwpt
    And dirty tracking is on for $hwpt
    And <bytes> + 4096 bytes of user memory as $map
    When I mark the MOCK_PAGE_SIZE-byte pages "<marked>" of <buffer> bytes at IOVA MOCK_APERTURE_START of $hwpt dirty
    Then it succeeds
    And dirty.out_nr_dirty is <nr>
    When I read the dirty bits of <buffer> bytes at IOVA MOCK_APERTURE_START of $hwpt in MOCK_PAGE_SIZE-byte pages into $map + <offset>
    Then it succeeds
    And of the <bits> bits at $map + <offset> exactly "<reported>" are set
    When I clear the <bytes> bytes at $map + <offset>
    And I read the dirty bits of <buffer> bytes at IOVA MOCK_APERTURE_START of $hwpt in MOCK_PAGE_SIZE-byte pages into $map + <offset>
    Then it succeeds
    And of the <bits> bits at $map + <offset> exactly "none" are set

    Examples:
      | variant   | buffer    | bits  | bytes | offset | marked       | reported         | nr  |
      | 64M_huge  | 67108864  | 32768 | 4096  | 0      | 0-32767/1024 | 0-32767/1024*512 | 32  |
      | 64M_huge  | 67108864  | 32768 | 4096  | 2048   | 0-32767/1024 | 0-32767/1024*512 | 32  |
      | 64M_huge  | 67108864  | 32768 | 4096  | 0xff1  | 0-32767/1024 | 0-32767/1024*512 | 32  |
      | 128M_huge | 134217728 | 65536 | 8192  | 0      | 0-65535/1024 | 0-65535/1024*512 | 64  |
      | 128M_huge | 134217728 | 65536 | 8192  | 2048   | 0-65535/1024 | 0-65535/1024*512 | 64  |
      | 128M_huge | 134217728 | 65536 | 8192  | 0xff1  | 0-65535/1024 | 0-65535/1024*512 | 64  |

  @DIRTY.GET.HUGE_IOPTE @DIRTY.GET.IOPTE_GRANULE @DIRTY.GET.NO_CLEAR @DIRTY.GET.UNALIGNED_BITMAP @DIRTY.TEST.MARK @linux
  Scenario Outline: get_dirty_bitmap_no_clear, buffer <variant>, bitmap at +<offset>
    Given an IOAS as $hioas
    And a mock device attached to $hioas as $hdev
    And <buffer> bytes of huge-page user memory as $buf
    And <buffer> bytes of $buf mapped at IOVA MOCK_APERTURE_START in $hioas
    And a huge-page HWPT with dirty tracking for $hdev on $hioas as $hwpt
    And dirty tracking is on for $hwpt
    And <bytes> + 4096 bytes of user memory as $map
    When I mark the MOCK_PAGE_SIZE-byte pages "<marked>" of <buffer> bytes at IOVA MOCK_APERTURE_START of $hwpt dirty
    Then it succeeds
    And dirty.out_nr_dirty is <nr>
    When I read the dirty bits of <buffer> bytes at IOVA MOCK_APERTURE_START of $hwpt in MOCK_PAGE_SIZE-byte pages into $map + <offset> without clearing them
    Then it succeeds
    And of the <bits> bits at $map + <offset> exactly "<reported>" are set
    When I clear the <bytes> bytes at $map + <offset>
    And I read the dirty bits of <buffer> bytes at IOVA MOCK_APERTURE_START of $hwpt in MOCK_PAGE_SIZE-byte pages into $map + <offset> without clearing them
    Then it succeeds
    And of the <bits> bits at $map + <offset> exactly "<reported>" are set

    Examples:
      | variant   | buffer    | bits  | bytes | offset | marked       | reported         | nr  |
      | 64M_huge  | 67108864  | 32768 | 4096  | 0      | 0-32767/1024 | 0-32767/1024*512 | 32  |
      | 64M_huge  | 67108864  | 32768 | 4096  | 2048   | 0-32767/1024 | 0-32767/1024*512 | 32  |
      | 64M_huge  | 67108864  | 32768 | 4096  | 0xff1  | 0-32767/1024 | 0-32767/1024*512 | 32  |
      | 128M_huge | 134217728 | 65536 | 8192  | 0      | 0-65535/1024 | 0-65535/1024*512 | 64  |
      | 128M_huge | 134217728 | 65536 | 8192  | 2048   | 0-65535/1024 | 0-65535/1024*512 | 64  |
      | 128M_huge | 134217728 | 65536 | 8192  | 0xff1  | 0-65535/1024 | 0-65535/1024*512 | 64  |

  @DIRTY.SET.TOGGLE
  Scenario: set_dirty_tracking, with a device attached to the HWPT
    Given a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And a mock device attached to $hwpt as $dev2
    When I turn dirty tracking on for $hwpt
    Then it succeeds
    When I turn dirty tracking off for $hwpt
    Then it succeeds
    When I destroy $dev2
    Then it succeeds
    When I destroy $hwpt
    Then it succeeds

  @DIRTY.ALLOC.NO_DIRTY_DEVICE @DIRTY.ATTACH.NO_DIRTY_DEVICE
  Scenario: enforce_dirty
    Given a HWPT with dirty tracking for $dev on $ioas as $hwpt
    And a mock device attached to $hwpt as $dev2
    When I attach a mock device with flags MOCK_FLAGS_DEVICE_NO_DIRTY to $hwpt
    Then it fails with EINVAL
    When I destroy $dev2
    Then it succeeds
    When I destroy $hwpt
    Then it succeeds
    Given an IOAS as $other
    And a mock device with flags MOCK_FLAGS_DEVICE_NO_DIRTY attached to $other as $nd
    When I allocate a HWPT with dirty tracking for $nd on $other
    Then it fails with EOPNOTSUPP
    When I destroy $nd
    Then it succeeds

  @DIRTY.SET.TOGGLE @DIRTY.ATTACH.NO_DIRTY_DEVICE @PASID.ATTACH.COMPAT_HWPT
  Scenario: pasid_set_dirty_tracking
    Given a paging HWPT for $dev_idev on $ioas with flags IOMMU_HWPT_ALLOC_PASID | IOMMU_HWPT_ALLOC_DIRTY_TRACKING as $hwpt
    And a mock device with flags MOCK_FLAGS_DEVICE_PASID attached to $hwpt as $pdev
    When I attach PASID 100 of $pdev to $hwpt
    Then it succeeds
    When I turn dirty tracking on for $hwpt
    Then it succeeds
    When I turn dirty tracking off for $hwpt
    Then it succeeds
    When I detach PASID 100 of $pdev
    Then it succeeds
    When I destroy $pdev
    Then it succeeds
    Given an IOAS as $other
    And a mock device with flags MOCK_FLAGS_DEVICE_PASID | MOCK_FLAGS_DEVICE_NO_DIRTY attached to $other as $nd
    When I attach PASID 100 of $nd to $hwpt
    Then it fails with EINVAL
    When I destroy $nd
    Then it succeeds
    When I destroy $hwpt
    Then it succeeds
