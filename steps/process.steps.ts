// The process around the iommufd: its pinned and locked memory as /proc shows
// it, its memlock limit, CAP_IPC_LOCK and CAP_SYS_RESOURCE, and forked children.
import { Given, Then, When } from '@cucumber/cucumber';
import assert from 'node:assert/strict';
import type { SysResult } from '../harness/backend/interface.ts';
import type { IommufdWorld } from './support/world.ts';

/**
 * Capabilities dropped and limits lowered stay with the process that changed
 * them, and the backend's own process serves every later scenario: a
 * scenario changes them only in a forked child, which ends with it.
 */
function inChild(w: IommufdWorld, what: string): void {
  assert.ok(w.children > 0, `${what} only in a forked child ("Given a forked child runs the rest of the scenario"): it would outlive the scenario`);
}

function ok(w: IommufdWorld, r: SysResult, what: string): void {
  assert.equal(r.errno, 0, `${what} failed with ${w.errnoName(r.errno)}`);
}

Given('the process has no CAP_IPC_LOCK', async function (this: IommufdWorld) {
  inChild(this, 'drop CAP_IPC_LOCK');
  ok(this, await this.backend.dropCapIpcLock(), 'dropping CAP_IPC_LOCK');
});

Given('the process has no CAP_SYS_RESOURCE', async function (this: IommufdWorld) {
  inChild(this, 'drop CAP_SYS_RESOURCE');
  ok(this, await this.backend.dropCapSysResource(), 'dropping CAP_SYS_RESOURCE');
});

Given('the process has no CAP_SYS_RAWIO', async function (this: IommufdWorld) {
  inChild(this, 'drop CAP_SYS_RAWIO');
  ok(this, await this.backend.dropCapSysRawio(), 'dropping CAP_SYS_RAWIO');
});

Given('a memlock limit of {value} bytes', async function (this: IommufdWorld, bytes: string) {
  inChild(this, 'set a memlock limit');
  ok(this, await this.backend.setMemlockLimit(this.value(bytes)), 'setrlimit(RLIMIT_MEMLOCK)');
});

async function fork(w: IommufdWorld): Promise<void> {
  ok(w, await w.backend.fork(), 'fork');
  w.children++;
}

When('the process forks', async function (this: IommufdWorld) { await fork(this); });

Given('a forked child runs the rest of the scenario', async function (this: IommufdWorld) { await fork(this); });

When('the child exits', async function (this: IommufdWorld) {
  ok(this, await this.backend.exitChild(), 'the child\'s exit');
  this.children--;
});

async function status(w: IommufdWorld, whose: string): Promise<{ VmPin: number; VmLck: number }> {
  const of = whose === 'the parent' ? 'parent' : 'self';
  const r = await w.backend.procStatus(of);
  ok(w, r, `reading /proc/${of}/status`);
  assert.ok(r.vmPinnedKb !== undefined && r.vmLockedKb !== undefined, 'the status has no VmPin or VmLck');
  return { VmPin: r.vmPinnedKb, VmLck: r.vmLockedKb };
}

// "VmPin of this process is 16 kB", "VmLck of the parent is 0 kB"
Then(/^(VmPin|VmLck) of (this process|the parent) is (\d+) kB$/, async function (this: IommufdWorld, field: string, whose: string, kb: string) {
  const s = await status(this, whose);
  assert.equal(s[field as 'VmPin' | 'VmLck'], Number(kb), `${field} of ${whose}`);
});

// "VmPin of this process is 4 pages": the kB of /proc/<pid>/status in pages of the backend.
Then(/^(VmPin|VmLck) of (this process|the parent) is (\d+) pages?$/, async function (this: IommufdWorld, field: string, whose: string, n: string) {
  const page = this.backend.info.pageSize;
  assert.ok(page, `the backend ${this.backend.info.name} does not say its page size (start: pageSize)`);
  const s = await status(this, whose);
  const kb = s[field as 'VmPin' | 'VmLck'];
  assert.equal(kb, Number(n) * page / 1024, `${field} of ${whose} is ${kb} kB, expected ${n} pages of ${page} bytes`);
});

// Closing a file of the scenario: an iommufd by name, or a file an ioctl returned ($access).
When('the process closes {var}', async function (this: IommufdWorld, name: string) {
  const fd = this.fds.has(name) ? this.fds.get(name)! : Number(this.value(name));
  ok(this, await this.backend.close(fd), `closing ${name}`);
  this.fds.delete(name);
});
