// IOMMU_IOAS_NOIOMMU_GET_PA (iommufd_ioas_noiommu_get_pa, CONFIG_IOMMUFD_NOIOMMU):
// the physical address behind an IOVA, for devices without an IOMMU only.
// The answer comes from the area's storage domain (the IOAS's first domain)
// when that is a no-IOMMU domain (noiommu_domain.ts), which only a VFIO
// no-IOMMU device attached through its cdev creates (vfio_device.ts); any
// other mapped IOVA is refused. A kernel without the option keeps the number
// in its table and a stub refuses every call after the generic size rules.
import { EINVAL, ENOENT, EOPNOTSUPP, EOVERFLOW, EPERM } from './errno.ts';
import { ULONG_MAX, type IoPageTable } from './io_pagetable.ts';
import { getIoas } from './ioas.ts';
import { physOf } from './noiommu_phys.ts';
import { fieldsOf, type Ucmd } from './ucmd.ts';
import { PAGE_SIZE } from './usermem.ts';

const CMD = fieldsOf('iommu_ioas_noiommu_get_pa');
const PAGE = BigInt(PAGE_SIZE);

/** iommu_iova_to_phys on the no-IOMMU table: the physical address of iova in area id (0 where nothing is pinned). */
function iovaToPhys(iopt: IoPageTable, id: number, iova: bigint): bigint {
  const byte = iopt.startByte(id, iova);
  const page = iopt.areaPages(id)!.pinned(Number(byte / PAGE));
  return page ? physOf(page, Number(byte % PAGE)) : 0n;
}

/**
 * iopt_get_phys: the physical address of iova, and the bytes from there that
 * are physically contiguous, found page by page from iova (in steps of a page,
 * keeping iova's offset) up to max bytes and the area's end.
 */
function getPhys(iopt: IoPageTable, iova: bigint, max: bigint): { phys: bigint; length: bigint } | number {
  const id = iopt.areas.first(iova, iova);
  const pages = id ? iopt.areaPages(id) : undefined;
  if (!pages) return -ENOENT;
  if (pages.dmabuf?.revoked) return -EINVAL;
  if (!iopt.domains[0]?.noiommu) return -EOPNOTSUPP;
  const last = iopt.areaLast(id);
  const phys = iovaToPhys(iopt, id, iova);
  const first = PAGE - iova % PAGE;
  let length = first < last - iova + 1n ? first : last - iova + 1n;
  let cur = iova, curPhys = phys;
  while (cur < last && length < max) {
    const next = cur + PAGE;
    if (next > ULONG_MAX || next > last) break;
    const nextPhys = iovaToPhys(iopt, id, next);
    if (!nextPhys || nextPhys !== curPhys + PAGE) break;
    cur = next; curPhys += PAGE; length += PAGE;
  }
  return { phys, length: length > max ? max : length };
}

function noiommuGetPa(ucmd: Ucmd): number {
  if (!ucmd.ctx.config.iommufdNoiommu) return -EOPNOTSUPP;
  if (!ucmd.task.capSysRawio) return -EPERM;
  if (ucmd.u32(CMD.flags!) || ucmd.u32(CMD.__reserved!)) return -EOPNOTSUPP;
  const max = ucmd.u64(CMD.length!);
  if (!max) return -EINVAL;
  const iova = ucmd.u64(CMD.iova!);
  if (iova >= ULONG_MAX) return -EOVERFLOW;
  const ioas = getIoas(ucmd.ctx, ucmd.u32(CMD.ioas_id!));
  if (!ioas) return -ENOENT;
  const r = getPhys(ioas.iopt, iova, max);
  if (typeof r === 'number') return r;
  ucmd.setU64(CMD.out_phys!, r.phys);
  ucmd.setU64(CMD.length!, r.length);
  return ucmd.respond();
}

export const handlers = { IOMMU_IOAS_NOIOMMU_GET_PA: noiommuGetPa };
