import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IntervalTree, spansOf, type Span } from '../reference/interval_tree.ts';

const U64_MAX = (1n << 64n) - 1n;

/** The naive model: a list of live ranges by id. */
type Model = Map<number, [bigint, bigint]>;

function modelOverlaps(m: Model, qs: bigint, ql: bigint): number[] {
  return [...m].filter(([, [s, l]]) => s <= ql && l >= qs)
    .sort((a, b) => (a[1][0] < b[1][0] ? -1 : a[1][0] > b[1][0] ? 1 : a[0] - b[0])).map(([id]) => id);
}

function modelSpans(ranges: [bigint, bigint][], first: bigint, last: bigint): Span[] {
  const hit = ranges.filter(([s, l]) => s <= last && l >= first).map(([s, l]) => [s < first ? first : s, l > last ? last : l] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Span[] = [];
  let cur = first;
  let i = 0;
  while (i < hit.length) {
    const s = hit[i]![0];
    let e = hit[i]![1];
    i++;
    while (i < hit.length && hit[i]![0] <= e + 1n) { if (hit[i]![1] > e) e = hit[i]![1]; i++; }
    if (s > cur) out.push({ hole: true, start: cur, last: s - 1n });
    out.push({ hole: false, start: s, last: e });
    if (e >= last) return out;
    cur = e + 1n;
  }
  if (cur <= last) out.push({ hole: true, start: cur, last });
  return out;
}

// Values cluster near small numbers, around 2^32 and near U64_MAX, where carries between the halves matter.
const bound = fc.oneof(
  fc.bigInt({ min: 0n, max: 64n }),
  fc.bigInt({ min: (1n << 32n) - 8n, max: (1n << 32n) + 8n }),
  fc.bigInt({ min: U64_MAX - 64n, max: U64_MAX }),
);
const range = fc.tuple(bound, bound).map(([a, b]) => (a <= b ? [a, b] : [b, a]) as [bigint, bigint]);
const op = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), r: range }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('query' as const), r: range }),
);

test('interval tree agrees with a naive list: insert, remove, ordered overlaps, spans', () => {
  fc.assert(fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
    const t = new IntervalTree(2);
    const m: Model = new Map();
    for (const o of ops) {
      if (o.kind === 'insert') m.set(t.insert(o.r[0], o.r[1]), o.r);
      else if (o.kind === 'remove') {
        const ids = [...m.keys()];
        if (!ids.length) continue;
        const id = ids[o.pick % ids.length]!;
        t.remove(id);
        m.delete(id);
      } else {
        const [qs, ql] = o.r;
        assert.deepEqual([...t.overlaps(qs, ql)], modelOverlaps(m, qs, ql));
        assert.equal(t.first(qs, ql), modelOverlaps(m, qs, ql)[0] ?? 0);
        assert.deepEqual([...t.spans(qs, ql)], modelSpans([...m.values()], qs, ql));
      }
      assert.equal(t.size, m.size);
      assert.equal(t.validate(), '');
    }
    for (const [id, [s, l]] of m) { assert.equal(t.start(id), s); assert.equal(t.last(id), l); }
  }), { numRuns: 300 });
});

test('spans over two trees are the holes and used spans of their union', () => {
  fc.assert(fc.property(fc.array(range, { maxLength: 12 }), fc.array(range, { maxLength: 12 }), range, (a, b, [qs, ql]) => {
    const ta = new IntervalTree(), tb = new IntervalTree();
    for (const [s, l] of a) ta.insert(s, l);
    for (const [s, l] of b) tb.insert(s, l);
    assert.deepEqual([...spansOf([ta, tb], qs, ql)], modelSpans([...a, ...b], qs, ql));
  }), { numRuns: 300 });
});

test('a large tree stays balanced: 100k inserts and removals in random order', () => {
  const t = new IntervalTree();
  const ids: number[] = [];
  for (let i = 0; i < 100_000; i++) ids.push(t.insert(BigInt(i) * 8192n, BigInt(i) * 8192n + 4095n));
  assert.equal(t.first(8192n * 500n + 100n, 8192n * 500n + 100n), ids[500]);
  assert.equal(t.first(8192n * 500n + 5000n, 8192n * 500n + 5000n), 0, 'a gap between ranges');
  for (let i = ids.length - 1; i > 0; i--) { const j = (i * 7919) % (i + 1); [ids[i], ids[j]] = [ids[j]!, ids[i]!]; }
  for (const id of ids) t.remove(id);
  assert.equal(t.size, 0);
  assert.ok(t.empty);
});

test('disjoint use: probeDisjoint answers the overlap and the insert it allows reuses its path; a remove reuses first()', () => {
  // Ranges of 1..3 slots over 64 slots of 2^32 + k * 4096: the layout of IOAS areas, carries included.
  const slot = (k: number) => (1n << 32n) - 8192n + BigInt(k) * 4096n;
  const dop = fc.oneof(
    fc.record({ kind: fc.constant('map' as const), at: fc.nat(63), n: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ kind: fc.constant('unmap' as const), at: fc.nat(63) }),
  );
  fc.assert(fc.property(fc.array(dop, { maxLength: 120 }), (ops) => {
    const t = new IntervalTree(2);
    const m: Model = new Map();
    for (const o of ops) {
      if (o.kind === 'map') {
        const s = slot(o.at), l = slot(o.at + o.n) - 1n;
        const hit = t.probeDisjointHL(Number(s >> 32n), Number(s & 0xffffffffn), Number(l >> 32n), Number(l & 0xffffffffn));
        const want = modelOverlaps(m, s, l);
        assert.equal(hit !== 0, want.length > 0);
        if (hit) assert.ok(want.includes(hit));
        else m.set(t.insert(s, l), [s, l]);
      } else {
        const s = slot(o.at);
        const id = t.first(s, s);
        assert.equal(id, modelOverlaps(m, s, s)[0] ?? 0);
        if (id) { t.remove(id); m.delete(id); }
      }
      assert.equal(t.validate(), '');
      assert.equal(t.size, m.size);
    }
    assert.deepEqual([...t.overlaps(0n, U64_MAX)], modelOverlaps(m, 0n, U64_MAX));
  }), { numRuns: 300 });
});
