// The extensible-struct rules: arguments shorter or longer than the struct,
// tails with or without non-zero bytes, bad argument pointers, unknown numbers.
import { Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import { extendNonZero, extendZero, truncateTo } from '../harness/codec/variants.ts';
import type { IoctlDef } from '../spec/loader/types.ts';
import type { IommufdWorld } from './support/world.ts';

/** A zeroed argument of n bytes whose leading u32 says n. */
function zeroed(n: number): Uint8Array {
  return truncateTo(new Uint8Array(Math.max(n, 4)), n);
}

/** An ioctl of spec/, or a raw request number for numbers no ioctl has. */
function target(w: IommufdWorld, what: string): IoctlDef {
  const def = w.spec.ioctls.get(what);
  if (def) return def;
  const request = Number(w.value(what));
  return { name: `request 0x${request.toString(16)}`, nr: request & 0xff, type: String.fromCharCode((request >> 8) & 0xff), request, convention: 'size', minSize: 0, since: '0.0', file: '', header: '' };
}

When('I call {word} with a zeroed argument of {int} bytes', async function (this: IommufdWorld, what: string, n: number) {
  await this.call(target(this, what), { bytes: zeroed(n) });
});

When('I call {word} on {var} with a zeroed argument of {int} bytes', async function (this: IommufdWorld, what: string, fd: string, n: number) {
  await this.call(target(this, what), { bytes: zeroed(n) }, fd);
});

When('I call {word} on {var} with a zeroed argument of {int} bytes extended by {int} zero bytes',
  async function (this: IommufdWorld, what: string, fd: string, n: number, k: number) {
    await this.call(target(this, what), { bytes: extendZero(zeroed(n), k) }, fd);
  });

/** A zeroed argument of n bytes extended by k, with one non-zero byte at the first or last extra position. */
function nonZeroTail(n: number, k: number, which: string): Uint8Array {
  if (which !== 'first' && which !== 'last') throw new Error(`say "the first one" or "the last one", not "the ${which} one"`);
  return extendNonZero(zeroed(n), k, which === 'first' ? n : n + k - 1);
}

When('I call {word} with a zeroed argument of {int} bytes extended by {int} bytes, the {word} one non-zero',
  async function (this: IommufdWorld, what: string, n: number, k: number, which: string) {
    await this.call(target(this, what), { bytes: nonZeroTail(n, k, which) });
  });

When('I call {word} on {var} with a zeroed argument of {int} bytes extended by {int} bytes, the {word} one non-zero',
  async function (this: IommufdWorld, what: string, fd: string, n: number, k: number, which: string) {
    await this.call(target(this, what), { bytes: nonZeroTail(n, k, which) }, fd);
  });

When('I call {word} on {var} with a zeroed argument of {int} bytes followed by {int} bytes of 0xff outside its size',
  async function (this: IommufdWorld, what: string, fd: string, n: number, k: number) {
    const bytes = extendZero(zeroed(n), k, false);
    bytes.fill(0xff, n);
    await this.call(target(this, what), { bytes }, fd);
  });

When('I call {word} with the argument pointer {word}', async function (this: IommufdWorld, what: string, expr: string) {
  await this.call(target(this, what), { addr: this.value(expr) });
});

/** Byte ranges of the file descriptors an ioctl's struct returns (out fields named *_fd). */
function fdRanges(def: IoctlDef | undefined): [number, number][] {
  const out: [number, number][] = [];
  const walk = (st: IoctlDef['struct'], base: number) => {
    for (const f of st?.fields ?? []) {
      if (f.struct) walk(f.struct, base + f.offset);
      else if (/(^|_)fd$/.test(f.name) && f.dir !== 'in') out.push([base + f.offset, base + f.offset + f.size]);
    }
  };
  walk(def?.struct, 0);
  return out;
}

function sameOutcome(w: IommufdWorld, fdsAside: boolean): void {
  const [a, b] = w.calls.slice(-2);
  assert.ok(a && b, 'two calls are needed');
  const name = (n: number) => w.errnoName(n);
  assert.equal(name(b.result.errno), name(a.result.errno), `the calls ended differently: ${name(a.result.errno)} then ${name(b.result.errno)}`);
  if (!fdsAside) assert.equal(b.result.ret, a.result.ret, 'the calls returned different values');
  // The leading size differs by construction; every byte after it up to the shorter length must match.
  const n = Math.min(a.sent?.length ?? 0, b.sent?.length ?? 0);
  const x = a.result.bytes?.slice(4, n), y = b.result.bytes?.slice(4, n);
  if (fdsAside && x && y) for (const [lo, hi] of fdRanges(a.ioctl)) { x.fill(0, lo - 4, hi - 4); y.fill(0, lo - 4, hi - 4); }
  assert.deepEqual(y, x, `bytes 4..${n} differ after the calls`);
}

Then('the last two calls have the same outcome', function (this: IommufdWorld) {
  sameOutcome(this, false);
});

// Two successful calls that each return a new file descriptor get different ones.
Then('the last two calls have the same outcome, file descriptors aside', function (this: IommufdWorld) {
  sameOutcome(this, true);
});

Then('the {int} bytes after the argument are still 0xff', function (this: IommufdWorld, k: number) {
  const { sent, result } = this.last;
  assert.ok(sent && result.bytes, 'the last call had no byte argument');
  const tail = result.bytes.subarray(sent.length - k);
  assert.ok(tail.every((b) => b === 0xff), `bytes past the size were changed: ${Buffer.from(tail).toString('hex')}`);
});
