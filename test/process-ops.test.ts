// The process-level operations (procStatus, setMemlockLimit, dropCapIpcLock,
// fork, exitChild) on every backend: the same sequence in-process on the
// reference engine, through `serve` and the process backend, and on the real
// kernel when IOMMUFD_TEST_KERNEL=1 (it boots the cached VM, ~2 s). Then the
// engine's process model itself: what fork() copies and what it shares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadSpec } from '../spec/loader/load.ts';
import { encode, readPath } from '../harness/codec/codec.ts';
import { createBackend } from '../harness/backend/index.ts';
import { BackendError, BackendSkipped, type Backend } from '../harness/backend/interface.ts';
import { ReferenceBackend } from '../harness/backend/reference.ts';
import { Process } from '../reference/process.ts';
import { DEFAULT_RLIMIT_MEMLOCK } from '../reference/task.ts';
import { PROT_READ, PROT_WRITE } from '../reference/usermem.ts';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'bin', 'iommufd-conform.mjs');
const spec = loadSpec();
const ECHILD = spec.errno.get('ECHILD')!;
const ioctl = (name: string) => spec.ioctls.get(name)!;

async function ioasAlloc(b: Backend, fd: number): Promise<number> {
  const def = ioctl('IOMMU_IOAS_ALLOC');
  const r = await b.ioctl(fd, def.request, { bytes: encode(def.struct!, {}) });
  assert.equal(r.errno, 0, 'IOMMU_IOAS_ALLOC');
  return Number(readPath(def.struct!, r.bytes!, 'out_ioas_id'));
}

async function destroy(b: Backend, fd: number, id: number): Promise<number> {
  const def = ioctl('IOMMU_DESTROY');
  return (await b.ioctl(fd, def.request, { bytes: encode(def.struct!, { id }) })).errno;
}

/** The sequence every backend must get through: an iommufd used from a forked child, then from its parent again. */
async function forkSequence(b: Backend): Promise<void> {
  await b.reset();
  const fd = (await b.open('/dev/iommu')).ret;
  assert.ok(fd >= 3);
  const ioas = await ioasAlloc(b, fd);
  const st = await b.procStatus();
  assert.equal(st.errno, 0);
  assert.equal(typeof st.vmPinnedKb, 'number');
  assert.equal(typeof st.vmLockedKb, 'number');
  assert.deepEqual(await b.procStatus('parent'), { ret: -1, errno: ECHILD });
  assert.deepEqual(await b.exitChild(), { ret: -1, errno: ECHILD });
  assert.deepEqual(await b.dropCapIpcLock(), { ret: 0, errno: 0 });
  assert.deepEqual(await b.setMemlockLimit(1n << 20n), { ret: 0, errno: 0 });

  const child = await b.fork();
  assert.equal(child.errno, 0);
  assert.ok(child.ret > 0);
  // The child's object lives in the shared context: the parent destroys it later.
  const second = await ioasAlloc(b, fd);
  assert.notEqual(second, ioas);
  const parent = await b.procStatus('parent');
  assert.equal(parent.errno, 0);
  assert.equal(typeof parent.vmPinnedKb, 'number');
  assert.deepEqual(await b.close(fd), { ret: 0, errno: 0 }, 'closing it in the child');
  assert.deepEqual(await b.exitChild(), { ret: 0, errno: 0 });

  assert.deepEqual(await b.procStatus('parent'), { ret: -1, errno: ECHILD });
  assert.equal(await destroy(b, fd, second), 0, 'the context outlived the child and its close');
  assert.equal(await destroy(b, fd, ioas), 0);
  await b.reset();
}

test('the fork sequence on the reference backend', async () => {
  const b = new ReferenceBackend();
  await forkSequence(b);
  assert.deepEqual(b.info.processOps, ['procStatus', 'setMemlockLimit', 'dropCapIpcLock', 'dropCapSysResource', 'dropCapSysRawio', 'fork', 'exitChild', 'physAddr']);
});

test('the fork sequence through serve and the process backend', async () => {
  const b = await createBackend(`cmd:${process.execPath} ${cli} serve`);
  try {
    await b.init();
    assert.ok(b.info.processOps?.includes('fork'));
    await forkSequence(b);
    // RLIM_INFINITY crosses the wire as the u64 all ones and comes back as -1n.
    assert.deepEqual(await b.setMemlockLimit(-1n), { ret: 0, errno: 0 });
  } finally {
    await b.dispose();
  }
});

test('the fork sequence on the real kernel', { skip: process.env.IOMMUFD_TEST_KERNEL === '1' ? false : 'set IOMMUFD_TEST_KERNEL=1 (boots the cached 7.3 VM)', timeout: 300_000 }, async () => {
  const b = await createBackend(`kernel${process.env.IOMMUFD_TEST_KERNEL_VERSION ? `-${process.env.IOMMUFD_TEST_KERNEL_VERSION}` : ''}`);
  try {
    await b.init();
    assert.equal(b.info.available, true, b.info.reason);
    await forkSequence(b);
    // After reset the first process is current: a second round works the same.
    await forkSequence(b);
  } finally {
    await b.dispose();
  }
});

test('a backend that crashes on fork errors that call, and the next one starts afresh', async () => {
  const argv = `cmd:${process.execPath} --import tsx ${join(root, 'test/fixtures/broken-backend.ts')} crash fork`;
  const b = await createBackend(argv, { timeoutMs: 5000 });
  try {
    assert.ok((await b.open('/dev/iommu')).ret >= 3);
    await assert.rejects(b.fork(), (e: Error) => e instanceof BackendError && /exited with code 3[\s\S]*crashing on fork/.test(e.message));
    await b.reset();
    assert.equal((await b.open('/dev/iommu')).ret, 3, 'a new process');
  } finally {
    await b.dispose();
  }
});

test('serve answers skipped for an operation its backend lacks', async () => {
  const { answer } = await import('../harness/backend/server.ts');
  const b = new ReferenceBackend();
  b.fork = async () => { throw new BackendSkipped('no fork here'); };
  const { reply } = await answer(b, '{"seq":7,"cmd":"fork"}');
  assert.deepEqual(reply, { seq: 7, skipped: { reason: 'no fork here' } });
  assert.match(JSON.stringify((await answer(b, '{"seq":8,"cmd":"procStatus","of":"grandparent"}')).reply), /errored/);
  assert.match(JSON.stringify((await answer(b, '{"seq":9,"cmd":"setMemlockLimit","limit":"0x1","x":1}')).reply), /errored/);
});

test('reference: the task fields behind the operations', async () => {
  const b = new ReferenceBackend();
  const t0 = b.process.task;
  assert.equal(t0.rlimitMemlock, DEFAULT_RLIMIT_MEMLOCK);
  assert.equal(t0.capIpcLock, true);
  await b.setMemlockLimit(12345n);
  assert.equal(t0.rlimitMemlock, 12345);
  await b.setMemlockLimit(-1n);
  assert.equal(t0.rlimitMemlock, Infinity);
  await b.dropCapIpcLock();
  assert.equal(t0.capIpcLock, false);
  t0.pinnedVm = 3;
  t0.lockedVm = 2;
  assert.deepEqual(await b.procStatus(), { ret: 0, errno: 0, vmPinnedKb: 12, vmLockedKb: 8 });

  const pid = (await b.fork()).ret;
  const t1 = b.process.task;
  assert.equal(b.process.pid, pid);
  assert.notEqual(t1, t0);
  assert.equal(t1.user, t0.user, 'the same user');
  assert.deepEqual([t1.pinnedVm, t1.lockedVm, t1.rlimitMemlock, t1.capIpcLock], [0, 0, Infinity, false]);
  assert.deepEqual(await b.procStatus(), { ret: 0, errno: 0, vmPinnedKb: 0, vmLockedKb: 0 });
  assert.deepEqual(await b.procStatus('parent'), { ret: 0, errno: 0, vmPinnedKb: 12, vmLockedKb: 8 });
  await b.setMemlockLimit(4096n);
  assert.equal(t0.rlimitMemlock, Infinity, 'the parent keeps its own limit');
  await b.exitChild();
  assert.equal(b.process.task, t0);

  await b.fork();
  await b.fork();
  await b.reset();
  assert.deepEqual(await b.procStatus('parent'), { ret: -1, errno: ECHILD }, 'reset ends every child');
  assert.notEqual(b.process.task, t0);
});

test('reference: fork copies anonymous memory, shares memfd memory and every open file', () => {
  const p = new Process();
  const anon = p.mm.mmap(8192, PROT_READ | PROT_WRITE);
  const mfd = p.memfdCreate('m');
  p.ftruncate(mfd, 4096);
  const shared = p.mmap(4096, PROT_READ | PROT_WRITE, mfd);
  p.mm.copyTo(anon, Uint8Array.of(1));
  p.mm.copyTo(anon + 4096, Uint8Array.of(5));
  p.mm.copyTo(shared, Uint8Array.of(2));
  p.mm.munmap(anon + 4096, 1); // two VMAs over one backing afterwards stay one backing in the child
  const fd = p.open('/dev/iommu');

  const c = p.fork();
  assert.notEqual(c.pid, p.pid);
  assert.equal(c.fail, p.fail);
  const byte = (q: Process, a: number) => { const b = new Uint8Array(1); assert.equal(q.mm.copyFrom(a, b), 0); return b[0]; };
  assert.equal(byte(c, anon), 1);
  assert.equal(c.mm.copyFrom(anon + 4096, new Uint8Array(1)) < 0, true, 'the hole is a hole in the child too');
  c.mm.copyTo(anon, Uint8Array.of(3));
  c.mm.copyTo(shared, Uint8Array.of(4));
  assert.equal(byte(p, anon), 1, 'private memory is the child\'s own copy');
  assert.equal(byte(p, shared), 4, 'memfd memory is shared');
  assert.equal(c.mm.mmap(4096, PROT_READ) === p.mm.mmap(4096, PROT_READ), true, 'the layout continues from the same point');

  assert.equal(c.file(fd), p.file(fd), 'the same open file');
  const ctx = p.iommufd(fd)!;
  const at = c.mm.mmap(4096, PROT_READ | PROT_WRITE);
  c.mm.copyTo(at, encode(ioctl('IOMMU_IOAS_ALLOC').struct!, {}));
  assert.equal(c.ioctl(fd, ioctl('IOMMU_IOAS_ALLOC').request, at), 0);
  assert.equal(ctx.objects.count, 1, 'the child made it in the shared context');
  assert.equal(p.close(fd), 0);
  assert.equal(ctx.objects.count, 1, 'still open in the child');
  c.exit();
  assert.equal(ctx.objects.count, 0, 'released on the last close');
});
