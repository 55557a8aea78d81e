// Little-endian reads and writes of the spec's scalar types on a DataView.
import type { ScalarType } from '../../spec/loader/types.ts';

export const RANGE: Record<ScalarType, { min: bigint; max: bigint; bits: number; signed: boolean }> = {
  u8: { min: 0n, max: 0xffn, bits: 8, signed: false },
  u16: { min: 0n, max: 0xffffn, bits: 16, signed: false },
  u32: { min: 0n, max: 0xffffffffn, bits: 32, signed: false },
  s32: { min: -(1n << 31n), max: (1n << 31n) - 1n, bits: 32, signed: true },
  u64: { min: 0n, max: (1n << 64n) - 1n, bits: 64, signed: false },
  s64: { min: -(1n << 63n), max: (1n << 63n) - 1n, bits: 64, signed: true },
  aligned_u64: { min: 0n, max: (1n << 64n) - 1n, bits: 64, signed: false },
  aligned_le64: { min: 0n, max: (1n << 64n) - 1n, bits: 64, signed: false },
  uptr: { min: 0n, max: (1n << 64n) - 1n, bits: 64, signed: false },
};

export function writeScalar(dv: DataView, off: number, t: ScalarType, v: bigint): void {
  switch (RANGE[t].bits) {
    case 8: dv.setUint8(off, Number(BigInt.asUintN(8, v))); break;
    case 16: dv.setUint16(off, Number(BigInt.asUintN(16, v)), true); break;
    case 32: dv.setUint32(off, Number(BigInt.asUintN(32, v)), true); break;
    default: dv.setBigUint64(off, BigInt.asUintN(64, v), true);
  }
}

/** Reads a scalar: a number for types up to 32 bits, a bigint for 64-bit ones. */
export function readScalar(dv: DataView, off: number, t: ScalarType): number | bigint {
  switch (t) {
    case 'u8': return dv.getUint8(off);
    case 'u16': return dv.getUint16(off, true);
    case 'u32': return dv.getUint32(off, true);
    case 's32': return dv.getInt32(off, true);
    case 's64': return dv.getBigInt64(off, true);
    default: return dv.getBigUint64(off, true);
  }
}

/** Parses a decimal or 0x-hex integer literal (optionally negative); undefined if it is not one. */
export function parseIntLiteral(s: string): bigint | undefined {
  const m = /^(-?)(0x[0-9a-fA-F]+|[0-9]+)$/.exec(s.trim().replace(/_/g, ''));
  if (!m) return undefined;
  const v = BigInt(m[2]!);
  return m[1] ? -v : v;
}
