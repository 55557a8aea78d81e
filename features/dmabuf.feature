Feature: dma-bufs mapped into an IOAS, and their revocation
  IOMMU_IOAS_MAP_FILE also takes a supported dma-buf: physical memory of a
  device that is mapped as it is, never pinned. The exporter can revoke the
  buffer; iommufd cannot map it again, so every existing import is dead from
  then on, and new imports are refused until the exporter restores it. The
  selftest exports such buffers itself.

  Background:
    Given an open iommufd
    And an IOAS as $ioas

  @DMABUF.GET.FD
  Scenario: The selftest hands out a dma-buf as a new file descriptor
    When I ask the selftest for a dma-buf of 0x4000 bytes
    Then it returns the descriptor of a new dma-buf

  @DMABUF.GET.LENGTH
  Scenario Outline: A length that is not 1 to 512 pages once rounded up is refused (<length>)
    When I ask the selftest for a dma-buf of <length> bytes
    Then it fails with EINVAL

    Examples:
      | length     |
      | 0          |
      | 0x200001   |
      | 0xffffffff |

  @DMABUF.GET.LENGTH
  Scenario Outline: A length that rounds up to 1 to 512 pages is accepted (<length>)
    Given a dma-buf of <length> bytes as $dbuf
    When I map 0x1000 bytes of the file $dbuf from offset 0 into $ioas
    Then it succeeds

    Examples:
      | length   |
      | 1        |
      | 0x1000   |
      | 0x200000 |

  @DMABUF.GET.LENGTH
  Scenario: A length below a page is a whole page
    Given a dma-buf of 1 bytes as $dbuf
    When I map 0x1001 bytes of the file $dbuf from offset 0 into $ioas
    Then it fails with EINVAL

  @DMABUF.REVOKE.FD
  Scenario: Revoking a file that is no dma-buf is refused
    Given a memfd of 0x1000 bytes as $mfd
    When I revoke the dma-buf $mfd
    Then it fails with EINVAL

  @DMABUF.REVOKE.FD
  Scenario: Revoking a closed descriptor is refused
    Given a dma-buf of 0x4000 bytes as $dbuf
    When I close the dma-buf $dbuf
    And I revoke the dma-buf $dbuf
    Then it fails with EBADF

  @DMABUF.MAP_FILE.RANGE
  Scenario Outline: A range that does not fit the dma-buf is refused (<what>)
    Given a dma-buf of 0x4000 bytes as $dbuf
    When I map <length> bytes of the file $dbuf from offset <start> into $ioas
    Then it fails with EINVAL

    Examples:
      | what                        | start  | length |
      | a zero length               | 0      | 0      |
      | a range starting at the end | 0x4000 | 0x4000 |
      | one byte too long           | 0      | 0x4001 |
      | running past the end        | 0x3000 | 0x2000 |

  @DMABUF.MAP_FILE.MAPS
  Scenario: A dma-buf maps at an allocated IOVA
    Given a dma-buf of 0x4000 bytes as $dbuf
    When I map 0x4000 bytes of the file $dbuf from offset 0 into $ioas
    Then it succeeds
    And iova is a multiple of 0x1000

  @DMABUF.MAP_FILE.MAPS
  Scenario: A part of a dma-buf maps at a fixed IOVA
    Given a dma-buf of 0x4000 bytes as $dbuf
    When I map 0x1000 bytes of the file $dbuf from offset 0x3000 at IOVA 0x100000 into $ioas
    Then it succeeds
    When I unmap 0x1000 bytes at IOVA 0x100000 from $ioas
    Then it succeeds

  @DMABUF.MAP_FILE.MAPS
  Scenario: A dma-buf mapped for a mock device is not pinned or charged
    Given a mock device attached to $ioas as $dev
    And a dma-buf of 0x4000 bytes as $dbuf
    When I map 0x4000 bytes of the file $dbuf from offset 0 at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds
    And VmPin of this process is 0 kB

  @DMABUF.MAP_FILE.MAPS @DMABUF.REVOKE.FOREVER
  Scenario: A live dma-buf import has no physical address for a non no-IOMMU domain
    Given a dma-buf of 0x4000 bytes as $dbuf
    When I map 0x4000 bytes of the file $dbuf from offset 0 at IOVA 0x100000 into $ioas
    Then it succeeds
    When I ask for the physical address at IOVA 0x100000 of $ioas
    Then it fails with EOPNOTSUPP

  @DMABUF.MAP_FILE.REVOKED
  Scenario: A revoked dma-buf cannot be imported until it is restored
    Given a dma-buf of 0x4000 bytes as $dbuf
    When I revoke the dma-buf $dbuf
    Then it succeeds
    When I map 0x4000 bytes of the file $dbuf from offset 0 into $ioas
    Then it fails with ENODEV
    When I restore the dma-buf $dbuf
    Then it succeeds
    When I map 0x4000 bytes of the file $dbuf from offset 0 into $ioas
    Then it succeeds

  @DMABUF.REVOKE.FOREVER
  Scenario: Revoking kills an existing import, and restoring does not bring it back
    Given a dma-buf of 0x4000 bytes as $dbuf
    When I map 0x4000 bytes of the file $dbuf from offset 0 at IOVA 0x100000 into $ioas
    Then it succeeds
    When I revoke the dma-buf $dbuf
    Then it succeeds
    When I ask for the physical address at IOVA 0x100000 of $ioas
    Then it fails with EINVAL
    When I restore the dma-buf $dbuf
    Then it succeeds
    When I ask for the physical address at IOVA 0x100000 of $ioas
    Then it fails with EINVAL
    When I map 0x4000 bytes of the file $dbuf from offset 0 at IOVA 0x200000 into $ioas
    Then it succeeds
    When I ask for the physical address at IOVA 0x200000 of $ioas
    Then it fails with EOPNOTSUPP

  @DMABUF.REVOKE.FOREVER
  Scenario: A restore is an invalidation too and revokes a live import
    Given a dma-buf of 0x4000 bytes as $dbuf
    When I map 0x4000 bytes of the file $dbuf from offset 0 at IOVA 0x100000 into $ioas
    Then it succeeds
    When I restore the dma-buf $dbuf
    Then it succeeds
    When I ask for the physical address at IOVA 0x100000 of $ioas
    Then it fails with EINVAL
    When I map 0x4000 bytes of the file $dbuf from offset 0 at IOVA 0x200000 into $ioas
    Then it succeeds

  @DMABUF.REVOKE.FOREVER
  Scenario: Revoking one buffer leaves another buffer's import alive
    Given a dma-buf of 0x4000 bytes as $one
    And a dma-buf of 0x4000 bytes as $two
    When I map 0x4000 bytes of the file $one from offset 0 at IOVA 0x100000 into $ioas
    Then it succeeds
    When I map 0x4000 bytes of the file $two from offset 0 at IOVA 0x200000 into $ioas
    Then it succeeds
    When I revoke the dma-buf $one
    Then it succeeds
    When I ask for the physical address at IOVA 0x200000 of $ioas
    Then it fails with EOPNOTSUPP
    When I ask for the physical address at IOVA 0x100000 of $ioas
    Then it fails with EINVAL

  @DMABUF.REVOKE.UNMAP
  Scenario: A revoked mapping can be unmapped and its IOVA mapped again
    Given a dma-buf of 0x4000 bytes as $dbuf
    When I map 0x4000 bytes of the file $dbuf from offset 0 into $ioas
    Then it succeeds
    And I remember iova as $iova
    When I revoke the dma-buf $dbuf
    Then it succeeds
    When I restore the dma-buf $dbuf
    Then it succeeds
    When I map 0x4000 bytes of the file $dbuf from offset 0 into $ioas
    Then it succeeds
    When I unmap 0x4000 bytes at IOVA $iova from $ioas
    Then it succeeds
    And length is 0x4000
    When I map 0x4000 bytes of the file $dbuf from offset 0 at IOVA $iova into $ioas
    Then it succeeds

  @DMABUF.REVOKE.DEVICE
  Scenario: A mock device attaches to an IOAS holding a revoked dma-buf mapping
    Given a dma-buf of 0x4000 bytes as $dbuf
    When I map 0x4000 bytes of the file $dbuf from offset 0 at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds
    When I revoke the dma-buf $dbuf
    Then it succeeds
    When I attach a mock device to $ioas
    Then it succeeds
    When I unmap 0x4000 bytes at IOVA MOCK_APERTURE_START from $ioas
    Then it succeeds

  @DMABUF.REVOKE.DEVICE
  Scenario: A paging HWPT is allocated on an IOAS holding a revoked dma-buf mapping, which stays dead
    Given a mock device attached to $ioas as $dev
    And a dma-buf of 0x4000 bytes as $dbuf
    When I map 0x4000 bytes of the file $dbuf from offset 0 at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds
    When I revoke the dma-buf $dbuf
    Then it succeeds
    Given a paging HWPT for $dev_idev on $ioas with flags 0 as $hwpt
    When I map 0x4000 bytes of the file $dbuf from offset 0 into $ioas
    Then it fails with ENODEV
    When I restore the dma-buf $dbuf
    Then it succeeds
    When I map 0x4000 bytes of the file $dbuf from offset 0 into $ioas
    Then it succeeds

  @DMABUF.REVOKE.DEVICE
  Scenario: Revoking a dma-buf mapped for an attached mock device, then unmapping it
    Given a mock device attached to $ioas as $dev
    And a dma-buf of 0x4000 bytes as $dbuf
    When I map 0x4000 bytes of the file $dbuf from offset 0 at IOVA MOCK_APERTURE_START into $ioas
    Then it succeeds
    When I revoke the dma-buf $dbuf
    Then it succeeds
    When I unmap 0x4000 bytes at IOVA MOCK_APERTURE_START from $ioas
    Then it succeeds
    When I destroy $dev
    Then it succeeds

  @DMABUF.ACCESS
  Scenario: An access can neither copy nor pin through a dma-buf mapping
    Given a dma-buf of 0x4000 bytes as $dbuf
    And 0x1000 bytes of user memory as $out
    When I map 0x4000 bytes of the file $dbuf from offset 0 at IOVA 0x100000 into $ioas
    Then it succeeds
    Given an access to $ioas as $access
    When I read 0x1000 bytes at IOVA 0x100000 through $access into $out
    Then it fails with EINVAL
    When I write 0x1000 bytes of $out at IOVA 0x100000 through $access
    Then it fails with EINVAL
    Given an access to $ioas that pins pages as $pinner
    When I pin 0x1000 bytes at IOVA 0x100000 through $pinner
    Then it fails with EINVAL

  @DMABUF.CLOSE
  Scenario: A mapping outlives the dma-buf's descriptor
    Given a dma-buf of 0x4000 bytes as $dbuf
    When I map 0x4000 bytes of the file $dbuf from offset 0 at IOVA 0x100000 into $ioas
    Then it succeeds
    When I close the dma-buf $dbuf
    And I ask for the physical address at IOVA 0x100000 of $ioas
    Then it fails with EOPNOTSUPP
    When I unmap 0x4000 bytes at IOVA 0x100000 from $ioas
    Then it succeeds
