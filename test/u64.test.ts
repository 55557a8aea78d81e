import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { U32_MAX, addHL, isMaxHL, lastHL, ltHL, spanHL } from '../reference/u64.ts';

const M64 = (1n << 64n) - 1n;
// Halves near 0, near 2^31 and 2^32 - 1, where carries and borrows happen.
const half = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 2 ** 31 - 2, max: 2 ** 31 + 1 }), fc.integer({ min: U32_MAX - 3, max: U32_MAX }));
const u64 = fc.tuple(half, half);
const big = ([hi, lo]: [number, number]) => (BigInt(hi) << 32n) | BigInt(lo);
/** A result pair as an exact integer (hi may exceed U32_MAX: the overflow). */
const val = (q: number[]) => {
  assert.ok(Number.isInteger(q[1]) && q[1]! >= 0 && q[1]! <= U32_MAX, `lower half ${q[1]} out of range`);
  return BigInt(q[0]!) * (1n << 32n) + BigInt(q[1]!);
};

test('u64 halves agree with bigint arithmetic, overflow included', () => {
  fc.assert(fc.property(u64, u64, (a, b) => {
    const q = [0, 0];
    assert.equal(ltHL(a[0], a[1], b[0], b[1]), big(a) < big(b));
    assert.equal(isMaxHL(a[0], a[1]), big(a) === M64);
    addHL(q, a[0], a[1], b[0], b[1]);
    assert.equal(val(q), big(a) + big(b));
    assert.equal(q[0]! > U32_MAX, big(a) + big(b) > M64);
    if (big(b) > 0n) {
      lastHL(q, a[0], a[1], b[0], b[1]);
      assert.equal(val(q), big(a) + big(b) - 1n);
      assert.equal(q[0]! > U32_MAX, big(a) + big(b) - 1n > M64);
    }
    const [f, l] = big(a) <= big(b) ? [a, b] : [b, a];
    spanHL(q, f[0], f[1], l[0], l[1]);
    assert.equal(val(q), big(l) - big(f) + 1n);
  }), { numRuns: 2000 });
});
