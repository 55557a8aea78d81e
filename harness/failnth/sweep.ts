// The failure-injection sweep, after the kernel's iommufd_fail_nth: every
// selected scenario runs on the reference engine with its n-th internal
// allocation failing, for n = 1, 2, ... until the scenario runs without
// reaching an n-th allocation (and then it must pass). After each call in
// which the failure fired, the call must have failed with ENOMEM (or with
// the errno it gives without injection) and left the engine's observable
// state exactly as before it; when a scenario's process exits, nothing may
// stay pinned or charged.
import type { Envelope } from '@cucumber/messages';
import type { Backend, IoctlArg, IoctlResult, LegacyUapiOp, LegacyUapiVendor, RwAt, SysResult } from '../backend/interface.ts';
import { legacyDevice } from '../../reference/legacy/uapi.ts';
import { ReferenceBackend } from '../backend/reference.ts';
import { presetBackend } from '../backend/preset.ts';
import { ConformanceCollector } from '../report/conformance.ts';
import { runWithCucumber } from '../cli/cucumber.ts';
import type { Process } from '../../reference/process.ts';
import { ENOMEM } from '../../reference/errno.ts';
import { loadSpec } from '../../spec/loader/load.ts';
import { leaks } from '../../reference/observe.ts';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../spec/loader/root.ts';

const spec = loadSpec();
const name = (request: number) => spec.ioctlByRequest.get(request >>> 0)?.name ?? `request 0x${(request >>> 0).toString(16)}`;
/** A scenario still failing its allocations past this n is reported, not swept for ever. */
const MAX_N = 5000;

export interface Violation { scenario: string; n: number; call: string; problem: string }

/**
 * Calls the kernel itself does not undo when a later allocation fails, by
 * request name: the engine follows it, and the sweep only counts them.
 */
export const NOT_ATOMIC_IN_THE_KERNEL: Record<string, string> = {
  VFIO_IOMMU_UNMAP_DMA: 'iopt_cut_iova splits the area at the range\'s first end and keeps that split when splitting at the other end fails',
};

/** Everything a call may not change when it fails: each iommufd's state and the accounting of the tasks it charges. */
export function observeProcess(p: Process): string {
  return [...p.iommufds()].map(([fd, ctx]) => `fd ${fd}: ${ctx.observe(p.task)}`).concat(`legacy: ${legacyDevice(p).observe()}`).join('\n');
}

/** The reference engine with the sweep's checks around every call. */
class SweepBackend extends ReferenceBackend {
  /** The scenario now running (its file:line), the n armed for it (0: none). */
  scenario = '';
  n = 0;
  calls = 0;
  fired = false;
  /** Failed calls that changed state as the kernel's own do (NOT_ATOMIC_IN_THE_KERNEL). */
  notAtomic = 0;
  readonly violations: Violation[] = [];
  /** Errno of each call of each scenario without injection, by call index. */
  readonly baseline = new Map<string, number[]>();
  private recording?: number[];

  /** A scenario starts: the previous one's process is checked for leaks first. */
  begin(scenario: string, n: number): void {
    this.checkLeaks();
    this.scenario = scenario;
    this.n = n;
    this.calls = 0;
    this.fired = false;
    this.recording = n === 0 ? [] : undefined;
    if (this.recording) this.baseline.set(scenario, this.recording);
  }

  override async reset(): Promise<void> {
    await super.reset();
    if (this.n) this.process.fail.arm(this.n);
  }

  override ioctl(fd: number, request: number, arg: IoctlArg): Promise<IoctlResult> {
    return this.checked(name(request), () => super.ioctl(fd, request, arg));
  }

  // An event queue's read and write allocate too (a fault read's cookie): the same checks.
  override read(fd: number, length: number, at?: RwAt) { return this.checked('read', () => super.read(fd, length, at)); }
  override write(fd: number, bytes: Uint8Array, at?: RwAt) { return this.checked('write', () => super.write(fd, bytes, at)); }

  // The 2020 IOMMU UAPI's entry points allocate too (a bind, a fault report).
  override legacyUapi(op: LegacyUapiOp, arg: { bytes: Uint8Array } | { addr: bigint }, vendor?: LegacyUapiVendor): Promise<IoctlResult> {
    return this.checked(`legacyUapi ${op}`, () => super.legacyUapi(op, arg, vendor));
  }

  /** One call with the sweep's checks around it: call names the request in a violation. */
  private async checked<R extends SysResult>(what: string, run: () => Promise<R>): Promise<R> {
    const p = this.process;
    const before = this.n && !this.fired ? observeProcess(p) : '';
    const r = await run();
    const index = this.calls++;
    this.recording?.push(r.errno);
    if (this.n && !this.fired && p.fail.passed >= this.n) {
      this.fired = true;
      const want = this.baseline.get(this.scenario)?.[index];
      const call = `call ${index + 1} (${what})`;
      if (r.errno !== ENOMEM && r.errno !== want) this.violate(call, `returned errno ${r.errno} after an injected failure; expected ENOMEM or ${want ?? 'its own result'}`);
      if (r.errno && observeProcess(p) !== before) {
        if (NOT_ATOMIC_IN_THE_KERNEL[what]) this.notAtomic++;
        else this.violate(call, 'failed but changed the observable state');
      }
    }
    return r;
  }

  /** After a scenario's processes exit (every fd closed), nothing stays pinned or charged. */
  checkLeaks(): void {
    if (!this.scenario) return;
    const procs = [...this.processes].reverse();
    for (const p of procs) p.exit();
    const left = new Set(procs.flatMap((p) => leaks(p)));
    if (left.size) this.violate('exit', `left ${[...left].join(', ')}`);
  }

  private violate(call: string, problem: string): void {
    this.violations.push({ scenario: this.scenario, n: this.n, call, problem });
  }

  override async dispose(): Promise<void> { this.checkLeaks(); this.scenario = ''; }
}

export interface SweepResult {
  scenarios: number;
  /** Injected failures, in all. */
  injected: number;
  maxN: number;
  violations: Violation[];
  /** Failed calls that changed state the way the kernel's do. */
  notAtomic: number;
  /** Scenarios that do not pass once no failure is injected any more. */
  notPassing: string[];
}

/** Runs the sweep over the scenarios of paths (and tags). */
export async function sweep(opts: { paths: string[]; tags?: string; log?: (line: string) => void }): Promise<SweepResult> {
  const backend = new SweepBackend();
  const done = new Set<string>();
  const result: SweepResult = { scenarios: 0, injected: 0, maxN: 0, violations: backend.violations, notAtomic: 0, notPassing: [] };
  /** Every scenario selected (its file:line), known after the first round. */
  let all: string[] = [];
  for (let n = 0; n <= MAX_N; n++) {
    const collector = new ConformanceCollector('reference', (loc) => backend.begin(loc, done.has(loc) ? 0 : n));
    let fired = 0;
    const newlyDone = new Set<string>();
    const onMessage = (e: Envelope) => {
      if (e.testCaseFinished && backend.n && backend.fired) fired++;
      if (e.testCaseFinished && backend.n && !backend.fired) { done.add(backend.scenario); newlyDone.add(backend.scenario); }
      collector.onMessage(e);
    };
    presetBackend(Promise.resolve(backend as Backend));
    // After the first round only the scenarios not done yet run again, each selected by its file:line.
    const paths = n === 0 ? opts.paths : all.filter((loc) => !done.has(loc)).map((loc) => resolve(PROJECT_ROOT, loc));
    await runWithCucumber({ paths, tags: opts.tags, backend: 'reference', onMessage, quiet: true });
    if (n === 0) {
      // A scenario the engine skips (it needs an ioctl not modelled yet), or one about another kind
      // of kernel (not applicable to the test kernel swept here), has nothing to sweep.
      const unswept = (st: string) => st === 'skipped' || st === 'not-applicable';
      const skipped = collector.records.filter((r) => unswept(r.status));
      for (const r of skipped) done.add(r.location);
      all = collector.records.map((r) => r.location);
      result.scenarios = collector.records.length - skipped.length;
      result.notPassing = collector.records.filter((r) => r.status !== 'passed' && !unswept(r.status)).map((r) => `${r.location} ${r.name}`);
      if (result.notPassing.length) return result;
      continue;
    }
    result.injected += fired;
    result.maxN = n;
    opts.log?.(`n=${n}: ${fired} scenario(s) reached the injected failure, ${done.size} of ${result.scenarios} done`);
    const undone = collector.records.filter((r) => newlyDone.has(r.location) && r.status !== 'passed');
    result.notPassing.push(...undone.map((r) => `${r.location} ${r.name} (without injection at n=${n})`));
    if (done.size >= all.length) break;
  }
  result.notAtomic = backend.notAtomic;
  return result;
}
