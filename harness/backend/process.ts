// A backend in another process speaking the wire protocol on its standard
// input and output (`--backend cmd:<argv...>`, spawned without a shell).
// A call that times out, a crash or an invalid message kills the process
// and fails that call with a BackendError carrying the reason and the
// process's stderr; the next call starts a new process.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { onLines, overlongReason } from './lines.ts';
import { BackendError, BackendSkipped, BackendStartError, type Backend, type BackendInfo, type IoctlArg, type IoctlResult, type LegacyUapiOp, type LegacyUapiVendor, type RwAt, type SysResult } from './interface.ts';

export { BackendError, BackendSkipped };
import { PROTOCOL_VERSION, warmValidators, argToWire, fromHex, fromU64, parseReply, toHex, u64, type WireResult } from './protocol.ts';

/** The optional addr and offset of read and write on the wire. */
const rwAt = (at: RwAt) => ({ ...(at.addr !== undefined ? { addr: u64(at.addr) } : {}), ...(at.offset !== undefined ? { offset: u64(at.offset) } : {}) });

/** Where lines go to and come from: a child process, or a socket to a VM. */
export interface LineChannel {
  send(line: string): void;
  /** cb hears each line; broken, once, why the input is unusable (a line past MAX_LINE). */
  onLine(cb: (line: string) => void, broken: (why: string) => void): void;
  onClose(cb: (why: string) => void): void;
  stderr(): string;
  kill(): void;
}

/** Processes to kill whichever way the harness ends (process.exit runs 'exit' listeners, signals included). */
const live = new Set<() => void>();
let exitHook = false;
/** Kills fn's process when the harness exits, until the returned function is called. */
export function killOnExit(fn: () => void): () => void {
  if (!exitHook) { exitHook = true; process.on('exit', () => { for (const k of live) k(); }); }
  live.add(fn);
  return () => { live.delete(fn); };
}

/** Kills a process started detached and everything in its process group, ignoring those already gone. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!pid) return;
  try { process.kill(-pid, signal); } catch { /* the whole group is gone */ }
}

export function spawnChannel(argv: string[]): LineChannel {
  // In its own process group, so that killing it kills what it started too.
  const child: ChildProcessWithoutNullStreams = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let err = '';
  let exited = false;
  const kill = () => { if (!exited) killGroup(child.pid); };
  const forget = killOnExit(kill);
  child.on('exit', () => { exited = true; forget(); killGroup(child.pid); });
  child.on('error', () => { exited = true; forget(); });
  child.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-8192); });
  child.stdin.on('error', () => { /* reported through close */ });
  return {
    send: (line) => { child.stdin.write(`${line}\n`); },
    onLine: (cb, broken) => { onLines(child.stdout, cb, { onOverlong: (n) => broken(overlongReason(n)) }); },
    onClose: (cb) => {
      child.on('error', (e) => cb(`could not start ${argv[0]}: ${e.message}`));
      // 'close' rather than 'exit': its stderr has been read to the end by then.
      child.on('close', (code, signal) => cb(signal ? `exited on signal ${signal}` : `exited with code ${code}`));
    },
    stderr: () => err,
    kill,
  };
}

const firstLine = (s: string) => s.split('\n')[0]!;

interface Pending { seq: number; cmd: string; resolve: (r: WireResult) => void; reject: (e: Error) => void; deadline: number; timeoutMs: number }

export interface ProcessOptions {
  name: string;
  timeoutMs: number;
  /** Opens a new channel: spawns the process, or boots a VM and connects to it. */
  connect: () => LineChannel | Promise<LineChannel>;
}

/**
 * A process (or a VM) gets at least this long to answer start: starting a
 * runtime on a loaded machine can take longer than a call may (--timeout).
 */
const START_TIMEOUT_MS = 30_000;

export class ProcessBackend implements Backend {
  info: BackendInfo = { name: 'process', version: '?', kernel: '0.0', available: false, reason: 'not started' };
  private channel?: LineChannel;
  private pending?: Pending;
  private seq = 0;
  private watchdog?: NodeJS.Timeout;
  private watchdogAt = 0;
  restarts = 0;

  constructor(private readonly opts: ProcessOptions) {}

  /**
   * Starts the backend. A backend that cannot be started at all (connect
   * fails, or the process ends before it answers start) is a BackendStartError;
   * one that runs but answers start wrongly (or not in time) is a BackendError,
   * a finding about the implementation like any other.
   */
  async init(): Promise<void> {
    let connected = false;
    try {
      await this.ensure(() => { connected = true; });
    } catch (e) {
      if (!connected) throw new BackendStartError(`backend ${this.opts.name} could not start: ${firstLine((e as Error).message)}`);
      const closed = this.closedAtStart;
      if (e instanceof BackendError && closed) {
        const lines = closed.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
        const last = lines.find((l) => /error/i.test(l)) ?? lines.at(-1);
        const when = closed.why.startsWith('could not start') ? '' : ' before answering start';
        throw new BackendStartError(`backend ${this.opts.name} ${closed.why}${when}${last ? ` (stderr: ${last.slice(0, 300)})` : ''}`);
      }
      throw e;
    }
  }

  /** Set when the channel closed (rather than broke the protocol) while start was pending. */
  private closedAtStart?: { why: string; stderr: string };

  private async ensure(connected?: () => void): Promise<void> {
    if (this.channel) return;
    const ch = await this.opts.connect();
    connected?.();
    this.channel = ch;
    ch.onLine((line) => this.onLine(ch, line), (why) => this.fail(ch, `backend ${this.opts.name} broke the protocol: it wrote ${why}`));
    ch.onClose((why) => {
      if (ch === this.channel && this.pending?.cmd === 'start') this.closedAtStart = { why, stderr: ch.stderr() };
      this.lost(ch, `backend ${this.opts.name} ${why}`);
    });
    warmValidators(); // while the process starts
    const r = await this.request('start', { version: PROTOCOL_VERSION }, Math.max(this.opts.timeoutMs, START_TIMEOUT_MS));
    const s = r.start;
    if (!s) throw this.fail(ch, 'backend answered start without describing itself');
    const { protocol: _p, ...info } = s;
    this.info = info as BackendInfo;
  }

  private onLine(ch: LineChannel, line: string): void {
    if (ch !== this.channel) return;
    const p = this.pending;
    const reply = parseReply(line);
    if (typeof reply === 'string') return void this.fail(ch, `backend wrote an invalid message (${reply}): ${line.slice(0, 200)}`);
    if (!p || reply.seq !== p.seq) return void this.fail(ch, `backend answered seq ${reply.seq}, expected ${p ? p.seq : 'nothing'}`);
    this.pending = undefined;
    if ('ok' in reply) p.resolve(reply.ok);
    else if ('skipped' in reply) p.reject(new BackendSkipped(reply.skipped.reason));
    else p.reject(new BackendError(`backend errored on ${p.cmd}: ${reply.errored.message}${reply.errored.context ? ` (${reply.errored.context})` : ''}`, ch.stderr()));
  }

  /** Kills the channel and fails the call in flight; returns the error for throwing. */
  private fail(ch: LineChannel, why: string): BackendError {
    const err = new BackendError(why, ch.stderr());
    if (ch === this.channel) {
      this.channel = undefined;
      this.restarts++;
      const p = this.pending;
      this.pending = undefined;
      if (p) p.reject(err);
    }
    ch.kill();
    return err;
  }

  /**
   * One watchdog timer rather than one timer per call (a timer per call cost
   * more than the rest of a round trip): it stays armed while it fires no
   * later than the pending call's deadline, and when it fires it re-arms
   * itself for whatever call is pending then.
   */
  private watch(): void {
    const p = this.pending!;
    if (this.watchdog && this.watchdogAt <= p.deadline) return;
    clearTimeout(this.watchdog);
    this.watchdogAt = p.deadline;
    this.watchdog = setTimeout(() => {
      this.watchdog = undefined;
      const cur = this.pending;
      if (!cur || !this.channel) return;
      if (performance.now() >= cur.deadline) this.fail(this.channel, `backend did not answer ${cur.cmd} within ${cur.timeoutMs} ms`);
      else this.watch();
    }, Math.max(1, p.deadline - performance.now())).unref();
  }

  private lost(ch: LineChannel, why: string): void {
    if (ch === this.channel) this.fail(ch, why);
  }

  private request(cmd: string, fields: Record<string, unknown> = {}, timeoutMs = this.opts.timeoutMs): Promise<WireResult> {
    const ch = this.channel!;
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending = { seq, cmd, resolve, reject, deadline: performance.now() + timeoutMs, timeoutMs };
      this.watch();
      ch.send(JSON.stringify({ seq, cmd, ...fields }));
    });
  }

  private async call(cmd: string, fields: Record<string, unknown> = {}): Promise<WireResult> {
    try {
      await this.ensure();
    } catch (e) {
      if (e instanceof BackendError) throw e;
      // A new process or VM that cannot be made (a boot that fails) is a loss like a crash.
      this.restarts++;
      throw new BackendError(`backend ${this.opts.name} could not be started again: ${firstLine((e as Error).message)}`);
    }
    return this.request(cmd, fields);
  }

  private async sys(cmd: string, fields: Record<string, unknown> = {}): Promise<SysResult & { bytes?: Uint8Array; addr?: bigint; revents?: number; vmPinnedKb?: number; vmLockedKb?: number }> {
    const r = await this.call(cmd, fields);
    return {
      ret: r.ret ?? 0, errno: r.errno ?? 0,
      ...(r.bytes !== undefined ? { bytes: fromHex(r.bytes) } : {}),
      ...(r.addr !== undefined ? { addr: fromU64(r.addr) } : {}),
      ...(r.revents !== undefined ? { revents: r.revents } : {}),
      ...(r.vmPinnedKb !== undefined ? { vmPinnedKb: r.vmPinnedKb } : {}),
      ...(r.vmLockedKb !== undefined ? { vmLockedKb: r.vmLockedKb } : {}),
    };
  }

  async reset(): Promise<void> { await this.call('reset'); }
  open(path: string) { return this.sys('open', { path }); }
  close(fd: number) { return this.sys('close', { fd }); }
  ioctl(fd: number, request: number, arg: IoctlArg): Promise<IoctlResult> { return this.sys('ioctl', { fd, request, arg: argToWire(arg) }); }
  read(fd: number, length: number, at: RwAt = {}) { return this.sys('read', { fd, length, ...rwAt(at) }); }
  write(fd: number, bytes: Uint8Array, at: RwAt = {}) {
    return this.sys('write', { fd, ...(at.addr !== undefined ? { length: bytes.length } : { bytes: toHex(bytes) }), ...rwAt(at) });
  }
  poll(fd: number, events: number, timeoutMs: number) { return this.sys('poll', { fd, events, timeoutMs }); }
  mmap(length: bigint, prot: number, fd?: number, offset?: bigint, flags?: number) {
    return this.sys('mmap', {
      length: u64(length), prot, ...(fd !== undefined ? { fd } : {}), ...(offset !== undefined ? { offset: u64(offset) } : {}),
      ...(flags ? { flags } : {}),
    });
  }
  munmap(addr: bigint, length: bigint) { return this.sys('munmap', { addr: u64(addr), length: u64(length) }); }
  mprotect(addr: bigint, length: bigint, prot: number) { return this.sys('mprotect', { addr: u64(addr), length: u64(length), prot }); }
  memRead(addr: bigint, length: number) { return this.sys('memRead', { addr: u64(addr), length }); }
  memWrite(addr: bigint, bytes: Uint8Array) { return this.sys('memWrite', { addr: u64(addr), bytes: toHex(bytes) }); }
  memfdCreate(name: string) { return this.sys('memfdCreate', { name }); }
  ftruncate(fd: number, length: bigint) { return this.sys('ftruncate', { fd, length: u64(length) }); }
  procStatus(of?: 'self' | 'parent') { return this.sys('procStatus', of ? { of } : {}); }
  setMemlockLimit(bytes: bigint) { return this.sys('setMemlockLimit', { limit: u64(bytes) }); }
  dropCapIpcLock() { return this.sys('dropCapIpcLock'); }
  dropCapSysResource() { return this.sys('dropCapSysResource'); }
  dropCapSysRawio() { return this.sys('dropCapSysRawio'); }
  fork() { return this.sys('fork'); }
  exitChild() { return this.sys('exitChild'); }
  physAddr(addr: bigint) { return this.sys('physAddr', { addr: u64(addr) }); }
  legacyUapi(op: LegacyUapiOp, arg: { bytes: Uint8Array } | { addr: bigint }, vendor?: LegacyUapiVendor): Promise<IoctlResult> {
    return this.sys('legacyUapi', { op, ...(vendor ? { vendor } : {}), arg: argToWire(arg) });
  }

  async dispose(): Promise<void> {
    const ch = this.channel;
    if (!ch) return;
    try { await this.request('stop'); } catch { /* it is going away anyway */ }
    this.channel = undefined;
    ch.kill();
  }
}
