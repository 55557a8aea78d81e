// Maps a JSON pointer to the 1-based line where that value starts, so that
// a schema or meta-check error can be reported as file:line.

export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Offset of the value at `pointer` ("/a/0/b"), or of the deepest prefix found. */
export function offsetOfPointer(text: string, pointer: string): number {
  const parts = pointer === '' ? [] : pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let pos = skipWs(text, 0);
  for (const part of parts) {
    const next = childOffset(text, pos, part);
    if (next < 0) break;
    pos = next;
  }
  return pos;
}

export function lineOfPointer(text: string, pointer: string): number {
  return lineOfOffset(text, offsetOfPointer(text, pointer));
}

function skipWs(t: string, i: number): number {
  while (i < t.length && /\s/.test(t[i]!)) i++;
  return i;
}

function skipString(t: string, i: number): number {
  i++;
  while (i < t.length && t[i] !== '"') i += t[i] === '\\' ? 2 : 1;
  return i + 1;
}

function skipValue(t: string, i: number): number {
  i = skipWs(t, i);
  const c = t[i];
  if (c === '"') return skipString(t, i);
  if (c === '{' || c === '[') {
    const close = c === '{' ? '}' : ']';
    i++;
    for (;;) {
      i = skipWs(t, i);
      if (t[i] === close || i >= t.length) return i + 1;
      if (c === '{') { i = skipString(t, i); i = skipWs(t, i) + 1; }
      i = skipValue(t, i);
      i = skipWs(t, i);
      if (t[i] === ',') i++;
    }
  }
  while (i < t.length && !/[\s,\]}]/.test(t[i]!)) i++;
  return i;
}

function childOffset(t: string, i: number, key: string): number {
  const c = t[i];
  if (c === '{') {
    i++;
    for (;;) {
      i = skipWs(t, i);
      if (t[i] !== '"') return -1;
      const end = skipString(t, i);
      const name = JSON.parse(t.slice(i, end)) as string;
      i = skipWs(t, end) + 1;
      const at = skipWs(t, i);
      if (name === key) return at;
      i = skipWs(t, skipValue(t, at));
      if (t[i] !== ',') return -1;
      i++;
    }
  }
  if (c === '[') {
    const want = Number(key);
    i++;
    for (let n = 0; ; n++) {
      const at = skipWs(t, i);
      if (t[at] === ']') return -1;
      if (n === want) return at;
      i = skipWs(t, skipValue(t, at));
      if (t[i] !== ',') return -1;
      i++;
    }
  }
  return -1;
}
