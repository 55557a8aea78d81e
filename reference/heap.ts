// A binary min-heap of integers: the free list that makes object ids the
// lowest free ones, as the kernel's xa_alloc() does.
export class MinHeap {
  private a: number[] = [];
  get size(): number { return this.a.length; }
  peek(): number | undefined { return this.a[0]; }

  push(v: number): void {
    const a = this.a;
    let i = a.push(v) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= v) break;
      a[i] = a[p]!; i = p;
    }
    a[i] = v;
  }

  pop(): number | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length && last !== undefined) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        const mv = () => (m === i ? last : a[m]!);
        if (l < a.length && a[l]! < mv()) m = l;
        if (r < a.length && a[r]! < mv()) m = r;
        if (m === i) break;
        a[i] = a[m]!; i = m;
      }
      a[i] = last;
    }
    return top;
  }
}
