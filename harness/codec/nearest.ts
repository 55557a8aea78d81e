// The known names nearest to a mistyped one, for messages that say what was
// probably meant (a constant, a field, a formatter).

/** ", did you mean X?" for the known names nearest to a mistyped one, or nothing. */
export function closest(name: string, known: Iterable<string>, max = 3): string {
  const near = nearest(name, known, max);
  return near.length ? `; did you mean ${near.join(', ')}?` : '';
}

/** Up to `max` known names within a small edit distance of `name`: the nearest, and those one edit further. */
export function nearest(name: string, known: Iterable<string>, max = 3): string[] {
  const n = name.toLowerCase();
  // A name cut short (out_ioas for out_ioas_id) is as near as one typing mistake.
  const scored = [...known].map((k) => [k, n.length >= 3 && k.toLowerCase().startsWith(n) ? 1 : editDistance(n, k.toLowerCase())] as const);
  const best = Math.min(...scored.map(([, d]) => d));
  const limit = Math.min(best + 1, Math.max(2, Math.floor(name.length / 3)));
  return scored.filter(([, d]) => d <= limit).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).slice(0, max).map(([k]) => k);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

