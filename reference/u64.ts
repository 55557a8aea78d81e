// u64 values on the engine's hot paths as two u32 halves (hi, lo) held in
// JS numbers: exact, and no bigint per call (a bigint operation costs about
// as much as the rest of a small ioctl). Pair results go to a caller-owned
// scratch [hi, lo]; a hi above U32_MAX means the u64 overflowed.
export const U32_MAX = 0xffff_ffff;
const U32 = 0x1_0000_0000;
const MASK32 = 0xffff_ffffn;

/** Upper and lower 32 bits of a u64 bigint; below 2^53 one Number conversion is exact (at or above it, it rounds to 2^53 or more). */
export function hi32(v: bigint): number { const n = Number(v); return n < 2 ** 53 ? Math.floor(n / U32) : Number(v >> 32n); }
export function lo32(v: bigint): number { const n = Number(v); return n < 2 ** 53 ? n >>> 0 : Number(v & MASK32); }
/** The u64 of two halves. */
export function u64(hi: number, lo: number): bigint {
  return hi < 0x20_0000 ? BigInt(hi * U32 + lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

/** a < b. */
export function ltHL(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  return aHi < bHi || (aHi === bHi && aLo < bLo);
}

export function isMaxHL(hi: number, lo: number): boolean {
  return hi === U32_MAX && lo === U32_MAX;
}

/** out = a + b; out[0] > U32_MAX when the sum overflows. */
export function addHL(out: number[], aHi: number, aLo: number, bHi: number, bLo: number): void {
  const lo = aLo + bLo;
  out[0] = aHi + bHi + (lo > U32_MAX ? 1 : 0);
  out[1] = lo > U32_MAX ? lo - U32 : lo;
}

/** out = a + b - 1, the last byte of b bytes from a (b > 0); out[0] > U32_MAX when it overflows. */
export function lastHL(out: number[], aHi: number, aLo: number, bHi: number, bLo: number): void {
  let lo = aLo + bLo - 1, hi = aHi + bHi;
  if (lo > U32_MAX) { lo -= U32; hi++; } else if (lo < 0) { lo += U32; hi--; }
  out[0] = hi; out[1] = lo;
}

/** out = last - first + 1, the bytes of [first, last] (first <= last); out[0] is 2^32 for all of the u64 space. */
export function spanHL(out: number[], fHi: number, fLo: number, lHi: number, lLo: number): void {
  let lo = lLo - fLo + 1, hi = lHi - fHi;
  if (lo < 0) { lo += U32; hi--; } else if (lo > U32_MAX) { lo -= U32; hi++; }
  out[0] = hi; out[1] = lo;
}
