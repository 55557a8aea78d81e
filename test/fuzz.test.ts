// Random (request, bytes) calls: the engine must answer each with success or
// an errno, never an exception, whatever the bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadSpec } from '../spec/loader/load.ts';
import { Process } from '../reference/process.ts';

const spec = loadSpec();
const known = [...spec.ioctls.values()].map((d) => d.request);
const errnos = new Set(spec.errno.values());

test('100,000 random ioctls get only success or a Linux errno', () => {
  const p = new Process();
  const fds = [p.open('/dev/iommu'), p.open('/dev/vfio/vfio')];
  const page = p.mm.mmap(2 * 4096, 3);
  const request = fc.oneof(
    fc.constantFrom(...known),
    fc.integer({ min: 0x3b00, max: 0x3bff }),
    fc.integer({ min: 0, max: 0xffffffff }),
  );
  // Bytes biased to look like real arguments: a plausible size, small ids and ops.
  const bytes = fc.tuple(fc.integer({ min: 0, max: 160 }), fc.uint8Array({ maxLength: 160 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 30 }))
    .map(([size, raw, id, op]) => {
      const b = new Uint8Array(Math.max(raw.length, 24));
      b.set(raw);
      const dv = new DataView(b.buffer);
      if (size % 3) dv.setUint32(0, size, true);
      if (size % 5 === 0) dv.setUint32(4, op, true);
      if (size % 7 === 0) dv.setUint32(8, id, true);
      return b;
    });
  const where = fc.oneof(fc.constant('page'), fc.constant('null'), fc.constant('edge'), fc.bigInt(0n, (1n << 64n) - 1n));
  let calls = 0;
  const seen = new Map<number, number>();
  fc.assert(fc.property(request, bytes, where, fc.integer({ min: 0, max: 1 }), (req, b, w, which) => {
    let addr: number;
    if (w === 'page') addr = page;
    else if (w === 'null') addr = 0;
    else if (w === 'edge') addr = page + 2 * 4096 - Math.min(b.length, 16);
    else addr = (w as bigint) < 2n ** 47n ? Number(w) : -1;
    p.mm.copyTo(page, b.subarray(0, 4096));
    const rc = p.ioctl(fds[which]!, req, addr);
    calls++;
    assert.ok(Number.isInteger(rc), `non-integer result ${rc}`);
    if (rc < 0) assert.ok(errnos.has(-rc), `unknown errno ${-rc}`);
    seen.set(rc < 0 ? rc : 0, (seen.get(rc < 0 ? rc : 0) ?? 0) + 1);
    return true;
  }), { numRuns: 100_000 });
  assert.equal(calls, 100_000);
  assert.ok(seen.size >= 5, `the calls should reach several outcomes, got ${[...seen.keys()]}`);
});
