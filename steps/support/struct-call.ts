// Calls an ioctl with fields given as values rather than as a feature table,
// for the steps that phrase a call in the documentation's words.
import assert from 'node:assert/strict';
import { encode, fieldAt, nest, readPath, type FieldValue } from '../../harness/codec/codec.ts';
import { fieldPaths } from '../../harness/codec/values.ts';
import { closest } from '../../harness/codec/nearest.ts';
import type { IoctlResult } from '../../harness/backend/interface.ts';
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
