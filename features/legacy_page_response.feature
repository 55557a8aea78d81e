@legacy
Feature: The 2020 IOMMU UAPI answers a device's page requests
  A device that supports page requests (PCIe PRI) reports a struct iommu_fault
  of type IOMMU_FAULT_PAGE_REQ; the last request of a group waits until the
  consumer answers with a struct iommu_page_response through
  iommu_page_response(). The answer must be version 1, may carry only
  IOMMU_PAGE_RESP_PASID_VALID, and must match a pending request: its group,
  and its PASID when the request says the response needs one. Here the mock
  device reports the fault the scenario writes, as hardware would. Linux 6.9
  moved these structs out of the uAPI and dropped argsz and version.

  Background:
    Given user memory holding an iommu_fault as $request:
      | field     | value                              |
      | type      | IOMMU_FAULT_PAGE_REQ               |
      | prm.flags | IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE |
      | prm.grpid | 3                                  |
      | prm.perm  | IOMMU_FAULT_PERM_READ              |
      | prm.addr  | 0x7f0000001000                     |
    And user memory holding an iommu_page_response as $answer:
      | field   | value                     |
      | version | IOMMU_PAGE_RESP_VERSION_1 |
      | grpid   | 3                         |
      | code    | IOMMU_PAGE_RESP_SUCCESS   |

  @LEGACY.PAGE_RESP.PENDING
  Scenario: A pending page request is answered once
    Given the device has reported the fault $request
    When the IOMMU layer is given the page response $answer
    Then it succeeds
    When the IOMMU layer is given the page response $answer
    Then it fails with EINVAL

  @LEGACY.PAGE_RESP.PENDING
  Scenario: A response with nothing pending is refused
    When the IOMMU layer is given the page response $answer
    Then it fails with EINVAL

  @LEGACY.PAGE_RESP.PENDING
  Scenario: A response for another group leaves the pending request waiting
    Given the device has reported the fault $request
    And user memory holding an iommu_page_response as $other:
      | field   | value                     |
      | version | IOMMU_PAGE_RESP_VERSION_1 |
      | grpid   | 4                         |
      | code    | IOMMU_PAGE_RESP_INVALID   |
    When the IOMMU layer is given the page response $other
    Then it fails with EINVAL
    When the IOMMU layer is given the page response $answer
    Then it succeeds

  @LEGACY.PAGE_RESP.LAST_PAGE
  Scenario: A page request that is not the last of its group leaves nothing to answer
    Given user memory holding an iommu_fault as $first:
      | field     | value                 |
      | type      | IOMMU_FAULT_PAGE_REQ  |
      | prm.flags | 0                     |
      | prm.grpid | 3                     |
      | prm.perm  | IOMMU_FAULT_PERM_READ |
    And the device has reported the fault $first
    When the IOMMU layer is given the page response $answer
    Then it fails with EINVAL
    Given the device has reported the fault $request
    When the IOMMU layer is given the page response $answer
    Then it succeeds

  @LEGACY.PAGE_RESP.LAST_PAGE
  Scenario: An unrecoverable fault leaves nothing to answer
    Given user memory holding an iommu_fault as $event:
      | field        | value                              |
      | type         | IOMMU_FAULT_DMA_UNRECOV            |
      | event.reason | IOMMU_FAULT_REASON_PTE_FETCH       |
      | event.flags  | IOMMU_FAULT_UNRECOV_ADDR_VALID     |
      | event.addr   | 0x1000                             |
    And the device has reported the fault $event
    When the IOMMU layer is given the page response $answer
    Then it fails with EINVAL

  @LEGACY.PAGE_RESP.NEEDS_PASID
  Scenario Outline: A request that needs its PASID back refuses a response <case>
    Given user memory holding an iommu_fault as $tagged:
      | field     | value                                                                                                             |
      | type      | IOMMU_FAULT_PAGE_REQ                                                                                              |
      | prm.flags | IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE \| IOMMU_FAULT_PAGE_REQUEST_PASID_VALID \| IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID |
      | prm.pasid | 9                                                                                                                 |
      | prm.grpid | 3                                                                                                                 |
    And user memory holding an iommu_page_response as $wrong:
      | field   | value                     |
      | version | IOMMU_PAGE_RESP_VERSION_1 |
      | flags   | <flags>                   |
      | pasid   | <pasid>                   |
      | grpid   | 3                         |
    And user memory holding an iommu_page_response as $right:
      | field   | value                       |
      | version | IOMMU_PAGE_RESP_VERSION_1   |
      | flags   | IOMMU_PAGE_RESP_PASID_VALID |
      | pasid   | 9                           |
      | grpid   | 3                           |
    And the device has reported the fault $tagged
    When the IOMMU layer is given the page response $wrong
    Then it fails with EINVAL
    When the IOMMU layer is given the page response $right
    Then it succeeds

    Examples:
      | case                         | flags                       | pasid |
      | without a PASID              | 0                           | 9     |
      | with another PASID           | IOMMU_PAGE_RESP_PASID_VALID | 8     |

  @LEGACY.PAGE_RESP.NEEDS_PASID
  Scenario: A request that needs no PASID is answered by its group alone, whatever PASID the response carries
    Given user memory holding an iommu_page_response as $tagged:
      | field   | value                       |
      | version | IOMMU_PAGE_RESP_VERSION_1   |
      | flags   | IOMMU_PAGE_RESP_PASID_VALID |
      | pasid   | 1234                        |
      | grpid   | 3                           |
    And the device has reported the fault $request
    When the IOMMU layer is given the page response $tagged
    Then it succeeds

  @LEGACY.PAGE_RESP.VERSION
  Scenario Outline: A page response of version <version> is refused and the request still waits
    Given the device has reported the fault $request
    And user memory holding an iommu_page_response as $other:
      | field   | value     |
      | version | <version> |
      | grpid   | 3         |
    When the IOMMU layer is given the page response $other
    Then it fails with EINVAL
    When the IOMMU layer is given the page response $answer
    Then it succeeds

    Examples:
      | version |
      | 0       |
      | 2       |

  @LEGACY.PAGE_RESP.FLAGS
  Scenario Outline: Page response flags <flags> hold more than IOMMU_PAGE_RESP_PASID_VALID
    Given the device has reported the fault $request
    And user memory holding an iommu_page_response as $other:
      | field   | value                     |
      | version | IOMMU_PAGE_RESP_VERSION_1 |
      | flags   | <flags>                   |
      | grpid   | 3                         |
    When the IOMMU layer is given the page response $other
    Then it fails with EINVAL

    Examples:
      | flags                             |
      | 0x2                               |
      | IOMMU_PAGE_RESP_PASID_VALID \| 0x80000000 |

  @LEGACY.PAGE_RESP.ARGSZ
  Scenario: A page response's argsz is never read
    Given the device has reported the fault $request
    And user memory holding an iommu_page_response as $unsized:
      | field   | value                     |
      | argsz   | 0                         |
      | version | IOMMU_PAGE_RESP_VERSION_1 |
      | grpid   | 3                         |
    When the IOMMU layer is given the page response $unsized
    Then it succeeds
