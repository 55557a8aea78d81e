@generic
Feature: Every ioctl follows the argument rules of its convention
  An iommufd ioctl takes a pointer to a struct whose first u32, size, tells the
  kernel how many bytes the caller passed. A caller built against older headers
  passes less, one built against newer headers passes more: the kernel accepts
  any size from the end of the ioctl's last mandatory field up, ignores extra
  bytes that are zero and refuses extra bytes that are not. The VFIO
  compatibility ioctls on the same file follow VFIO's argsz convention instead.

  Background:
    Given an open iommufd

  @GENERIC.SIZE.BELOW_MIN
  Scenario Outline: <ioctl> refuses a size below its minimum of <min> bytes
    When I call <ioctl> with a zeroed argument of <below_min> bytes
    Then it fails with EINVAL

    Examples:
      | ioctl                         | size | min | below_min |
      | IOMMU_DESTROY                 | 8    | 8   | 7         |
      | IOMMU_IOAS_ALLOC              | 12   | 12  | 11        |
      | IOMMU_IOAS_ALLOW_IOVAS        | 24   | 24  | 23        |
      | IOMMU_IOAS_COPY               | 40   | 40  | 39        |
      | IOMMU_IOAS_IOVA_RANGES        | 32   | 32  | 31        |
      | IOMMU_IOAS_MAP                | 40   | 40  | 39        |
      | IOMMU_IOAS_UNMAP              | 24   | 24  | 23        |
      | IOMMU_OPTION                  | 24   | 24  | 23        |
      | IOMMU_VFIO_IOAS               | 12   | 12  | 11        |
      | IOMMU_HWPT_ALLOC              | 48   | 24  | 23        |
      | IOMMU_GET_HW_INFO             | 40   | 32  | 31        |
      | IOMMU_HWPT_SET_DIRTY_TRACKING | 16   | 16  | 15        |
      | IOMMU_HWPT_GET_DIRTY_BITMAP   | 48   | 48  | 47        |
      | IOMMU_HWPT_INVALIDATE         | 32   | 32  | 31        |
      | IOMMU_FAULT_QUEUE_ALLOC       | 16   | 16  | 15        |
      | IOMMU_IOAS_MAP_FILE           | 40   | 40  | 39        |
      | IOMMU_VIOMMU_ALLOC            | 40   | 24  | 23        |
      | IOMMU_VDEVICE_ALLOC           | 24   | 24  | 23        |
      | IOMMU_IOAS_CHANGE_PROCESS     | 8    | 8   | 7         |
      | IOMMU_VEVENTQ_ALLOC           | 32   | 28  | 27        |
      | IOMMU_HW_QUEUE_ALLOC          | 40   | 40  | 39        |
      | IOMMU_IOAS_NOIOMMU_GET_PA     | 40   | 40  | 39        |
      | IOMMU_TEST_CMD                | 72   | 68  | 67        |

  @GENERIC.SIZE.ZERO_TAIL
  Scenario Outline: <ioctl> treats a longer struct with a zero tail as its own size
    Given another open iommufd as $other
    When I call <ioctl> on $iommufd with a zeroed argument of <size> bytes
    And I call <ioctl> on $other with a zeroed argument of <size> bytes extended by 16 zero bytes
    Then the last two calls have the same outcome, file descriptors aside

    Examples:
      | ioctl                         | size | min | below_min |
      | IOMMU_DESTROY                 | 8    | 8   | 7         |
      | IOMMU_IOAS_ALLOC              | 12   | 12  | 11        |
      | IOMMU_IOAS_ALLOW_IOVAS        | 24   | 24  | 23        |
      | IOMMU_IOAS_COPY               | 40   | 40  | 39        |
      | IOMMU_IOAS_IOVA_RANGES        | 32   | 32  | 31        |
      | IOMMU_IOAS_MAP                | 40   | 40  | 39        |
      | IOMMU_IOAS_UNMAP              | 24   | 24  | 23        |
      | IOMMU_OPTION                  | 24   | 24  | 23        |
      | IOMMU_VFIO_IOAS               | 12   | 12  | 11        |
      | IOMMU_HWPT_ALLOC              | 48   | 24  | 23        |
      | IOMMU_GET_HW_INFO             | 40   | 32  | 31        |
      | IOMMU_HWPT_SET_DIRTY_TRACKING | 16   | 16  | 15        |
      | IOMMU_HWPT_GET_DIRTY_BITMAP   | 48   | 48  | 47        |
      | IOMMU_HWPT_INVALIDATE         | 32   | 32  | 31        |
      | IOMMU_FAULT_QUEUE_ALLOC       | 16   | 16  | 15        |
      | IOMMU_IOAS_MAP_FILE           | 40   | 40  | 39        |
      | IOMMU_VIOMMU_ALLOC            | 40   | 24  | 23        |
      | IOMMU_VDEVICE_ALLOC           | 24   | 24  | 23        |
      | IOMMU_IOAS_CHANGE_PROCESS     | 8    | 8   | 7         |
      | IOMMU_VEVENTQ_ALLOC           | 32   | 28  | 27        |
      | IOMMU_HW_QUEUE_ALLOC          | 40   | 40  | 39        |
      | IOMMU_IOAS_NOIOMMU_GET_PA     | 40   | 40  | 39        |
      | IOMMU_TEST_CMD                | 72   | 68  | 67        |

  @GENERIC.SIZE.NONZERO_TAIL
  Scenario Outline: <ioctl> refuses a longer struct with a non-zero byte in its tail
    When I call <ioctl> with a zeroed argument of <size> bytes extended by 8 bytes, the first one non-zero
    Then it fails with E2BIG
    When I call <ioctl> with a zeroed argument of <size> bytes extended by 4096 bytes, the last one non-zero
    Then it fails with E2BIG

    Examples:
      | ioctl                         | size | min | below_min |
      | IOMMU_DESTROY                 | 8    | 8   | 7         |
      | IOMMU_IOAS_ALLOC              | 12   | 12  | 11        |
      | IOMMU_IOAS_ALLOW_IOVAS        | 24   | 24  | 23        |
      | IOMMU_IOAS_COPY               | 40   | 40  | 39        |
      | IOMMU_IOAS_IOVA_RANGES        | 32   | 32  | 31        |
      | IOMMU_IOAS_MAP                | 40   | 40  | 39        |
      | IOMMU_IOAS_UNMAP              | 24   | 24  | 23        |
      | IOMMU_OPTION                  | 24   | 24  | 23        |
      | IOMMU_VFIO_IOAS               | 12   | 12  | 11        |
      | IOMMU_HWPT_ALLOC              | 48   | 24  | 23        |
      | IOMMU_GET_HW_INFO             | 40   | 32  | 31        |
      | IOMMU_HWPT_SET_DIRTY_TRACKING | 16   | 16  | 15        |
      | IOMMU_HWPT_GET_DIRTY_BITMAP   | 48   | 48  | 47        |
      | IOMMU_HWPT_INVALIDATE         | 32   | 32  | 31        |
      | IOMMU_FAULT_QUEUE_ALLOC       | 16   | 16  | 15        |
      | IOMMU_IOAS_MAP_FILE           | 40   | 40  | 39        |
      | IOMMU_VIOMMU_ALLOC            | 40   | 24  | 23        |
      | IOMMU_VDEVICE_ALLOC           | 24   | 24  | 23        |
      | IOMMU_IOAS_CHANGE_PROCESS     | 8    | 8   | 7         |
      | IOMMU_VEVENTQ_ALLOC           | 32   | 28  | 27        |
      | IOMMU_HW_QUEUE_ALLOC          | 40   | 40  | 39        |
      | IOMMU_IOAS_NOIOMMU_GET_PA     | 40   | 40  | 39        |
      | IOMMU_TEST_CMD                | 72   | 68  | 67        |

  @GENERIC.SIZE.OUTSIDE_UNTOUCHED
  Scenario Outline: <ioctl> neither reads nor writes past the size the caller declared
    Given another open iommufd as $other
    When I call <ioctl> on $iommufd with a zeroed argument of <min> bytes
    And I call <ioctl> on $other with a zeroed argument of <min> bytes followed by 16 bytes of 0xff outside its size
    Then the last two calls have the same outcome, file descriptors aside
    And the 16 bytes after the argument are still 0xff

    Examples:
      | ioctl                         | size | min | below_min |
      | IOMMU_DESTROY                 | 8    | 8   | 7         |
      | IOMMU_IOAS_ALLOC              | 12   | 12  | 11        |
      | IOMMU_IOAS_ALLOW_IOVAS        | 24   | 24  | 23        |
      | IOMMU_IOAS_COPY               | 40   | 40  | 39        |
      | IOMMU_IOAS_IOVA_RANGES        | 32   | 32  | 31        |
      | IOMMU_IOAS_MAP                | 40   | 40  | 39        |
      | IOMMU_IOAS_UNMAP              | 24   | 24  | 23        |
      | IOMMU_OPTION                  | 24   | 24  | 23        |
      | IOMMU_VFIO_IOAS               | 12   | 12  | 11        |
      | IOMMU_HWPT_ALLOC              | 48   | 24  | 23        |
      | IOMMU_GET_HW_INFO             | 40   | 32  | 31        |
      | IOMMU_HWPT_SET_DIRTY_TRACKING | 16   | 16  | 15        |
      | IOMMU_HWPT_GET_DIRTY_BITMAP   | 48   | 48  | 47        |
      | IOMMU_HWPT_INVALIDATE         | 32   | 32  | 31        |
      | IOMMU_FAULT_QUEUE_ALLOC       | 16   | 16  | 15        |
      | IOMMU_IOAS_MAP_FILE           | 40   | 40  | 39        |
      | IOMMU_VIOMMU_ALLOC            | 40   | 24  | 23        |
      | IOMMU_VDEVICE_ALLOC           | 24   | 24  | 23        |
      | IOMMU_IOAS_CHANGE_PROCESS     | 8    | 8   | 7         |
      | IOMMU_VEVENTQ_ALLOC           | 32   | 28  | 27        |
      | IOMMU_HW_QUEUE_ALLOC          | 40   | 40  | 39        |
      | IOMMU_IOAS_NOIOMMU_GET_PA     | 40   | 40  | 39        |
      | IOMMU_TEST_CMD                | 72   | 68  | 67        |

  @GENERIC.POINTER.EFAULT
  Scenario Outline: <ioctl> fails with EFAULT when its argument cannot be read
    Given an unmapped user address as $hole
    When I call <ioctl> with the argument pointer 0
    Then it fails with EFAULT
    When I call <ioctl> with the argument pointer $hole
    Then it fails with EFAULT

    Examples:
      | ioctl                         | size | min | below_min |
      | IOMMU_DESTROY                 | 8    | 8   | 7         |
      | IOMMU_IOAS_ALLOC              | 12   | 12  | 11        |
      | IOMMU_IOAS_ALLOW_IOVAS        | 24   | 24  | 23        |
      | IOMMU_IOAS_COPY               | 40   | 40  | 39        |
      | IOMMU_IOAS_IOVA_RANGES        | 32   | 32  | 31        |
      | IOMMU_IOAS_MAP                | 40   | 40  | 39        |
      | IOMMU_IOAS_UNMAP              | 24   | 24  | 23        |
      | IOMMU_OPTION                  | 24   | 24  | 23        |
      | IOMMU_VFIO_IOAS               | 12   | 12  | 11        |
      | IOMMU_HWPT_ALLOC              | 48   | 24  | 23        |
      | IOMMU_GET_HW_INFO             | 40   | 32  | 31        |
      | IOMMU_HWPT_SET_DIRTY_TRACKING | 16   | 16  | 15        |
      | IOMMU_HWPT_GET_DIRTY_BITMAP   | 48   | 48  | 47        |
      | IOMMU_HWPT_INVALIDATE         | 32   | 32  | 31        |
      | IOMMU_FAULT_QUEUE_ALLOC       | 16   | 16  | 15        |
      | IOMMU_IOAS_MAP_FILE           | 40   | 40  | 39        |
      | IOMMU_VIOMMU_ALLOC            | 40   | 24  | 23        |
      | IOMMU_VDEVICE_ALLOC           | 24   | 24  | 23        |
      | IOMMU_IOAS_CHANGE_PROCESS     | 8    | 8   | 7         |
      | IOMMU_VEVENTQ_ALLOC           | 32   | 28  | 27        |
      | IOMMU_HW_QUEUE_ALLOC          | 40   | 40  | 39        |
      | IOMMU_IOAS_NOIOMMU_GET_PA     | 40   | 40  | 39        |
      | IOMMU_TEST_CMD                | 72   | 68  | 67        |

  @VFIO.ARGSZ.BELOW_MIN
  Scenario Outline: <ioctl> refuses an argsz below its minimum of <min> bytes
    When I call <ioctl> with a zeroed argument of <below_min> bytes
    Then it fails with EINVAL

    Examples:
      | ioctl                | size | min | below_min |
      | VFIO_IOMMU_GET_INFO  | 24   | 16  | 15        |
      | VFIO_IOMMU_MAP_DMA   | 32   | 32  | 31        |
      | VFIO_IOMMU_UNMAP_DMA | 24   | 24  | 23        |

  @VFIO.ARGSZ.TAIL_IGNORED @GENERIC.SIZE.OUTSIDE_UNTOUCHED
  Scenario Outline: <ioctl> ignores what follows its struct
    Given another open iommufd as $other
    When I call <ioctl> on $iommufd with a zeroed argument of <size> bytes
    And I call <ioctl> on $other with a zeroed argument of <size> bytes extended by 8 bytes, the last one non-zero
    Then the last two calls have the same outcome
    When I call <ioctl> on $iommufd with a zeroed argument of <min> bytes followed by 16 bytes of 0xff outside its size
    Then the 16 bytes after the argument are still 0xff

    Examples:
      | ioctl                | size | min | below_min |
      | VFIO_IOMMU_GET_INFO  | 24   | 16  | 15        |
      | VFIO_IOMMU_MAP_DMA   | 32   | 32  | 31        |
      | VFIO_IOMMU_UNMAP_DMA | 24   | 24  | 23        |

  @VFIO.ARGSZ.EFAULT
  Scenario Outline: <ioctl> fails with EFAULT when its argument cannot be read
    When I call <ioctl> with the argument pointer 0
    Then it fails with EFAULT

    Examples:
      | ioctl                | size | min | below_min |
      | VFIO_IOMMU_GET_INFO  | 24   | 16  | 15        |
      | VFIO_IOMMU_MAP_DMA   | 32   | 32  | 31        |
      | VFIO_IOMMU_UNMAP_DMA | 24   | 24  | 23        |

  @VFIO.INT_ARG.NOT_POINTER
  Scenario Outline: <ioctl> takes its argument as an integer
    When I call <ioctl> with the integer argument <value>
    Then <outcome>

    Examples:
      | ioctl                | value | outcome             |
      | VFIO_GET_API_VERSION | 0     | it returns 0        |
      | VFIO_CHECK_EXTENSION | 0     | it returns 0        |
      | VFIO_CHECK_EXTENSION | 1     | it returns 1        |
      | VFIO_CHECK_EXTENSION | 3     | it returns 1        |
      | VFIO_SET_IOMMU       | 0     | it fails with EINVAL |

  @GENERIC.NUMBER.UNKNOWN
  Scenario Outline: <ioctl> belongs to a VFIO device cdev and is no ioctl of an iommufd
    When I call <ioctl> with a zeroed argument of <size> bytes
    Then it fails with ENOTTY

    Examples:
      | ioctl                         | size |
      | VFIO_DEVICE_BIND_IOMMUFD      | 24   |
      | VFIO_DEVICE_ATTACH_IOMMUFD_PT | 16   |
      | VFIO_DEVICE_DETACH_IOMMUFD_PT | 12   |

  @GENERIC.NUMBER.UNKNOWN
  Scenario Outline: request <request> is no ioctl of an iommufd
    When I call <request> with a zeroed argument of 64 bytes
    Then it fails with ENOTTY

    Examples: numbers outside the command range, unused numbers inside it, other types and direction bits
      | request    |
      | 0x3b00     |
      | 0x3b7f     |
      | 0x3b96     |
      | 0x3b9f     |
      | 0x3ba1     |
      | 0x3bff     |
      | 0x5880     |
      | 0x40083b80 |
      | 0xc0183b85 |

  @GENERIC.NUMBER.SIZE_READ_FIRST @linux
  Scenario Outline: request <request> inside the command range reads the size before it is looked up
    When I call <request> with the argument pointer 0
    Then it fails with EFAULT

    Examples:
      | request    |
      | 0x5880     |
      | 0x40083b80 |

  @GENERIC.NUMBER.UNKNOWN
  Scenario Outline: request <request> outside the command range is refused without reading the argument
    When I call <request> with the argument pointer 0
    Then it fails with ENOTTY

    Examples:
      | request |
      | 0x3b7f  |
      | 0x3ba1  |
