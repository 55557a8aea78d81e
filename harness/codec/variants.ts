// Byte-level variants of an encoded argument for the extensibility rules:
// shorter or longer buffers, non-zero tails, a size field that lies.

/** The first n bytes, with the leading u32 size set to n (a caller built for an older, smaller struct). */
export function truncateTo(bytes: Uint8Array, n: number, setSize = true): Uint8Array {
  const out = new Uint8Array(n);
  out.set(bytes.subarray(0, n));
  if (setSize && n >= 4) new DataView(out.buffer).setUint32(0, n, true);
  return out;
}

/** Appends k zero bytes and sets the size to the new length (a caller built for a newer struct). */
export function extendZero(bytes: Uint8Array, k: number, setSize = true): Uint8Array {
  const out = new Uint8Array(bytes.length + k);
  out.set(bytes);
  if (setSize) new DataView(out.buffer).setUint32(0, out.length, true);
  return out;
}

/** Like extendZero, with a non-zero byte at offset x of the whole buffer (x >= the original length). */
export function extendNonZero(bytes: Uint8Array, k: number, x: number, value = 0xff): Uint8Array {
  const out = extendZero(bytes, k);
  if (x < bytes.length || x >= out.length) throw new RangeError(`offset ${x} is not in the extension ${bytes.length}..${out.length - 1}`);
  out[x] = value;
  return out;
}

/** The same bytes with the leading u32 size field set to n, whatever the buffer length. */
export function withSizeField(bytes: Uint8Array, n: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(0, n >>> 0, true);
  return out;
}
