// The native bridge (bridge/): it compiles cleanly with the sanitizers, a
// protocol session makes real syscalls with the expected results, and a
// few thousand random or mutated lines get one schema-valid reply each
// without a crash or a sanitizer report. Every reply is checked against
// spec/protocol/wire-v1.schema.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { execFileSync } from 'node:child_process';
import { Bridge, sanitizedBridge, skip, validRequest, type Json } from './bridge-session.ts';

const EFAULT = 14, ENOTTY = 25, EBADF = 9, ENOENT = 2;
const PROT_READ = 1, PROT_WRITE = 2, POLLIN = 1, MAP_HUGETLB = 0x40000, ENOMEM = 12;
const FIONREAD = 0x541b; // on a regular file: the bytes left after the file position, as an int

/** The permissions column of /proc/PID/maps for the mapping holding addr. */
function protectionOf(pid: number, addr: bigint): string | undefined {
  for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (\S{4})/.exec(line);
    if (m && BigInt(`0x${m[1]}`) <= addr && addr < BigInt(`0x${m[2]}`)) return m[3];
  }
  return undefined;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const u64 = (n: bigint | number) => `0x${BigInt(n).toString(16)}`;

test('the bridge compiles with -Wall -Wextra -Werror and ASan/UBSan', { skip }, () => {
  assert.ok(existsSync(sanitizedBridge()));
});

test('a protocol session makes real syscalls', { skip, timeout: 60_000 }, async (t) => {
  const b = new Bridge(sanitizedBridge());
  t.after(() => b.kill());
  let seq = 1;
  const call = (cmd: string, fields: Json = {}) => b.ok({ seq: seq++, cmd, ...fields });

  const start = (await call('start', { version: 1 })).start;
  assert.equal(start.name, 'iommufd-bridge');
  assert.equal(start.protocol, 1);
  assert.equal(start.kernel, release().split('.').slice(0, 2).join('.'));
  // The page size its processes see, as getconf reads it from sysconf(_SC_PAGESIZE).
  assert.equal(start.pageSize, Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()));
  if (!existsSync('/dev/iommu')) {
    assert.equal(start.available, false);
    assert.match(start.reason, /^\/dev\/iommu: No such file or directory$/);
  }

  // reset first: it also closes whatever descriptors the bridge inherited.
  assert.deepEqual(await call('reset'), {});
  // A memfd, mapped shared: what memWrite puts in the mapping is in the file.
  const fd = (await call('memfdCreate', { name: 'bridge-test' })).ret;
  assert.equal(fd, 3, 'a fresh process hands out 3 first');
  assert.deepEqual(await call('ftruncate', { fd, length: '0x3000' }), { ret: 0, errno: 0 });
  const m = await call('mmap', { length: '0x3000', prot: PROT_READ | PROT_WRITE, fd });
  assert.equal(m.ret, 0);
  const addr = BigInt(m.addr);
  assert.equal(addr % 4096n, 0n);
  assert.deepEqual(await call('memWrite', { addr: u64(addr + 0x10n), bytes: 'deadbeef' }), { ret: 4, errno: 0 });
  assert.deepEqual(await call('memRead', { addr: u64(addr + 0x10n), length: 4 }), { ret: 4, errno: 0, bytes: 'deadbeef' });
  const head = await call('read', { fd, length: 0x20 });
  assert.equal(head.ret, 0x20);
  assert.equal(head.bytes, '00'.repeat(16) + 'deadbeef' + '00'.repeat(12));

  // ioctl with bytes: the kernel writes into them and they come back.
  const fionread = await call('ioctl', { fd, request: FIONREAD, arg: { bytes: '00000000' } });
  assert.deepEqual(fionread, { ret: 0, errno: 0, bytes: 'e02f0000' }, '0x3000 - 0x20 bytes left');
  assert.deepEqual(await call('ioctl', { fd, request: 0x3b80, arg: { bytes: '0102030405' } }),
    { ret: -1, errno: ENOTTY, bytes: '0102030405' }, 'a memfd has no such ioctl; the bytes come back');
  assert.deepEqual(await call('ioctl', { fd: 200, request: 0x3b80, arg: { addr: '0x0' } }), { ret: -1, errno: EBADF });
  assert.deepEqual(await call('ioctl', { fd: 200, request: 0x3b80, arg: { value: '0x1' } }), { ret: -1, errno: EBADF });

  // memRead and memWrite ignore protection, as a debugger would. The kernel
  // refuses even a forced write to a read-only shared mapping: the bridge
  // raises the protection for the copy, then puts it back.
  assert.deepEqual(await call('mprotect', { addr: u64(addr), length: '0x3000', prot: PROT_READ }), { ret: 0, errno: 0 });
  assert.equal((await call('memRead', { addr: u64(addr + 0x10n), length: 4 })).bytes, 'deadbeef');
  assert.deepEqual(await call('memWrite', { addr: u64(addr + 0x10n), bytes: 'feedface' }), { ret: 4, errno: 0 });
  assert.equal(protectionOf(b.child.pid!, addr), 'r--s', 'the protection is back');
  assert.deepEqual(await call('mprotect', { addr: u64(addr), length: '0x3000', prot: 0 }), { ret: 0, errno: 0 });
  assert.equal((await call('memRead', { addr: u64(addr + 0x10n), length: 4 })).bytes, 'feedface');
  assert.deepEqual(await call('memWrite', { addr: u64(addr + 0x10n), bytes: 'deadbeef' }), { ret: 4, errno: 0 });
  assert.equal(protectionOf(b.child.pid!, addr), '---s');
  assert.deepEqual(await call('munmap', { addr: u64(addr), length: '0x3000' }), { ret: 0, errno: 0 });
  assert.deepEqual(await call('memRead', { addr: u64(addr), length: 4 }), { ret: -1, errno: EFAULT });

  assert.deepEqual(await call('open', { path: '/nonexistent/iommu' }), { ret: -1, errno: ENOENT });
  assert.deepEqual(await call('write', { fd, bytes: '68656c6c6f' }), { ret: 5, errno: 0 });
  assert.deepEqual(await call('poll', { fd, events: POLLIN, timeoutMs: 0 }), { ret: 1, errno: 0, revents: POLLIN });
  assert.deepEqual(await call('poll', { fd: -1, events: POLLIN, timeoutMs: 1 }), { ret: 0, errno: 0, revents: 0 });

  // Several MiB each way: a long request line and a long reply.
  const big = Buffer.alloc(4 << 20);
  for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i * 2654435761 >>> 0, i);
  const fd2 = (await call('memfdCreate', { name: 'big' })).ret;
  assert.deepEqual(await call('write', { fd: fd2, bytes: hex(big) }), { ret: big.length, errno: 0 });
  const m2 = await call('mmap', { length: u64(big.length), prot: PROT_READ, fd: fd2 });
  const back = await call('memRead', { addr: m2.addr, length: big.length });
  assert.ok(back.bytes === hex(big), 'memRead returns what write put in the file');

  // The harness's stdout is not the protocol's: closing fd 1 cuts nothing.
  assert.deepEqual(await call('close', { fd: 1 }), { ret: 0, errno: 0 });
  const anon = await call('mmap', { length: '0x1000', prot: PROT_READ | PROT_WRITE });
  assert.deepEqual(await call('memWrite', { addr: anon.addr, bytes: '01' }), { ret: 1, errno: 0 });
  // Hugetlb memory: whole 2 MiB pages from a 2 MiB boundary, or ENOMEM where the pool is empty.
  const huge = await call('mmap', { length: '0x1000', prot: PROT_READ | PROT_WRITE, flags: MAP_HUGETLB });
  if (huge.errno) assert.deepEqual(huge, { ret: -1, errno: ENOMEM });
  else {
    assert.equal(BigInt(huge.addr) % (2n << 20n), 0n);
    assert.deepEqual(await call('memWrite', { addr: u64(BigInt(huge.addr) + 0x1ff000n), bytes: '01' }), { ret: 1, errno: 0 },
      'the whole huge page is mapped and the harness may write it');
  }

  // Bad lines: an errored reply each, with seq when it can be read.
  const errored = async (line: string | Buffer, seqWanted: number, message: RegExp) => {
    const r = await b.send(line);
    assert.equal(r.seq, seqWanted, `${line} -> ${JSON.stringify(r)}`);
    assert.match(r.errored?.message ?? '', message, `${line} -> ${JSON.stringify(r)}`);
  };
  await errored('{"seq":', 0, /bad JSON/);
  await errored('{"seq":41,"cmd":"frobnicate"}', 41, /unknown cmd/);
  await errored('{"seq":42,"cmd":"close"}', 42, /missing field 'fd'/);
  await errored('{"seq":43,"cmd":"write","fd":3,"bytes":"0G"}', 43, /bytes/);
  await errored('{"seq":44,"cmd":"write","fd":3,"bytes":"ABCD"}', 44, /bytes/);
  await errored('{"seq":45,"cmd":"close","fd":3,"extra":1}', 45, /unknown field 'extra'/);
  await errored('{"seq":4294967296,"cmd":"reset"}', 0, /seq/);
  await errored(`{"seq":48,"cmd":"mmap","length":"0x1000","prot":3,"fd":${fd},"flags":${MAP_HUGETLB}}`, 48, /anonymous memory/);
  await errored('{"seq":49,"cmd":"mmap","length":"0x1000","prot":3,"flags":1}', 49, /flags may only be MAP_PRIVATE, and MAP_HUGETLB/);
  await errored('{"seq":46,"cmd":"munmap","addr":"0x0","length":"0xffffffffffff000"}', 46, /did not map/);
  await errored(`{"seq":47,"cmd":"write","fd":3,"bytes":"${'a'.repeat(65 << 20)}"}`, 0, /longer than 64 MiB/);

  // reset: every fd closed (0-2 back as stdio), every mapping gone.
  assert.deepEqual(await call('reset'), {});
  assert.deepEqual(await call('ftruncate', { fd, length: '0x0' }), { ret: -1, errno: EBADF });
  assert.deepEqual(await call('memRead', { addr: anon.addr, length: 1 }), { ret: -1, errno: EFAULT });
  assert.equal((await call('memfdCreate', { name: 'again' })).ret, 3);
  assert.deepEqual(await call('close', { fd: 1 }), { ret: 0, errno: 0 });
  await b.stop(seq++);
});

// ---- Fuzz ----------------------------------------------------------------

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  const big = (bits: number) => { let v = 0n; for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(int(65536)); return v & ((1n << BigInt(bits)) - 1n); };
  return { next, int, pick, bytes, big };
}

type Rng = ReturnType<typeof rng>;

const CMDS = ['start', 'reset', 'stop', 'open', 'close', 'ioctl', 'read', 'write', 'poll', 'mmap', 'munmap',
  'mprotect', 'memRead', 'memWrite', 'memfdCreate', 'ftruncate', 'procStatus', 'setMemlockLimit', 'dropCapIpcLock', 'dropCapSysResource', 'dropCapSysRawio',
  'fork', 'exitChild', 'physAddr'];

function anyValue(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 12 : 14)) {
    case 0: return r.int(100);
    case 1: return -r.int(5);
    case 2: return r.pick([4294967295, 4294967296, 2147483647, 2147483648, -2147483649, 9007199254740991, 1e21, 1.5, -0.5, 1e300]);
    case 3: return u64(r.big(64));
    case 4: return `0X${r.big(32).toString(16)}`;
    case 5: return hex(r.bytes(r.int(9)));
    case 6: return hex(r.bytes(3)).toUpperCase() + 'f';
    case 7: return r.pick(['', 'x', '\u0000', 'é', '\u{1f600}', '\u001f', '"\\', 'a'.repeat(300)]);
    case 8: return r.pick(CMDS);
    case 9: return r.pick([true, false, null]);
    case 10: return '0x' + '0'.repeat(17);
    case 11: return u64(r.int(1 << 20) * 4096);
    case 12: return Array.from({ length: r.int(3) }, () => anyValue(r, depth + 1));
    default: return Object.fromEntries(Array.from({ length: r.int(3) }, () => [r.pick(['bytes', 'addr', 'value', 'x']), anyValue(r, depth + 1)]));
  }
}

/** A valid request, biased towards the memory and fds the session has. */
function someRequest(r: Rng, seq: number, addrs: bigint[]): Json {
  const fd = () => r.pick([-1, 3, 4, 5, 200, 2147483647]);
  const addr = () => {
    const base = addrs.length && r.int(2) ? r.pick(addrs) : r.pick([0n, 0x1000n, 0x7ffffffff000n, (1n << 64n) - 4096n, r.big(47)]);
    return u64((base + BigInt(r.pick([0, 0, 1, 0x1000, 0xfff]))) & ((1n << 64n) - 1n));
  };
  const len = () => u64(r.pick([0, 1, 0x1000, 0x2000, 0x10000, r.int(1 << 20)]));
  switch (r.pick(CMDS.filter((c) => c !== 'stop'))) {
    case 'start': return { seq, cmd: 'start', version: 1 };
    case 'reset': return { seq, cmd: 'reset' };
    case 'open': return { seq, cmd: 'open', path: r.pick(['', '.', 'missing', '/nonexistent/x', 'a'.repeat(300)]) };
    case 'close': return { seq, cmd: 'close', fd: fd() };
    case 'ioctl': return { seq, cmd: 'ioctl', fd: fd(), request: r.pick([FIONREAD, 0x3b80, r.int(2 ** 32)]), arg: { bytes: hex(r.bytes(r.int(64))) } };
    case 'read': return { seq, cmd: 'read', fd: fd(), length: r.int(5000) };
    case 'write': return { seq, cmd: 'write', fd: fd(), bytes: hex(r.bytes(r.int(64))) };
    case 'poll': return { seq, cmd: 'poll', fd: fd(), events: r.int(65536), timeoutMs: r.int(3) };
    case 'mmap': return r.int(2) ? { seq, cmd: 'mmap', length: len(), prot: r.int(8), ...(r.int(4) ? {} : { flags: MAP_HUGETLB }) }
      : { seq, cmd: 'mmap', length: len(), prot: r.int(8), fd: fd(), offset: u64(r.pick([0, 0x1000, 1])), ...(r.int(8) ? {} : { flags: MAP_HUGETLB }) };
    case 'munmap': return { seq, cmd: 'munmap', addr: addr(), length: len() };
    case 'mprotect': return { seq, cmd: 'mprotect', addr: addr(), length: len(), prot: r.int(8) };
    case 'memRead': return { seq, cmd: 'memRead', addr: addr(), length: r.int(5000) };
    case 'memWrite': return { seq, cmd: 'memWrite', addr: addr(), bytes: hex(r.bytes(r.int(64))) };
    case 'memfdCreate': return { seq, cmd: 'memfdCreate', name: r.pick(['f', '', 'é'.repeat(249)]) };
    case 'procStatus': return r.int(2) ? { seq, cmd: 'procStatus' } : { seq, cmd: 'procStatus', of: r.pick(['self', 'parent']) };
    case 'setMemlockLimit': return { seq, cmd: 'setMemlockLimit', limit: r.pick(['0xffffffffffffffff', '0x0', u64(r.int(1 << 24))]) };
    case 'dropCapIpcLock': case 'dropCapSysResource': case 'dropCapSysRawio': case 'fork': case 'exitChild': return { seq, cmd: r.pick(['dropCapIpcLock', 'dropCapSysResource', 'dropCapSysRawio', 'fork', 'exitChild']) };
    case 'physAddr': return { seq, cmd: 'physAddr', addr: addr() };
    default: return { seq, cmd: 'ftruncate', fd: fd(), length: len() };
  }
}

/** A valid request with one or two of its members changed, added or removed. */
function mutatedRequest(r: Rng, req: Json): Json {
  const out: Json = JSON.parse(JSON.stringify(req));
  for (let i = 0, n = 1 + r.int(2); i < n; i++) {
    const keys = Object.keys(out);
    switch (r.int(5)) {
      case 0: delete out[r.pick(keys)]; break;
      case 1: out[r.pick(['extra', 'fd', 'length', 'addr', 'bytes', 'arg', 'path', 'version', 'seq', 'cmd', 'of', 'limit'])] = anyValue(r); break;
      case 2: out[r.pick(keys)] = anyValue(r); break;
      case 3: out.seq = r.pick([-1, 4294967295, 4294967296, 1.5, '1', null, 0]); break;
      default: out.cmd = r.pick(CMDS); break;
    }
  }
  return out;
}

/** Byte-level damage to a line: flips, inserts, deletions, truncation, splices. */
function damaged(r: Rng, line: Buffer): Buffer {
  const b = [...line];
  for (let i = 0, n = 1 + r.int(4); i < n; i++) {
    const at = r.int(b.length + 1);
    switch (r.int(5)) {
      case 0: if (b.length) b[Math.min(at, b.length - 1)] = r.int(256); break;
      case 1: b.splice(at, 0, r.pick([0x00, 0x22, 0x5c, 0x7b, 0x7d, 0x2c, 0x3a, 0x80, 0xc3, 0xed, 0xff, r.int(256)])); break;
      case 2: b.splice(at, 1 + r.int(3)); break;
      case 3: b.length = at; break;
      default: b.splice(at, 0, ...b.slice(r.int(b.length + 1), r.int(b.length + 1))); break;
    }
  }
  return Buffer.from(b.map((x) => (x === 0x0a ? 0x20 : x)));
}

function nested(r: Rng): string {
  const n = r.pick([10, 63, 64, 65, 1000, 100_000]);
  switch (r.int(4)) {
    case 0: return '['.repeat(n) + ']'.repeat(n);
    case 1: return '{"seq":1,"cmd":"start","version":' + '['.repeat(n) + '1' + ']'.repeat(n) + '}';
    case 2: return '{"seq":2,"cmd":"ioctl","fd":3,"request":1,"arg":' + '{"a":'.repeat(n) + '1' + '}'.repeat(n) + '}';
    default: return '{"seq":3,"x":' + '['.repeat(n);
  }
}

/** JSON.stringify gives back exactly text (it overflows on deep nesting). */
function restringifies(value: unknown, text: string): boolean {
  try { return JSON.stringify(value) === text; } catch { return false; }
}

/** Requests that must not reach the bridge even when valid: they would end the
 *  session, block, or let the kernel write to an arbitrary address. */
function unsafe(req: Json): boolean {
  const fdCmd = ['close', 'ioctl', 'read', 'write', 'poll', 'ftruncate', 'mmap'].includes(req.cmd);
  if (req.cmd === 'stop') return true;
  if (fdCmd && req.fd >= 0 && req.fd <= 2) return true; // the real stdio, not worth losing stderr
  if (req.cmd === 'ioctl' && !('bytes' in req.arg) && req.fd !== -1) return true;
  if (req.cmd === 'poll' && req.timeoutMs > 5) return true;
  if ((req.cmd === 'read' || req.cmd === 'memRead') && req.length > 65536) return true;
  if (req.cmd === 'mmap' && BigInt(req.length) > 1n << 36n) return true;
  if (req.cmd === 'open' && req.path.startsWith('/') && !req.path.startsWith('/nonexistent')) return true;
  return false;
}

/** The bridge's answer is ok exactly when the request is valid; a few valid
 *  ones may be refused (errored) for reasons the schema does not see. */
const REFUSALS: Record<string, RegExp> = {
  munmap: /did not map for the harness/, mprotect: /did not map for the harness/, memWrite: /did not map for the harness/,
  read: /did not map for the harness/, write: /write takes bytes, or addr and length/,
  open: /NUL byte/, memfdCreate: /NUL byte/, mmap: /flags may only be MAP_PRIVATE, and MAP_HUGETLB/,
};

test('random and damaged lines: one schema-valid reply each, no crash, no sanitizer report', { skip, timeout: 120_000 }, async (t) => {
  const seed = Number(process.env.BRIDGE_FUZZ_SEED ?? 20240611);
  const r = rng(seed);
  const b = new Bridge(sanitizedBridge());
  t.after(() => b.kill());
  const addrs: bigint[] = [];
  let seq = 1, sent = 0, oracle = 0, valid = 0;
  assert.ok((await b.ok({ seq: seq++, cmd: 'start', version: 1 })).start);

  const lineFor = (): Buffer => {
    switch (r.int(8)) {
      case 0: return Buffer.from([...r.bytes(r.int(200))].map((x) => (x === 0x0a ? 0 : x)));
      case 1: return Buffer.from(nested(r));
      case 2: case 3: return Buffer.from(JSON.stringify(someRequest(r, seq++, addrs)));
      case 4: case 5: return Buffer.from(JSON.stringify(mutatedRequest(r, someRequest(r, seq++, addrs))));
      default: return damaged(r, Buffer.from(JSON.stringify(someRequest(r, seq++, addrs))));
    }
  };

  for (let batch = 0; batch < 40; batch++) {
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      const line = lineFor();
      const text = line.toString('utf8');
      let req: unknown;
      let parses = true;
      try { req = JSON.parse(text); } catch { parses = false; }
      const isValid = parses && validRequest(req);
      if (isValid && unsafe(req as Json)) continue;
      // Where JSON.parse and the bridge must agree: canonical JSON, valid UTF-8, no lone surrogate.
      const canonical = parses && Buffer.from(text).equals(line) && restringifies(req, text) && !/\\ud[89a-f]/.test(text);
      sent++;
      pending.push(b.send(line).then((reply) => {
        const what = `line ${JSON.stringify(text.slice(0, 300))} -> ${JSON.stringify(reply).slice(0, 300)}`;
        if (!parses) assert.ok(reply.errored, what);
        if (!canonical) return;
        oracle++;
        const q = req as Json;
        const goodSeq = typeof q === 'object' && q !== null && Number.isInteger(q.seq) && q.seq >= 0 && q.seq <= 4294967295;
        assert.equal(reply.seq, goodSeq ? q.seq : 0, what);
        if (!isValid) return assert.ok(reply.errored, what);
        valid++;
        if (reply.errored) assert.match(reply.errored.message, REFUSALS[q.cmd] ?? /^$/, what);
        else assert.ok(reply.ok, what);
        if (q.cmd === 'mmap' && reply.ok?.addr) addrs.push(BigInt(reply.ok.addr));
      }));
    }
    await Promise.all(pending);
    if (addrs.length > 64) addrs.splice(0, addrs.length - 64);
  }
  assert.ok(sent > 3000, `sent ${sent}`);
  assert.ok(oracle > 1500 && valid > 800, `only ${oracle} lines checked against JSON.parse, ${valid} of them valid`);
  await b.stop(seq++);
});
