// IO address space objects and their ioctls.
import { EOPNOTSUPP } from './errno.ts';
import { IommufdObject } from './object.ts';
import type { Ucmd } from './ucmd.ts';
import type { IommufdCtx } from './main.ts';

export class IoasObject extends IommufdObject {
  readonly type = 'IOAS' as const;
  /** IOMMU_OPTION_HUGE_PAGES = 0 forces PAGE_SIZE IOPTEs. */
  disableLargePages = false;

  constructor(readonly ctx: IommufdCtx) { super(); }

  override destroy(): void {
    if (this.ctx.vfioIoas === this) this.ctx.vfioIoas = undefined;
  }
}

export function getIoas(ctx: IommufdCtx, id: number): IoasObject | undefined {
  return ctx.objects.get<IoasObject>(id, 'IOAS');
}

function ioasAlloc(ucmd: Ucmd): number {
  if (ucmd.u32('flags')) return -EOPNOTSUPP;
  const ioas = new IoasObject(ucmd.ctx);
  const rc = ucmd.ctx.objects.reserve(ioas);
  if (rc) return rc;
  ucmd.newObj = ioas;
  ucmd.setU32('out_ioas_id', ioas.id);
  return ucmd.respond();
}

export const handlers = { IOMMU_IOAS_ALLOC: ioasAlloc };
