// Calls an ioctl with fields given as values rather than as a feature table,
// for the steps that phrase a call in the documentation's words.
import assert from 'node:assert/strict';
import { encode, fieldAt, nest, readPath, type FieldValue } from '../../harness/codec/codec.ts';
import { fieldPaths } from '../../harness/codec/values.ts';
import { closest } from '../../harness/codec/nearest.ts';
import { PROT_READ, PROT_WRITE, type IoctlResult } from '../../harness/backend/interface.ts';
import type { IommufdWorld } from './world.ts';

/** Calls `ioctl` on the iommufd `fd` (the default one when omitted) with the named fields set. */
export async function callFields(w: IommufdWorld, ioctl: string, fields: Record<string, bigint>, fd?: string): Promise<IoctlResult> {
  const def = w.ioctlDef(ioctl);
  if (!def.struct) throw new Error(`${ioctl} takes no struct`);
  return w.call(def, { bytes: encode(def.struct, nest(fields as Record<string, FieldValue>)) }, fd);
}

/** Asserts that the last call succeeded; `what` says what the step was doing. */
export function expectOk(w: IommufdWorld, what: string): void {
  const r = w.last.result;
  assert.equal(r.errno, 0, `${what}: ${w.last.ioctl.name} failed with ${w.errnoName(r.errno)}`);
}

/** A scalar field of the struct the last call wrote back. */
export function outValue(w: IommufdWorld, field: string): bigint {
  const { ioctl, result } = w.last;
  assert.ok(ioctl.struct && result.bytes, `${ioctl.name} was not called with a struct`);
  if (!fieldAt(ioctl.struct, field)) throw w.specError(`unknown field '${field}' of struct ${ioctl.struct.name}${closest(field, fieldPaths(ioctl.struct))}`);
  const v = readPath(ioctl.struct, result.bytes, field);
  assert.ok(v !== undefined && typeof v !== 'object', `${field} is not a scalar field of ${ioctl.struct.name}`);
  return BigInt(v as number | bigint);
}

/** Writes bytes so that they end right at the end of a mapped page with an unmapped page after it; their address. */
export async function beforeUnmappedPage(w: IommufdWorld, bytes: Uint8Array): Promise<bigint> {
  const r = await w.backend.mmap(8192n, PROT_READ | PROT_WRITE);
  assert.ok(!r.errno && r.addr !== undefined, `mmap failed with ${w.errnoName(r.errno)}`);
  const at = r.addr + 4096n - BigInt(bytes.length);
  assert.equal((await w.backend.memWrite(at, bytes)).errno, 0, 'writing user memory failed');
  assert.equal((await w.backend.munmap(r.addr + 4096n, 4096n)).errno, 0, 'munmap failed');
  return at;
}
