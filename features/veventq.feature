@veventq
Feature: vEVENTQs deliver a vIOMMU's events, numbered, and say when some were lost
  IOMMU_VEVENTQ_ALLOC makes a queue of one event type on a vIOMMU and a file
  to read it from. Each event is read as a struct iommufd_vevent_header (flags
  and a sequence number) followed by the driver's data; the mock device
  reports events of IOMMU_VEVENTQ_TYPE_SELFTEST (IOMMU_TEST_OP_TRIGGER_VEVENT)
  whose data is a struct iommu_viommu_event_selftest with its virtual id.

  Background:
    Given an open iommufd
    And an IOAS as $ioas
    And a mock device attached to $ioas as $dev
    And a paging HWPT for $dev_idev on $ioas with flags IOMMU_HWPT_ALLOC_NEST_PARENT as $parent
    And a selftest vIOMMU for $dev_idev on $parent as $viommu
    And user memory holding an iommu_hwpt_selftest as $data:
      | field | value                    |
      | iotlb | IOMMU_TEST_IOTLB_DEFAULT |
    And a nested HWPT for $dev_idev on $viommu from 4 bytes of $data as $nested

  @VEVENTQ.ALLOC.CREATES @VEVENTQ.READ.EVENT @VEVENTQ.POLL @VEVENTQ.BUSY
  Scenario: An event reported by the device is read with its header and its data
    Given a vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST and depth 2 on $viommu as $q
    And a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    And I replace the page table of $dev with $nested
    And it succeeds
    Then polling $q_fd for POLLIN | POLLOUT reports 0
    When the mock device $dev_idev reports a vEVENT
    Then it succeeds
    And polling $q_fd for POLLIN | POLLRDNORM | POLLOUT reports POLLIN | POLLRDNORM
    When I read 64 bytes from $q_fd
    Then it returns 12
    And the iommufd_vevent_header at byte 0 of the read has:
      | field    | value |
      | flags    | 0     |
      | sequence | 0     |
    And the iommu_viommu_event_selftest at byte 8 of the read has:
      | field   | value |
      | virt_id | 0x99  |
    And polling $q_fd for POLLIN | POLLOUT reports 0
    When I destroy $viommu
    Then it fails with EBUSY
    When I destroy $q
    Then it fails with EBUSY
    When I close $q_fd
    Then it succeeds
    When I destroy $q
    Then it succeeds

  @VEVENTQ.OVERFLOW.LOST_EVENTS @VEVENTQ.SEQUENCE
  Scenario: A full queue drops events and says so with one lost-events header; the numbering shows how many
    Given a vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST and depth 2 on $viommu as $q
    And a vDEVICE of $dev_idev on $viommu with virtual id 0x88 as $vdev
    And I replace the page table of $dev with $nested
    And it succeeds
    And the mock device $dev_idev reported 4 vEVENTs
    When I read 36 bytes from $q_fd
    Then it returns 32
    And the iommufd_vevent_header at byte 0 of the read has:
      | field    | value |
      | flags    | 0     |
      | sequence | 0     |
    And the iommu_viommu_event_selftest at byte 8 of the read has:
      | field   | value |
      | virt_id | 0x88  |
    And the iommufd_vevent_header at byte 12 of the read has:
      | field    | value |
      | flags    | 0     |
      | sequence | 1     |
    And the iommufd_vevent_header at byte 24 of the read has:
      | field    | value                          |
      | flags    | IOMMU_VEVENTQ_FLAG_LOST_EVENTS |
      | sequence | 3                              |
    Given the mock device $dev_idev reported 1 vEVENT
    When I read 64 bytes from $q_fd
    Then it returns 12
    And the iommufd_vevent_header at byte 0 of the read has:
      | field    | value |
      | flags    | 0     |
      | sequence | 4     |

  @VEVENTQ.READ.SIZE
  Scenario Outline: A read of <count> bytes, less than a header, is refused
    Given a vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST and depth 2 on $viommu as $q
    When I read <count> bytes from $q_fd
    Then it fails with EINVAL

    Examples:
      | count |
      | 0     |
      | 7     |

  @VEVENTQ.READ.SIZE @VEVENTQ.READ.EVENT
  Scenario: A read with room for a header but not the event's data is refused; a lost-events header needs no data
    Given a vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST and depth 1 on $viommu as $q
    And a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    And I replace the page table of $dev with $nested
    And it succeeds
    And the mock device $dev_idev reported 2 vEVENTs
    When I read 0 bytes from $q_fd
    Then it fails with EINVAL
    When I read 8 bytes from $q_fd
    Then it fails with EINVAL
    When I read 12 bytes from $q_fd
    Then it returns 12
    When I read 8 bytes from $q_fd
    Then it returns 8
    And the iommufd_vevent_header at byte 0 of the read has:
      | field    | value                          |
      | flags    | IOMMU_VEVENTQ_FLAG_LOST_EVENTS |
      | sequence | 1                              |

  @VEVENTQ.READ.EMPTY
  Scenario: An empty queue reads as 0 bytes
    Given a vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST and depth 2 on $viommu as $q
    When I read 64 bytes from $q_fd
    Then it returns 0

  @VEVENTQ.READ.POSITION @VEVENTQ.WRITE
  Scenario: A vEVENTQ's file has no position and cannot be written
    Given a vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST and depth 2 on $viommu as $q
    And 4096 bytes of user memory as $buf
    When I read 64 bytes from $q_fd at file position 0
    Then it fails with ESPIPE
    When I write 8 bytes of $buf to $q_fd
    Then it fails with EINVAL

  @VEVENTQ.READ.FAULT @linux
  Scenario: A read into memory that cannot be written keeps the event
    Given a vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST and depth 2 on $viommu as $q
    And a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    And I replace the page table of $dev with $nested
    And it succeeds
    And 4096 bytes of read-only user memory as $ro
    And the mock device $dev_idev reported 1 vEVENT
    When I read 64 bytes from $q_fd into $ro
    Then it fails with EFAULT
    When I read 64 bytes from $q_fd
    Then it returns 12

  @VEVENTQ.ALLOC.DEPTH
  Scenario Outline: A depth of <depth> is refused
    When I allocate a vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST and depth <depth> on $viommu
    Then it fails with EINVAL

    Examples:
      | depth  |
      | 0      |
      | 524289 |

  @VEVENTQ.ALLOC.DEPTH
  Scenario: The largest depth is accepted
    When I allocate a vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST and depth 524288 on $viommu
    Then it succeeds

  @VEVENTQ.ALLOC.ONE_PER_TYPE @VEVENTQ.ALLOC.TYPE @linux
  Scenario: One queue per type and vIOMMU; another type is a queue of its own
    Given a vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST and depth 2 on $viommu as $q
    When I allocate a vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST and depth 2 on $viommu
    Then it fails with EEXIST
    When I allocate a vEVENTQ of type IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 and depth 2 on $viommu
    Then it succeeds
    And out_veventq_id is $q + 1

  @VEVENTQ.ALLOC.TYPE @linux
  Scenario: IOMMU_VEVENTQ_TYPE_DEFAULT is refused
    When I allocate a vEVENTQ of type IOMMU_VEVENTQ_TYPE_DEFAULT and depth 2 on $viommu
    Then it fails with EOPNOTSUPP

  @VEVENTQ.ALLOC.RESERVED
  Scenario Outline: A non-zero <field> is refused
    When I call IOMMU_VEVENTQ_ALLOC with:
      | field         | value                       |
      | viommu_id     | $viommu                     |
      | type          | IOMMU_VEVENTQ_TYPE_SELFTEST |
      | veventq_depth | 2                           |
      | <field>       | 1                           |
    Then it fails with EOPNOTSUPP

    Examples:
      | field      |
      | flags      |
      | __reserved |

  @VEVENTQ.ALLOC.VIOMMU
  Scenario: viommu_id must name a vIOMMU
    When I allocate a vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST and depth 2 on $parent
    Then it fails with ENOENT

  @VEVENTQ.ALLOC.RESPOND_FAULT @linux
  Scenario: A reply that cannot be written back leaves no queue
    When I call IOMMU_VEVENTQ_ALLOC in read-only memory with:
      | field         | value                       |
      | viommu_id     | $viommu                     |
      | type          | IOMMU_VEVENTQ_TYPE_SELFTEST |
      | veventq_depth | 2                           |
    Then it fails with EFAULT
    When I allocate a vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST and depth 2 on $viommu
    Then it succeeds
    And out_veventq_id is $nested + 1

  @VEVENTQ.TRIGGER.NO_QUEUE
  Scenario: An event with no queue of its type is refused
    Given a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    And I replace the page table of $dev with $nested
    And it succeeds
    When the mock device $dev_idev reports a vEVENT
    Then it fails with EOPNOTSUPP

  @VEVENTQ.TRIGGER.NO_VDEVICE
  Scenario: A device not attached through its vDEVICE reports nothing
    Given a vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST and depth 2 on $viommu as $q
    When the mock device $dev_idev reports a vEVENT
    Then it fails with ENOENT

  @VEVENTQ.OVERFLOW.LOST_EVENTS @VEVENTQ.SEQUENCE
  Scenario: An event queued after room is made replaces the lost-events header; the sequence gap remains
    Given a vEVENTQ of type IOMMU_VEVENTQ_TYPE_SELFTEST and depth 1 on $viommu as $q
    And a vDEVICE of $dev_idev on $viommu with virtual id 0x99 as $vdev
    And I replace the page table of $dev with $nested
    And it succeeds
    And the mock device $dev_idev reported 2 vEVENTs
    When I read 12 bytes from $q_fd
    Then it returns 12
    Given the mock device $dev_idev reported 1 vEVENT
    When I read 64 bytes from $q_fd
    Then it returns 12
    And the iommufd_vevent_header at byte 0 of the read has:
      | field    | value |
      | flags    | 0     |
      | sequence | 2     |
