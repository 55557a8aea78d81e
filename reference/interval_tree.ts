// An interval tree over inclusive u64 ranges [start, last], as the kernel's
// interval_tree: nodes ordered by start, each augmented with the largest
// `last` of its subtree, so the first range overlapping a query is found in
// O(log n). Balanced as a treap. Nodes live in typed arrays (struct of
// arrays) and u64 values are kept as two u32 halves: no object and no bigint
// per node, which keeps a million nodes small and the hot paths fast.
// Equal starts are allowed (reserved ranges may overlap); the node id breaks ties.
import { hi32, lo32, u64 } from './u64.ts';

/** A span of the union of the tree's ranges (used) or of the gaps between them (hole). */
export interface Span { hole: boolean; start: bigint; last: bigint }

export class IntervalTree {
  private sHi: Uint32Array; private sLo: Uint32Array;
  private lHi: Uint32Array; private lLo: Uint32Array;
  private mHi: Uint32Array; private mLo: Uint32Array;
  private left: Int32Array; private right: Int32Array;
  private prio: Uint32Array;
  private root = 0;
  private freeIds: number[] = [];
  private nextId = 1;
  private count = 0;
  private seed = 0x9e3779b9;
  /**
   * The last descent (root first), kept so that the update which usually
   * follows a lookup does not descend again: remove() of the node first()
   * just found, insert() where probeDisjoint() just looked. Valid while
   * `version` (bumped by every change) is unchanged.
   */
  private path = new Int32Array(64);
  private pathLen = 0;
  private pathVersion = -1;
  private version = 0;
  /** What the path leads to: the node first() found, or the key probeDisjoint() placed (-1 when neither). */
  private pathNode = -1;
  private probeSHi = -1; private probeSLo = -1;

  /** Arrays are allocated on the first insert: an IOAS has three trees and most stay empty. */
  constructor(private capacity = 16) {
    const none = new Uint32Array(0), noIds = new Int32Array(0);
    this.sHi = none; this.sLo = none; this.lHi = none; this.lLo = none; this.mHi = none; this.mLo = none;
    this.left = noIds; this.right = noIds; this.prio = none;
  }

  get size(): number { return this.count; }
  get empty(): boolean { return this.root === 0; }

  startHi(id: number): number { return this.sHi[id]!; }
  startLo(id: number): number { return this.sLo[id]!; }
  lastHi(id: number): number { return this.lHi[id]!; }
  lastLo(id: number): number { return this.lLo[id]!; }
  start(id: number): bigint { return u64(this.sHi[id]!, this.sLo[id]!); }
  last(id: number): bigint { return u64(this.lHi[id]!, this.lLo[id]!); }

  /** Bytes held by the node arrays (for the benchmark's accounting). */
  get byteLength(): number { return this.sHi.length * (9 * 4); }

  /** Highest node id ever handed out + 1: ids of live nodes are below it. */
  get idLimit(): number { return this.nextId; }

  private grow(): void {
    const n = this.sHi.length ? this.sHi.length * 2 : Math.max(2, this.capacity + 1);
    const g = <T extends Uint32Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.sHi = g(this.sHi); this.sLo = g(this.sLo); this.lHi = g(this.lHi); this.lLo = g(this.lLo);
    this.mHi = g(this.mHi); this.mLo = g(this.mLo); this.left = g(this.left); this.right = g(this.right);
    this.prio = g(this.prio);
  }

  private random(): number {
    // xorshift32: deterministic, so runs are reproducible.
    let x = this.seed;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed;
  }

  /** Inserts [start, last] given as u32 halves; returns the node id. */
  insertHL(sHi: number, sLo: number, lHi: number, lLo: number): number {
    let id = this.freeIds.pop();
    if (id === undefined) {
      if (this.nextId >= this.sHi.length) this.grow();
      id = this.nextId++;
    }
    this.sHi[id] = sHi; this.sLo[id] = sLo; this.lHi[id] = lHi; this.lLo[id] = lLo;
    this.mHi[id] = lHi; this.mLo[id] = lLo;
    this.left[id] = 0; this.right[id] = 0;
    this.prio[id] = this.random();
    if (this.pathVersion === this.version && this.pathNode === 0 && this.probeSHi === sHi && this.probeSLo === sLo) {
      this.insertOnPath(id);
    } else {
      this.root = this.insertAt(this.root, id);
    }
    this.version++;
    this.count++;
    return id;
  }

  insert(start: bigint, last: bigint): number {
    return this.insertHL(hi32(start), lo32(start), hi32(last), lo32(last));
  }

  /** Removes a live node by id. */
  remove(id: number): void {
    if (this.pathVersion === this.version && this.pathNode === id) this.removeOnPath(id);
    else this.root = this.removeAt(this.root, id);
    this.version++;
    this.left[id] = 0; this.right[id] = 0;
    this.freeIds.push(id);
    this.count--;
  }

  /** Stores t at depth n of the path (growing it for a deep treap); returns n + 1. */
  private pathPush(n: number, t: number): number {
    if (n === this.path.length) { const p = new Int32Array(n * 2); p.set(this.path); this.path = p; }
    this.path[n] = t;
    return n + 1;
  }

  /** Recomputes the subtree maxima of the path's nodes from depth d up to the root. */
  private pullPath(d: number): void {
    for (; d >= 0; d--) this.pull(this.path[d]!);
  }

  /** remove() of the node the last first() found: its children merge in its place, then its ancestors are updated. */
  private removeOnPath(id: number): void {
    const d = this.pathLen - 2;
    const c = this.merge(this.left[id]!, this.right[id]!);
    if (d < 0) this.root = c;
    else if (this.left[this.path[d]!] === id) this.left[this.path[d]!] = c;
    else this.right[this.path[d]!] = c;
    this.pullPath(d);
  }

  /**
   * insert() where the last probeDisjoint() looked: x takes the place of the
   * first path node of lower priority, and that node's part of the path is
   * split by x's key into x's left and right subtrees (the treap insert by split).
   */
  private insertOnPath(x: number): void {
    const path = this.path, len = this.pathLen;
    let j = 0;
    while (j < len && this.prio[path[j]!]! >= this.prio[x]!) j++;
    if (j === 0) this.root = x;
    else if (this.before(x, path[j - 1]!)) this.left[path[j - 1]!] = x;
    else this.right[path[j - 1]!] = x;
    // Holes to fill: the left one takes nodes before x, the right one nodes after it.
    let lNode = x, lLeft = true, rNode = x, rLeft = false;
    for (let i = j; i < len; i++) {
      const n = path[i]!;
      if (this.before(n, x)) {
        if (lLeft) this.left[lNode] = n; else this.right[lNode] = n;
        lNode = n; lLeft = false;
      } else {
        if (rLeft) this.left[rNode] = n; else this.right[rNode] = n;
        rNode = n; rLeft = true;
      }
    }
    if (lLeft) this.left[lNode] = 0; else this.right[lNode] = 0;
    if (rLeft) this.left[rNode] = 0; else this.right[rNode] = 0;
    for (let i = len - 1; i >= j; i--) this.pull(path[i]!);
    this.pull(x);
    this.pullPath(j - 1);
  }

  /**
   * For a tree whose ranges never overlap (the areas of an IOAS): the node
   * overlapping [qs, ql], or 0. One descent by key, which a following
   * insert() of a range starting at qs reuses: only the neighbours in start
   * order can overlap.
   */
  probeDisjointHL(qsHi: number, qsLo: number, qlHi: number, qlLo: number): number {
    let pred = 0, succ = 0, n = 0;
    for (let t = this.root; t;) {
      n = this.pathPush(n, t);
      const sh = this.sHi[t]!;
      if (qsHi < sh || (qsHi === sh && qsLo < this.sLo[t]!)) { succ = t; t = this.left[t]!; } else { pred = t; t = this.right[t]!; }
    }
    this.pathLen = n;
    this.pathVersion = this.version;
    this.probeSHi = qsHi; this.probeSLo = qsLo;
    if (pred && (this.lHi[pred]! > qsHi || (this.lHi[pred] === qsHi && this.lLo[pred]! >= qsLo))) return (this.pathNode = -1), pred;
    if (succ && (this.sHi[succ]! < qlHi || (this.sHi[succ] === qlHi && this.sLo[succ]! <= qlLo))) return (this.pathNode = -1), succ;
    this.pathNode = 0;
    return 0;
  }

  /** a orders before b: by start, then by id. */
  private before(a: number, b: number): boolean {
    const ah = this.sHi[a]!, bh = this.sHi[b]!;
    if (ah !== bh) return ah < bh;
    const al = this.sLo[a]!, bl = this.sLo[b]!;
    if (al !== bl) return al < bl;
    return a < b;
  }

  /** Recomputes the subtree maximum of t from its children. */
  private pull(t: number): void {
    let h = this.lHi[t]!, l = this.lLo[t]!;
    const a = this.left[t]!, b = this.right[t]!;
    if (a && (this.mHi[a]! > h || (this.mHi[a] === h && this.mLo[a]! > l))) { h = this.mHi[a]!; l = this.mLo[a]!; }
    if (b && (this.mHi[b]! > h || (this.mHi[b] === h && this.mLo[b]! > l))) { h = this.mHi[b]!; l = this.mLo[b]!; }
    this.mHi[t] = h; this.mLo[t] = l;
  }

  private insertAt(t: number, x: number): number {
    if (t === 0) return x;
    if (this.before(x, t)) {
      const c = this.insertAt(this.left[t]!, x);
      this.left[t] = c;
      if (this.prio[c]! > this.prio[t]!) {
        this.left[t] = this.right[c]!; this.right[c] = t;
        this.pull(t); this.pull(c);
        return c;
      }
    } else {
      const c = this.insertAt(this.right[t]!, x);
      this.right[t] = c;
      if (this.prio[c]! > this.prio[t]!) {
        this.right[t] = this.left[c]!; this.left[c] = t;
        this.pull(t); this.pull(c);
        return c;
      }
    }
    this.pull(t);
    return t;
  }

  private removeAt(t: number, x: number): number {
    if (t === 0) return 0;
    if (t === x) return this.merge(this.left[t]!, this.right[t]!);
    if (this.before(x, t)) this.left[t] = this.removeAt(this.left[t]!, x);
    else this.right[t] = this.removeAt(this.right[t]!, x);
    this.pull(t);
    return t;
  }

  private merge(a: number, b: number): number {
    if (a === 0) return b;
    if (b === 0) return a;
    if (this.prio[a]! > this.prio[b]!) {
      this.right[a] = this.merge(this.right[a]!, b);
      this.pull(a);
      return a;
    }
    this.left[b] = this.merge(a, this.left[b]!);
    this.pull(b);
    return b;
  }

  /** The first node (lowest start) overlapping [qs, ql], or 0. The way down is kept for a remove() of it. */
  firstHL(qsHi: number, qsLo: number, qlHi: number, qlLo: number): number {
    this.pathVersion = this.version;
    this.pathNode = -1;
    this.pathLen = 0;
    let t = this.root;
    while (t) {
      this.pathLen = this.pathPush(this.pathLen, t);
      const a = this.left[t]!;
      if (a && (this.mHi[a]! > qsHi || (this.mHi[a] === qsHi && this.mLo[a]! >= qsLo))) { t = a; continue; }
      const sh = this.sHi[t]!;
      if (sh > qlHi || (sh === qlHi && this.sLo[t]! > qlLo)) return 0;
      const lh = this.lHi[t]!;
      if (lh > qsHi || (lh === qsHi && this.lLo[t]! >= qsLo)) return (this.pathNode = t);
      t = this.right[t]!;
      if (t && !(this.mHi[t]! > qsHi || (this.mHi[t] === qsHi && this.mLo[t]! >= qsLo))) return 0;
    }
    return 0;
  }

  first(qs: bigint, ql: bigint): number {
    return this.firstHL(hi32(qs), lo32(qs), hi32(ql), lo32(ql));
  }

  /** The node after prev (in start order) overlapping [qs, ql], or 0. */
  nextHL(prev: number, qsHi: number, qsLo: number, qlHi: number, qlLo: number): number {
    return this.after(this.root, prev, qsHi, qsLo, qlHi, qlLo);
  }

  next(prev: number, qs: bigint, ql: bigint): number {
    return this.nextHL(prev, hi32(qs), lo32(qs), hi32(ql), lo32(ql));
  }

  private after(t: number, prev: number, qsHi: number, qsLo: number, qlHi: number, qlLo: number): number {
    while (t) {
      if (this.mHi[t]! < qsHi || (this.mHi[t] === qsHi && this.mLo[t]! < qsLo)) return 0;
      if (!this.before(prev, t)) { t = this.right[t]!; continue; }
      const r = this.after(this.left[t]!, prev, qsHi, qsLo, qlHi, qlLo);
      if (r) return r;
      const sh = this.sHi[t]!;
      if (sh > qlHi || (sh === qlHi && this.sLo[t]! > qlLo)) return 0;
      const lh = this.lHi[t]!;
      if (lh > qsHi || (lh === qsHi && this.lLo[t]! >= qsLo)) return t;
      t = this.right[t]!;
    }
    return 0;
  }

  /** The treap's invariants (key order, heap order of priorities, subtree maxima): a description of the first broken one, or ''. */
  validate(): string {
    const walk = (t: number, lo: number, hi: number): string => {
      if (!t) return '';
      if (lo && !this.before(lo, t)) return `node ${t} out of order`;
      if (hi && !this.before(t, hi)) return `node ${t} out of order`;
      for (const c of [this.left[t]!, this.right[t]!]) if (c && this.prio[c]! > this.prio[t]!) return `node ${c} above its parent's priority`;
      const m = [this.mHi[t], this.mLo[t]];
      this.pull(t);
      if (m[0] !== this.mHi[t] || m[1] !== this.mLo[t]) return `node ${t} has a stale maximum`;
      return walk(this.left[t]!, lo, t) || walk(this.right[t]!, t, hi);
    };
    return walk(this.root, 0, 0);
  }

  /** Every node overlapping [qs, ql], in start order. */
  *overlaps(qs: bigint, ql: bigint): Generator<number> {
    const a = hi32(qs), b = lo32(qs), c = hi32(ql), d = lo32(ql);
    for (let n = this.firstHL(a, b, c, d); n; n = this.nextHL(n, a, b, c, d)) yield n;
  }

  /** interval_tree_span_iter over this tree alone (see spansOf). */
  spans(first: bigint, last: bigint): Generator<Span> {
    return spansOf([this], first, last);
  }
}

/** The lowest-starting node of any tree overlapping [qs, ql], as [start, last], or undefined. */
function lowestOverlap(trees: IntervalTree[], qs: bigint, ql: bigint): [bigint, bigint] | undefined {
  let best: [bigint, bigint] | undefined;
  for (const t of trees) {
    const n = t.first(qs, ql);
    if (n && (!best || t.start(n) < best[0])) best = [t.start(n), t.last(n)];
  }
  return best;
}

/**
 * interval_tree_span_iter (and the kernel's double span): [first, last] cut
 * into maximal used spans (the union of the trees' ranges, clipped to the
 * query) and the holes between them, in order.
 */
export function* spansOf(trees: IntervalTree[], first: bigint, last: bigint): Generator<Span> {
  let cur = first;
  let n = lowestOverlap(trees, first, last);
  while (n) {
    const s = n[0] > cur ? n[0] : cur;
    let end = n[1];
    if (s > cur) yield { hole: true, start: cur, last: s - 1n };
    // Extend while some range covers end + 1 and starts by then.
    for (;;) {
      if (end >= last) { yield { hole: false, start: s, last }; return; }
      const m = lowestOverlap(trees, end + 1n, last);
      if (!m || m[0] > end + 1n) {
        yield { hole: false, start: s, last: end };
        cur = end + 1n;
        n = m;
        break;
      }
      if (m[1] > end) end = m[1];
    }
  }
  if (cur <= last) yield { hole: true, start: cur, last };
}
