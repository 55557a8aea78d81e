// The process around the iommufd: its pinned and locked memory as /proc shows
// it, its memlock limit and CAP_IPC_LOCK, and forked children.
import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import type { SysResult } from '../harness/backend/interface.ts';
import { BackendSkipped } from '../harness/backend/process.ts';
import type { IommufdWorld } from './support/world.ts';

/** The process-level operations of the backend interface (BRIEF item 1). */
interface ProcessOps {
  procStatus(of?: 'self' | 'parent'): Promise<SysResult & { vmPinnedKb?: number; vmLockedKb?: number }>;
  setMemlockLimit(bytes: bigint): Promise<SysResult>;
  dropCapIpcLock(): Promise<SysResult>;
  fork(): Promise<SysResult>;
  exitChild(): Promise<SysResult>;
}

function ops(w: IommufdWorld): ProcessOps {
  const b = w.backend as unknown as Partial<ProcessOps>;
  if (typeof b.procStatus !== 'function' || typeof b.fork !== 'function') {
    throw new BackendSkipped('not run: the backend lacks the process operations (procStatus, setMemlockLimit, dropCapIpcLock, fork, exitChild)');
  }
  return b as ProcessOps;
}

function ok(w: IommufdWorld, r: SysResult, what: string): void {
  assert.equal(r.errno, 0, `${what} failed with ${w.errnoName(r.errno)}`);
}

Given('the process has no CAP_IPC_LOCK', async function (this: IommufdWorld) {
  ok(this, await ops(this).dropCapIpcLock(), 'dropping CAP_IPC_LOCK');
});

Given('a memlock limit of {value} bytes', async function (this: IommufdWorld, bytes: string) {
  ok(this, await ops(this).setMemlockLimit(this.value(bytes)), 'setrlimit(RLIMIT_MEMLOCK)');
});

When('the process forks', async function (this: IommufdWorld) {
  ok(this, await ops(this).fork(), 'fork');
});

// Capabilities dropped and limits lowered stay with the process that changed them: a scenario
// that changes them does so in a child, so that the backend's own process keeps its privileges.
Given('a forked child runs the rest of the scenario', async function (this: IommufdWorld) {
  ok(this, await ops(this).fork(), 'fork');
});

When('the child exits', async function (this: IommufdWorld) {
  ok(this, await ops(this).exitChild(), 'the child\'s exit');
});

async function status(w: IommufdWorld, whose: string): Promise<{ VmPin: number; VmLck: number }> {
  const of = whose === 'the parent' ? 'parent' : 'self';
  const r = await ops(w).procStatus(of);
  ok(w, r, `reading /proc/${of}/status`);
  assert.ok(r.vmPinnedKb !== undefined && r.vmLockedKb !== undefined, 'the status has no VmPin or VmLck');
  return { VmPin: r.vmPinnedKb, VmLck: r.vmLockedKb };
}

// "VmPin of this process is 16 kB", "VmLck of the parent is 0 kB"
Then(/^(VmPin|VmLck) of (this process|the parent) is (\d+) kB$/, async function (this: IommufdWorld, field: string, whose: string, kb: string) {
  const s = await status(this, whose);
  assert.equal(s[field as 'VmPin' | 'VmLck'], Number(kb), `${field} of ${whose}`);
});
