// The structs of the 2020 IOMMU UAPI as the entry points read them: field
// offsets from spec/ (iommu-legacy.json, iommu-legacy-5.10.json), and the
// kernel's zeroed copy of a caller's struct.
import { loadSpec } from '../../spec/loader/load.ts';
import { fieldsOf } from '../ucmd.ts';

const sizeOf = (struct: string) => loadSpec().structs.get(struct)!.size;

const info = fieldsOf('iommu_cache_invalidate_info');
const pasidInfo = fieldsOf('iommu_inv_pasid_info');
const addrInfo = fieldsOf('iommu_inv_addr_info');
/** struct iommu_cache_invalidate_info: everything before the granu union is mandatory. */
export const CACHE = {
  size: sizeOf('iommu_cache_invalidate_info'),
  argsz: info.argsz!, version: info.version!, cache: info.cache!, granularity: info.granularity!,
  padding: info.padding!, paddingLen: info.granu! - info.padding!,
  minsz: info.granu!,
  pasidEnd: info.granu! + sizeOf('iommu_inv_pasid_info'),
  addrEnd: info.granu! + sizeOf('iommu_inv_addr_info'),
  pasidFlags: info.granu! + pasidInfo.flags!,
  addrFlags: info.granu! + addrInfo.flags!,
};

const bind = fieldsOf('iommu_gpasid_bind_data');
const vtd = fieldsOf('iommu_gpasid_bind_data_vtd');
/** struct iommu_gpasid_bind_data: everything before the vendor union is mandatory. */
export const BIND = {
  size: sizeOf('iommu_gpasid_bind_data'),
  argsz: bind.argsz!, version: bind.version!, format: bind.format!, addrWidth: bind.addr_width!, flags: bind.flags!,
  gpgd: bind.gpgd!, hpasid: bind.hpasid!, gpasid: bind.gpasid!,
  padding: bind.padding!, paddingLen: bind.vendor! - bind.padding!,
  minsz: bind.vendor!,
  vtdFlags: bind.vendor! + vtd.flags!,
  vtdEnd: bind.vendor! + sizeOf('iommu_gpasid_bind_data_vtd'),
};

const resp = fieldsOf('iommu_page_response');
/** struct iommu_page_response. */
export const RESP = { size: sizeOf('iommu_page_response'), version: resp.version!, flags: resp.flags!, pasid: resp.pasid!, grpid: resp.grpid! };

const fault = fieldsOf('iommu_fault');
const prm = fieldsOf('iommu_fault_page_request');
/** struct iommu_fault with the page request member of its body. */
export const FAULT = {
  size: sizeOf('iommu_fault'), type: fault.type!,
  prmFlags: fault.prm! + prm.flags!, prmPasid: fault.prm! + prm.pasid!, prmGrpid: fault.prm! + prm.grpid!,
};

/** The kernel's copy of a caller's struct, zero past what was copied in (the `= { 0 }` of the entry points). */
export class KernelCopy {
  readonly bytes: Uint8Array;
  private readonly dv: DataView;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.dv = new DataView(this.bytes.buffer);
  }
  u8(off: number): number { return this.bytes[off]!; }
  u32(off: number): number { return this.dv.getUint32(off, true); }
  u64(off: number): bigint { return this.dv.getBigUint64(off, true); }
  /** True when the len bytes at off are all zero (a reserved field). */
  zero(off: number, len: number): boolean { return this.bytes.subarray(off, off + len).every((b) => b === 0); }
}

export type BindData = KernelCopy;
