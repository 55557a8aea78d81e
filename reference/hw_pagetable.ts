// Paging hardware page tables (IOMMUFD_OBJ_HWPT_PAGING) over the selftest's
// mock IOMMU: a domain with the mock aperture and the mock IOPTE size,
// linked to an IOAS whose every area it maps.
import { constant } from '../spec/loader/constants.ts';
import type { IoptDomain } from './io_pagetable.ts';
import type { IoasObject } from './ioas.ts';
import type { IommufdCtx } from './context.ts';
import { IommufdObject } from './object.ts';

const C = constant;

/** The mock iommu_domain: 2 KiB IOPTEs, aperture MOCK_APERTURE_START..MOCK_APERTURE_LAST. */
export class MockDomain implements IoptDomain {
  readonly pageSize = Number(C('MOCK_PAGE_SIZE'));
  readonly apertureStart = C('MOCK_APERTURE_START');
  readonly apertureEnd = C('MOCK_APERTURE_LAST');
}

export class HwptPagingObject extends IommufdObject {
  readonly type = 'HWPT_PAGING' as const;
  readonly domain = new MockDomain();
  /** Created by attaching a device to an IOAS: destroyed with its last device. */
  autoDomain = false;
  /** Whether the domain is in the IOAS's page table (iopt_table_add_domain succeeded). */
  private linked = false;

  constructor(readonly ctx: IommufdCtx, readonly ioas: IoasObject) {
    super();
    ioas.users++;
  }

  /** iopt_table_add_domain: 0 or -errno. */
  link(): number {
    const rc = this.ioas.iopt.addDomain(this.domain);
    if (!rc) { this.linked = true; this.ioas.hwpts.push(this); }
    return rc;
  }

  override describe(): string { return `ioas=${this.ioas.id} auto=${this.autoDomain} linked=${this.linked}`; }

  override destroy(): void {
    if (this.linked) {
      this.ioas.hwpts.splice(this.ioas.hwpts.indexOf(this), 1);
      this.ioas.iopt.removeDomain(this.domain);
      this.linked = false;
    }
    this.ioas.users--;
  }
}
