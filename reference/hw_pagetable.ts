// Hardware page tables over the selftest's mock IOMMU: paging HWPTs
// (IOMMUFD_OBJ_HWPT_PAGING), a mock domain linked to an IOAS whose every area
// it maps, and nested HWPTs (IOMMUFD_OBJ_HWPT_NESTED), a user-managed stage 1
// over a nesting parent whose only state is its mock IOTLB.
import { constant, constantNum } from '../spec/loader/constants.ts';
import type { IoptDomain } from './io_pagetable.ts';
import type { IoasObject } from './ioas.ts';
import type { IommufdCtx } from './context.ts';
import { MockDirty } from './mock_dirty.ts';
import { IommufdObject } from './object.ts';
import { HUGE_PAGE_SIZE, PAGE_SIZE } from './usermem.ts';

const C = constant;
const IOPT_HUGE = constantNum('MOCK_IOMMUPT_HUGE');
/** The mock amdv1 table starts at level 2 with 2 KiB granules and 9 bits per level: 38 bits of IOVA. */
const HUGE_APERTURE_END = (1n << 38n) - 1n;
/**
 * IOPTE sizes, largest first: the huge table's pgsize_bitmap is
 * MOCK_HUGE_PAGE_SIZE | PAGE_SIZE; the default AMDv1 table has every power of
 * two from MOCK_PAGE_SIZE on (listed up to HUGE_PAGE_SIZE, the longest
 * contiguous run the engine's memory has).
 */
const HUGE_SIZES = [C('MOCK_HUGE_PAGE_SIZE'), BigInt(PAGE_SIZE)];
const DEFAULT_SIZES = (() => {
  const out: bigint[] = [];
  for (let s = BigInt(HUGE_PAGE_SIZE); s >= C('MOCK_PAGE_SIZE'); s /= 2n) out.push(s);
  return out;
})();

/** The mock iommu_domain; the default table has 2 KiB IOPTEs and the mock aperture, the huge one PAGE_SIZE and huge IOPTEs over its whole range. */
export class MockDomain implements IoptDomain {
  readonly pageSize: number;
  readonly apertureStart: bigint;
  readonly apertureEnd: bigint;
  /** Whether tracking is on and which IOPTEs are dirty (mock_dirty.ts). */
  readonly dirty: MockDirty;
  constructor(readonly pagetableType = 0) {
    const huge = pagetableType === IOPT_HUGE;
    this.dirty = new MockDirty(huge ? HUGE_SIZES : DEFAULT_SIZES);
    this.pageSize = huge ? PAGE_SIZE : Number(C('MOCK_PAGE_SIZE'));
    this.apertureStart = huge ? 0n : C('MOCK_APERTURE_START');
    this.apertureEnd = huge ? HUGE_APERTURE_END : C('MOCK_APERTURE_LAST');
  }
  unmapped(first: bigint, last: bigint): void { this.dirty.forget(first, last); }
}

/** What both kinds of HWPT share (struct iommufd_hw_pagetable). */
export interface HwptCommon {
  /** IOMMU_HWPT_ALLOC_PASID: the HWPT may be attached to PASIDs. */
  pasidCompat: boolean;
  /** The fault queue of IOMMU_HWPT_FAULT_ID_VALID, held while the HWPT lives. */
  fault?: IommufdObject;
}

function commonText(h: HwptCommon): string {
  return `pasid=${h.pasidCompat} fault=${h.fault?.id ?? 0}`;
}

export class HwptPagingObject extends IommufdObject implements HwptCommon {
  readonly type = 'HWPT_PAGING' as const;
  /** Created by attaching a device to an IOAS: destroyed with its last device. */
  autoDomain = false;
  /** IOMMU_HWPT_ALLOC_NEST_PARENT: nested HWPTs may sit on it. */
  nestParent = false;
  /** IOMMU_HWPT_ALLOC_DIRTY_TRACKING: the domain has dirty tracking ops (devices without them may not attach). */
  dirtyTracking = false;
  pasidCompat = false;
  fault?: IommufdObject = undefined;
  /** Whether the domain is in the IOAS's page table (iopt_table_add_domain succeeded). */
  private linked = false;

  constructor(readonly ctx: IommufdCtx, readonly ioas: IoasObject, public domain = new MockDomain()) {
    super();
    ioas.users++;
  }

  /** iopt_table_add_domain: 0 or -errno. */
  link(): number {
    const rc = this.ioas.iopt.addDomain(this.domain);
    if (!rc) { this.linked = true; this.ioas.hwpts.push(this); }
    return rc;
  }

  override describe(): string {
    return `ioas=${this.ioas.id} auto=${this.autoDomain} linked=${this.linked} nest_parent=${this.nestParent} ` +
      `dirty=${this.dirtyTracking} pagetable=${this.domain.pagetableType} ${commonText(this)} ${this.domain.dirty.describe()}`;
  }

  override destroy(): void {
    if (this.linked) {
      this.ioas.hwpts.splice(this.ioas.hwpts.indexOf(this), 1);
      this.ioas.iopt.removeDomain(this.domain);
      this.linked = false;
    }
    releaseFault(this);
    this.ioas.users--;
  }
}

export class HwptNestedObject extends IommufdObject implements HwptCommon {
  readonly type = 'HWPT_NESTED' as const;
  /** The mock IOTLB: MOCK_NESTED_DOMAIN_IOTLB_NUM entries, each the iotlb value of the alloc data until invalidated to 0. */
  readonly iotlb: number[];
  pasidCompat = false;
  fault?: IommufdObject = undefined;

  /** viommu: the vIOMMU it was allocated on (IOMMU_HWPT_ALLOC with a vIOMMU as pt_id), held while the HWPT lives; its parent is the vIOMMU's. */
  constructor(readonly parent: HwptPagingObject, iotlb: number, readonly viommu?: IommufdObject) {
    super();
    this.iotlb = new Array<number>(constantNum('MOCK_NESTED_DOMAIN_IOTLB_NUM')).fill(iotlb);
    parent.users++;
    if (viommu) viommu.users++;
  }

  override describe(): string {
    return `parent=${this.parent.id} iotlb=${this.iotlb.join(',')} viommu=${this.viommu?.id ?? 0} ${commonText(this)}`;
  }

  override destroy(): void {
    releaseFault(this);
    this.parent.users--;
    if (this.viommu) this.viommu.users--;
  }
}

export type HwptObject = HwptPagingObject | HwptNestedObject;

function releaseFault(h: HwptCommon): void {
  if (h.fault) h.fault.users--;
  h.fault = undefined;
}
