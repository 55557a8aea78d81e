// Driver-specific user data (include/linux/iommu.h): a typed struct or one
// entry of a typed array that the caller passes by pointer and length, read
// the way iommu_copy_struct_from_user and its array variant read it.
import { E2BIG, EFAULT, EINVAL } from './errno.ts';
import type { Task } from './task.ts';
import { userAddr } from './usermem.ts';

/** struct iommu_user_data: one driver struct of `type`, `len` bytes at `uptr`. */
export interface UserData { type: number; uptr: bigint; len: number }

/** struct iommu_user_data_array: entryNum entries of entryLen bytes each. */
export interface UserDataArray { type: number; uptr: bigint; entryLen: number; entryNum: number }

/**
 * copy_struct_from_user: a shorter user struct is zero-extended, a longer one
 * must have a zero tail (E2BIG); an unreadable byte is EFAULT.
 */
export function copyStructFromUser(task: Task, dst: Uint8Array, uptr: bigint, usize: number): number {
  dst.fill(0);
  const at = userAddr(uptr);
  if (at < 0) return -EFAULT;
  if (usize > dst.length) {
    const z = task.mm.checkZeroed(at + dst.length, usize - dst.length);
    if (z <= 0) return z < 0 ? z : -E2BIG;
  }
  return task.mm.copyFrom(at, dst, Math.min(usize, dst.length)) < 0 ? -EFAULT : 0;
}

/**
 * __iommu_copy_struct_from_user: the type must be the driver's, and the
 * length between the struct's first version (minLen) and its current size.
 */
export function copyUserData(task: Task, dst: Uint8Array, data: UserData, type: number, minLen: number): number {
  if (data.type !== type) return -EINVAL;
  if (data.len < minLen || data.len > dst.length) return -EINVAL;
  return copyStructFromUser(task, dst, data.uptr, data.len);
}

/** __iommu_copy_struct_from_user_array: entry `index` under the rules of copyUserData. */
export function copyUserDataEntry(task: Task, dst: Uint8Array, array: UserDataArray, type: number, index: number, minLen: number): number {
  if (index >= array.entryNum) return -EINVAL;
  const uptr = (array.uptr + BigInt(array.entryLen) * BigInt(index)) & 0xffff_ffff_ffff_ffffn;
  return copyUserData(task, dst, { type: array.type, uptr, len: array.entryLen }, type, minLen);
}
