// The bridge's process-level commands on this machine (no /dev/iommu needed):
// VmPin/VmLck, RLIMIT_MEMLOCK and CAP_IPC_LOCK as /proc shows them, and fork:
// the child serves the protocol on the same descriptors with a copy of the
// memory and the same open files, its parent takes over again when it exits,
// and reset, stop, pipelined input and a dying child leave a sane session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { Bridge, sanitizedBridge, skip, type Json } from './bridge-session.ts';

const ECHILD = 10, EBADF = 9, EPERM = 1;
const PROT_RW = 3;
const CAP_IPC_LOCK = 14n, CAP_SYS_RESOURCE = 24n;

/** A field of /proc/PID/status. */
const status = (pid: number, field: string) => new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
const hasCap = (pid: number, set: string, cap: bigint) => ((BigInt(`0x${status(pid, set)}`) >> cap) & 1n) === 1n;
/** Soft and hard "Max locked memory" of /proc/PID/limits. */
const memlock = (pid: number) => /^Max locked memory\s+(\S+)\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))!.slice(1, 3);
/** Gone, or a zombie nobody reaps (a container's pid 1 may not). */
const ended = (pid: number) => !existsSync(`/proc/${pid}`) || /^[ZX]/.test(status(pid, 'State') ?? 'X');

async function session(t: { after: (fn: () => void) => void }) {
  const b = new Bridge(sanitizedBridge());
  t.after(() => b.kill());
  let seq = 1;
  const call = (cmd: string, fields: Json = {}) => b.ok({ seq: seq++, cmd, ...fields });
  const send = (cmd: string, fields: Json = {}) => b.send(JSON.stringify({ seq: seq++, cmd, ...fields }));
  assert.ok((await call('start', { version: 1 })).start.processOps.includes('fork'));
  assert.deepEqual(await call('reset'), {});
  return { b, call, send, next: () => seq++ };
}

test('procStatus, setMemlockLimit and dropCapIpcLock are what /proc says', { skip, timeout: 30_000 }, async (t) => {
  const { b, call, next } = await session(t);
  const pid = b.child.pid!;
  const st = await call('procStatus');
  assert.deepEqual(st, { ret: 0, errno: 0, vmPinnedKb: Number.parseInt(status(pid, 'VmPin')!), vmLockedKb: Number.parseInt(status(pid, 'VmLck')!) });
  assert.deepEqual(await call('procStatus', { of: 'self' }), st);
  assert.deepEqual(await call('procStatus', { of: 'parent' }), { ret: -1, errno: ECHILD }, 'the first process has no bridge parent');
  assert.deepEqual(await call('exitChild'), { ret: -1, errno: ECHILD });

  assert.deepEqual(await call('setMemlockLimit', { limit: '0x10000' }), { ret: 0, errno: 0 });
  assert.deepEqual(memlock(pid), ['65536', '65536']);
  // Raising the hard limit needs CAP_SYS_RESOURCE; RLIM_INFINITY is the u64 all ones.
  const raise = await call('setMemlockLimit', { limit: '0xffffffffffffffff' });
  if (hasCap(pid, 'CapEff', CAP_SYS_RESOURCE)) {
    assert.deepEqual(raise, { ret: 0, errno: 0 });
    assert.deepEqual(memlock(pid), ['unlimited', 'unlimited']);
  } else {
    assert.deepEqual(raise, { ret: -1, errno: EPERM });
  }

  assert.deepEqual(await call('dropCapIpcLock'), { ret: 0, errno: 0 });
  for (const set of ['CapEff', 'CapPrm', 'CapInh']) assert.equal(hasCap(pid, set, CAP_IPC_LOCK), false, set);
  assert.deepEqual(await call('dropCapIpcLock'), { ret: 0, errno: 0 }, 'dropping it again changes nothing');
  await b.stop(next());
});

test('fork: the child shares the open files, has a copy of the memory, and its parent takes over after exitChild', { skip, timeout: 30_000 }, async (t) => {
  const { b, call, next } = await session(t);
  const root = b.child.pid!;
  const anon = (await call('mmap', { length: '0x1000', prot: PROT_RW })).addr;
  const fd = (await call('memfdCreate', { name: 'shared' })).ret;
  await call('ftruncate', { fd, length: '0x1000' });
  const shared = (await call('mmap', { length: '0x1000', prot: PROT_RW, fd })).addr;
  await call('memWrite', { addr: anon, bytes: 'aa' });
  await call('memWrite', { addr: shared, bytes: 'bb' });

  const child = (await call('fork')).ret;
  assert.ok(child > 0 && child !== root);
  assert.equal(status(child, 'PPid'), String(root));
  assert.deepEqual(await call('procStatus', { of: 'parent' }), (await call('procStatus', { of: 'parent' })));
  assert.equal((await call('procStatus')).errno, 0);
  // Its own memory (a fresh /proc/self/mem): the copy, then its own writes.
  assert.equal((await call('memRead', { addr: anon, length: 1 })).bytes, 'aa');
  await call('memWrite', { addr: anon, bytes: 'cc' });
  await call('memWrite', { addr: shared, bytes: 'dd' });
  assert.deepEqual(await call('write', { fd, bytes: 'ee' }), { ret: 1, errno: 0 }, 'the inherited descriptor');
  const own = (await call('memfdCreate', { name: 'child' })).ret;
  assert.equal(own, fd + 1);
  await call('setMemlockLimit', { limit: '0x2000' });
  assert.deepEqual(memlock(child), ['8192', '8192']);
  assert.deepEqual(await call('exitChild'), { ret: 0, errno: 0 });

  await new Promise((r) => setTimeout(r, 50));
  assert.ok(ended(child), 'the child is gone');
  assert.deepEqual(await call('procStatus', { of: 'parent' }), { ret: -1, errno: ECHILD }, 'the first process is current');
  assert.equal((await call('memRead', { addr: anon, length: 1 })).bytes, 'aa', 'private memory was copied');
  assert.equal((await call('memRead', { addr: shared, length: 1 })).bytes, 'ee', 'the file is shared, and so is its position');
  assert.deepEqual(await call('close', { fd: own }), { ret: -1, errno: EBADF }, 'what the child opened closed with it');
  assert.notDeepEqual(memlock(root), ['8192', '8192'], 'the child had its own limits');
  assert.deepEqual(await call('ftruncate', { fd, length: '0x2000' }), { ret: 0, errno: 0 });
  await b.stop(next());
});

test('pipelined lines across fork and exitChild are each answered once, in order', { skip, timeout: 30_000 }, async (t) => {
  const { b, send, next } = await session(t);
  const root = b.child.pid!;
  const replies = await Promise.all([
    send('fork'), send('procStatus', { of: 'parent' }), send('fork'), send('exitChild'), send('exitChild'),
    send('procStatus', { of: 'parent' }), send('memfdCreate', { name: 'x' }),
  ]);
  const [f1, p1, f2, e2, e1, p0, m] = replies.map((r) => r.ok);
  assert.ok(f1.ret > 0 && f2.ret > 0 && f1.ret !== f2.ret && f1.ret !== root);
  assert.equal(p1.errno, 0);
  assert.deepEqual([e2, e1], [{ ret: 0, errno: 0 }, { ret: 0, errno: 0 }]);
  assert.deepEqual(p0, { ret: -1, errno: ECHILD });
  assert.deepEqual(m, { ret: 3, errno: 0 });
  assert.deepEqual(replies.map((r) => r.seq), replies.map((_, i) => replies[0]!.seq + i));
  await b.stop(next());
});

test('reset and stop in a forked child end every child first', { skip, timeout: 30_000 }, async (t) => {
  const { b, call, next } = await session(t);
  await call('memfdCreate', { name: 'before' });
  const c1 = (await call('fork')).ret;
  const c2 = (await call('fork')).ret;
  assert.deepEqual(await call('reset'), {});
  assert.deepEqual(await call('procStatus', { of: 'parent' }), { ret: -1, errno: ECHILD });
  assert.equal((await call('memfdCreate', { name: 'after' })).ret, 3, 'the first process was reset');
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(ended(c1) && ended(c2));
  const c3 = (await call('fork')).ret;
  await b.stop(next());
  assert.ok(ended(c3));
});

test('a child that dies is answered for by its parent, and a killed bridge leaves no child behind', { skip, timeout: 30_000 }, async (t) => {
  const { b, call, send, next } = await session(t);
  // Mid-request: the parent answers errored for it.
  const c1 = (await call('fork')).ret;
  const hanging = send('poll', { fd: -1, events: 1, timeoutMs: 60_000 });
  // Killed only once it is inside poll (or ppoll), else its parent would read the line and poll itself.
  const inPoll = () => { try { return /^(7|271) /.test(readFileSync(`/proc/${c1}/syscall`, 'utf8')); } catch { return false; } };
  for (let i = 0; i < 500 && !inPoll(); i++) await new Promise((r) => setTimeout(r, 10));
  process.kill(c1, 'SIGKILL');
  assert.match((await hanging).errored?.message ?? '', new RegExp(`forked child ${c1} died \\(signal 9\\)`));
  assert.deepEqual(await call('procStatus', { of: 'parent' }), { ret: -1, errno: ECHILD });
  // Between requests: the parent is current again, and says so on stderr.
  const c2 = (await call('fork')).ret;
  process.kill(c2, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(await call('procStatus', { of: 'parent' }), { ret: -1, errno: ECHILD });
  assert.match(b.stderr, new RegExp(`forked child ${c2} died between requests`));
  // The bridge killed while a child serves: the child dies with it.
  const c3 = (await call('fork')).ret;
  void next;
  b.kill();
  await b.exited;
  for (let i = 0; i < 50 && !ended(c3); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(ended(c3), 'PR_SET_PDEATHSIG');
});
